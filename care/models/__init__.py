from care.models.appointments import (
    SLOT_MINUTES_CHOICES,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Availability,
    ClinicCareSettings,
    TimeOff,
    Weekday,
)
from care.models.documents import Document, DocumentCategory
from care.models.forms import (
    CHOICE_KINDS,
    AssignmentStatus,
    FieldKind,
    FormAnswer,
    FormAssignment,
    FormField,
    FormStatus,
    FormTemplate,
    answer_display,
)
from care.models.plans import PlanItem, PlanStatus, TreatmentPlan

__all__ = [
    "CHOICE_KINDS",
    "SLOT_MINUTES_CHOICES",
    "Appointment",
    "AppointmentSource",
    "AppointmentStatus",
    "AssignmentStatus",
    "Availability",
    "ClinicCareSettings",
    "Document",
    "DocumentCategory",
    "FieldKind",
    "FormAnswer",
    "FormAssignment",
    "FormField",
    "FormStatus",
    "FormTemplate",
    "PlanItem",
    "PlanStatus",
    "TimeOff",
    "TreatmentPlan",
    "Weekday",
    "answer_display",
]
