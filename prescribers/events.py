"""Events about pharmacy prescriber profiles, practitioners' portal and API access, and
e-prescriptions."""

from __future__ import annotations

from audit.events import AuditAction


class PrescriberEvent(AuditAction):
    PROFILE_CREATED = "prescribers.profile_created", "Prescriber profile created"
    PROFILE_CREATED_AUTOMATICALLY = (
        "prescribers.profile_created_automatically",
        "Prescriber profile created from an e-prescription",
    )
    PROFILE_UPDATED = "prescribers.profile_updated", "Prescriber profile updated"
    PROFILE_LINKED = "prescribers.profile_linked", "Prescriber profile linked"
    PROFILE_DISCONNECTED = "prescribers.profile_disconnected", "Prescriber profile disconnected"
    PROFILE_ARCHIVED = "prescribers.profile_archived", "Prescriber profile archived"
    PROFILE_RESTORED = "prescribers.profile_restored", "Prescriber profile restored"
    PROFILE_REVIEWED = "prescribers.profile_reviewed", "Prescriber profile reviewed"
    PROFILE_MERGED = "prescribers.profile_merged", "Prescriber profile merged into another"
    PROFILE_MERGE_RECEIVED = (
        "prescribers.profile_merge_received",
        "Prescriber profile received a merge",
    )
    INVITATION_SENT = "prescribers.invitation_sent", "Practitioner portal invitation sent"
    INVITATION_ACCEPTED = (
        "prescribers.invitation_accepted",
        "Practitioner portal invitation accepted",
    )
    API_TOKEN_CREATED = "prescribers.api_token_created", "API token created"
    API_TOKEN_REVOKED = "prescribers.api_token_revoked", "API token revoked"
    EPRESCRIPTION_RECEIVED = "prescribers.eprescription_received", "E-prescription received"
    EPRESCRIPTION_STATUS_CHANGED = (
        "prescribers.eprescription_status_changed",
        "E-prescription status changed",
    )
