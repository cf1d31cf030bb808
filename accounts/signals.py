from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver

from accounts.events import AccountEvent
from accounts.services import user_password_changed_by_owner, user_second_factor_changed


@receiver(password_changed)
@receiver(password_reset)
def _clear_forced_password_change(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    user_password_changed_by_owner(user=user)


@receiver(authenticator_added)
def _second_factor_added(sender: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    user_second_factor_changed(
        user=user, authenticator=authenticator, event=AccountEvent.SECOND_FACTOR_ADDED
    )


@receiver(authenticator_removed)
def _second_factor_removed(sender: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    user_second_factor_changed(
        user=user, authenticator=authenticator, event=AccountEvent.SECOND_FACTOR_REMOVED
    )


@receiver(authenticator_reset)
def _second_factor_reset(sender: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    user_second_factor_changed(
        user=user, authenticator=authenticator, event=AccountEvent.SECOND_FACTOR_RESET
    )
