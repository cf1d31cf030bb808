from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db import transaction

from accounts.events import AccountEvent
from accounts.models import User
from audit.services import audit_record


def user_password_changed_by_owner(*, user: User) -> None:
    """The owner chose their own password: a staff-set password no longer needs replacing."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit_record(actor=user, action=AccountEvent.PASSWORD_CHANGED, target=user)


def user_second_factor_changed(
    *, user: User, authenticator: Authenticator, event: AccountEvent
) -> None:
    """The owner added, removed or renewed a second factor (`event` says which)."""
    audit_record(
        actor=user,
        action=event,
        target=user,
        details={"type": authenticator.type},
    )


@transaction.atomic
def authenticator_remove(*, actor: User, authenticator: Authenticator) -> None:
    """A superuser removes a lost factor; a staff owner then enrols again at the next sign-in."""
    owner = authenticator.user
    kind = authenticator.type
    authenticator.delete()
    audit_record(
        actor=actor,
        action=AccountEvent.SECOND_FACTOR_REMOVED_BY_ADMIN,
        target=owner,
        details={"type": kind},
    )
