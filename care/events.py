"""Events about the clinical content a portal shows, and its reads by staff."""

from __future__ import annotations

from audit.events import AuditAction


class CareEvent(AuditAction):
    VIEWED_BY_STAFF = "care.viewed_by_staff", "Clinical content viewed by staff"
    CLINIC_SETTINGS_SAVED = "care.clinic_settings_saved", "Booking settings of the clinic saved"
    AVAILABILITY_SAVED = "care.availability_saved", "Availability saved"
    AVAILABILITY_DELETED = "care.availability_deleted", "Availability deleted"
    TIME_OFF_SAVED = "care.time_off_saved", "Time off saved"
    TIME_OFF_DELETED = "care.time_off_deleted", "Time off deleted"
    APPOINTMENT_BOOKED = "care.appointment_booked", "Appointment booked"
    APPOINTMENT_MOVED = "care.appointment_moved", "Appointment moved"
    APPOINTMENT_CANCELLED = "care.appointment_cancelled", "Appointment cancelled"
    DOCUMENT_UPLOADED = "care.document_uploaded", "Document uploaded"
    DOCUMENT_UPDATED = "care.document_updated", "Document updated"
    DOCUMENT_DOWNLOADED = "care.document_downloaded", "Document downloaded"
    PLAN_CREATED = "care.plan_created", "Treatment plan created"
    PLAN_UPDATED = "care.plan_updated", "Treatment plan updated"
    FORM_TEMPLATE_CREATED = "care.form_template_created", "Smart form created"
    FORM_TEMPLATE_UPDATED = "care.form_template_updated", "Smart form updated"
    FORM_ASSIGNED = "care.form_assigned", "Smart form assigned"
    FORM_PROGRESS_SAVED = "care.form_progress_saved", "Smart form answers saved for later"
    FORM_SUBMITTED = "care.form_submitted", "Smart form submitted"
    FORM_ANSWERS_PRINTED = "care.form_answers_printed", "Smart form answers printed"
