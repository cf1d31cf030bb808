"""Events about Medical Access Links and what account holders change in the portal."""

from __future__ import annotations

from audit.events import AuditAction


class FamilyLinksEvent(AuditAction):
    CLINIC_SETTINGS_SAVED = (
        "family_links.clinic_settings_saved",
        "Medical Access Link settings of the clinic saved",
    )
    LINK_GENERATED = "family_links.link_generated", "Medical Access Link generated"
    LINK_SENT = "family_links.link_sent", "Medical Access Link sent"
    FAMILY_LINKS_SENT = "family_links.family_links_sent", "Medical Access Links sent to a family"
    REMINDER_SENT = "family_links.reminder_sent", "Medical Access Link reminder sent"
    LINK_REVOKED = "family_links.link_revoked", "Medical Access Link revoked"
    CHECK_FAILED = "family_links.check_failed", "Medical Access Code check failed"
    LINK_LOCKED = "family_links.link_locked", "Medical Access Link locked after failed checks"
    LINK_REDEEMED = "family_links.link_redeemed", "Medical Access Link redeemed"
    DEMOGRAPHICS_UPDATED = "family_links.demographics_updated", "Demographics updated in the portal"
