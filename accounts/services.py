from __future__ import annotations

from accounts.models import User
from audit.services import audit_record


def user_password_changed_by_owner(*, user: User) -> None:
    """The owner chose their own password: a staff-set password no longer needs replacing."""
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    audit_record(actor=user, action="account.password_changed", target=user)
