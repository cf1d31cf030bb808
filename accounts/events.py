"""Events about an account: its password, second factor, rights and sign-ins."""

from __future__ import annotations

from audit.events import AuditAction


class AccountEvent(AuditAction):
    PASSWORD_CHANGED = "accounts.password_changed", "Password changed by its owner"
    PASSWORD_SET = "accounts.password_set", "Password set"
    PASSWORD_REMOVED = "accounts.password_removed", "Password removed"
    SECOND_FACTOR_ADDED = "accounts.second_factor_added", "Second factor added"
    SECOND_FACTOR_REMOVED = "accounts.second_factor_removed", "Second factor removed"
    SECOND_FACTOR_RESET = "accounts.second_factor_reset", "Second factor renewed"
    SECOND_FACTOR_REMOVED_BY_ADMIN = (
        "accounts.second_factor_removed_by_admin",
        "Second factor removed by an administrator",
    )
    RIGHTS_CHANGED = "accounts.rights_changed", "Staff, superuser or active status changed"
    GROUPS_CHANGED = "accounts.groups_changed", "Groups changed"
    PERMISSIONS_CHANGED = "accounts.permissions_changed", "Permissions changed"
    SIGNED_IN = "accounts.signed_in", "Signed in"
    SIGN_IN_FAILED = "accounts.sign_in_failed", "Sign-in failed"
