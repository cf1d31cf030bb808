"""Reads of clinical content in the patient portal."""

from __future__ import annotations

from audit.events import AuditAction


class PortalEvent(AuditAction):
    APPOINTMENTS_VIEWED = "portal.appointments_viewed", "Appointments viewed in the portal"
    DOCUMENTS_VIEWED = "portal.documents_viewed", "Documents viewed in the portal"
    PLANS_VIEWED = "portal.plans_viewed", "Treatment plans viewed in the portal"
    FORMS_VIEWED = "portal.forms_viewed", "Smart forms viewed in the portal"
    FORM_VIEWED = "portal.form_viewed", "Smart form opened in the portal"
