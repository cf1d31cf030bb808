"""Reactions to other apps' events, connected in PrescribersConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from prescribers.services.api_tokens import api_tokens_revoke_for_password_change


@receiver(post_save, sender=User)
def _password_set(sender: type[User], instance: User, raw: bool = False, **kwargs: Any) -> None:
    # `_password` holds the new password from set_password() until save() completes: Django's
    # own marker for "a password was set" (it runs the validators' password_changed() on it).
    # Every way to set one goes through it: allauth's change, set and reset, the admin, staff
    # credentials, `changepassword`. The silent re-hash at sign-in clears it first, so an
    # upgraded hasher does not revoke anything.
    if not raw and getattr(instance, "_password", None) is not None:
        api_tokens_revoke_for_password_change(user=instance)
