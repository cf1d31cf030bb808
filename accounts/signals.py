from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from django.dispatch import receiver

from accounts.services import user_password_changed_by_owner


@receiver(password_changed)
@receiver(password_reset)
def _clear_forced_password_change(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user_password_changed_by_owner(user=user)
