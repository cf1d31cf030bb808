"""Events about who may reach a patient record in the portal."""

from __future__ import annotations

from audit.events import AuditAction


class AccessControlEvent(AuditAction):
    GRANT_CREATED = "access_control.grant_created", "Portal access granted"
    GRANT_REVOKED = "access_control.grant_revoked", "Portal access revoked"
    ACCOUNT_CREATED_MANUALLY = (
        "access_control.account_created_manually",
        "Portal credentials created by staff",
    )
    INVITATION_SENT = "access_control.invitation_sent", "Portal invitation sent"
    INVITATION_REVOKED = "access_control.invitation_revoked", "Portal invitation revoked"
    INVITATION_ACCEPTED = "access_control.invitation_accepted", "Portal invitation accepted"
    PATIENT_BLOCKED = "access_control.patient_blocked", "Portal Access blocked"
    PATIENT_UNBLOCKED = "access_control.patient_unblocked", "Portal Access unblocked"
    AVAILABLE_PRACTITIONERS_SET = (
        "access_control.available_practitioners_set",
        "Available Practitioners changed",
    )
    CLINIC_SETTINGS_SAVED = (
        "access_control.clinic_settings_saved",
        "Portal settings of the clinic saved",
    )
