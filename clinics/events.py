"""Events about clinics, their staff, practitioners and patient records."""

from __future__ import annotations

from audit.events import AuditAction


class ClinicEvent(AuditAction):
    STAFF_ADDED = "clinics.staff_added", "Staff member added to the clinic"
    PATIENT_CREATED = "clinics.patient_created", "Patient record created"
    PATIENT_UPDATED = "clinics.patient_updated", "Patient record updated"
    PRACTITIONER_CREATED = "clinics.practitioner_created", "Practitioner created"
    PRACTITIONER_UPDATED = "clinics.practitioner_updated", "Practitioner updated"
    PRACTITIONER_ACCOUNT_ATTACHED = (
        "clinics.practitioner_account_attached",
        "Portal account attached to the practitioner",
    )
    PRACTITIONER_CLINIC_CREATED = (
        "clinics.practitioner_clinic_created",
        "Practitioner added to a clinic",
    )
    PRACTITIONER_CLINIC_UPDATED = (
        "clinics.practitioner_clinic_updated",
        "Practitioner at a clinic updated",
    )
    PRACTITIONER_CLINIC_ARCHIVED = (
        "clinics.practitioner_clinic_archived",
        "Practitioner at a clinic archived",
    )
    PRACTITIONER_CLINIC_RESTORED = (
        "clinics.practitioner_clinic_restored",
        "Practitioner at a clinic restored",
    )
