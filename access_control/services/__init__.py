"""Writes that change who may reach a patient record. Each is atomic and writes its audit event.

The package's modules by concern; callers import the services from here.
"""

from __future__ import annotations

from access_control.services.accounts import account_create_manually
from access_control.services.base import PortalAccessError
from access_control.services.grants import grant_create, grant_revoke
from access_control.services.invitations import (
    InvitationNeedsSignIn,
    InvitationNotValid,
    InvitationSent,
    InvitationWrongAccount,
    invitation_accept,
    invitation_accept_new_account,
    invitation_revoke,
    invitation_send,
    invitations_revoke_outdated,
)
from access_control.services.portal_settings import (
    available_practitioners_set,
    patient_block,
    patient_unblock,
    portal_settings_initialize,
    test_profile_set,
)

__all__ = [
    "InvitationNeedsSignIn",
    "InvitationNotValid",
    "InvitationSent",
    "InvitationWrongAccount",
    "PortalAccessError",
    "account_create_manually",
    "available_practitioners_set",
    "grant_create",
    "grant_revoke",
    "invitation_accept",
    "invitation_accept_new_account",
    "invitation_revoke",
    "invitation_send",
    "invitations_revoke_outdated",
    "patient_block",
    "patient_unblock",
    "portal_settings_initialize",
    "test_profile_set",
]
