"""Reads of the care app. Portal lists take the patients the access policy allows and fetch
everything in a fixed number of queries, however many records and items there are."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Case, F, Prefetch, QuerySet, When

from care.models import (
    Appointment,
    AssignmentStatus,
    Document,
    FormAnswer,
    FormAssignment,
    FormField,
    FormStatus,
    FormTemplate,
    TreatmentPlan,
)
from care.slots import clinic_care_settings, clinic_today
from clinics.models import Patient
from clinics.selectors import clinics_for_staff

if TYPE_CHECKING:
    from accounts.roles import AnyUser

PatientsIn = QuerySet[Patient] | Iterable[Patient]


def form_templates_for_staff(*, user: AnyUser) -> QuerySet[FormTemplate]:
    """The smart forms of the staff member's clinics."""
    return FormTemplate.objects.filter(clinic__in=clinics_for_staff(user=user))


def portal_documents(*, patients: PatientsIn) -> QuerySet[Document]:
    """Shared documents of these records, newest first."""
    return (
        Document.objects.filter(patient__in=patients, shared_in_portal=True)
        .select_related("patient")
        .order_by("-created_at", "-id")
    )


def portal_document(*, patients: PatientsIn, document_id: int) -> Document | None:
    return portal_documents(patients=patients).filter(pk=document_id).first()


@dataclass(frozen=True)
class AppointmentRow:
    appointment: Appointment
    cancellable: bool


@dataclass(frozen=True)
class PortalAppointments:
    upcoming: list[AppointmentRow]
    past: list[Appointment]


def _appointments(*, patients: PatientsIn) -> QuerySet[Appointment]:
    return Appointment.objects.filter(patient__in=patients).select_related(
        "patient", "practitioner", "clinic__care_settings"
    )


def appointment_cancellable_in_portal(*, appointment: Appointment, now: datetime) -> bool:
    """Booked, and its start is still at least the clinic's cut-off away."""
    cutoff = clinic_care_settings(clinic=appointment.clinic).cancellation_cutoff
    return appointment.is_booked and appointment.starts_at - now >= cutoff


def portal_appointments(*, patients: PatientsIn, now: datetime) -> PortalAppointments:
    """Upcoming appointments (soonest first) and past ones (latest first). Two queries."""
    upcoming = _appointments(patients=patients).filter(starts_at__gte=now).order_by("starts_at")
    past = _appointments(patients=patients).filter(starts_at__lt=now).order_by("-starts_at")
    return PortalAppointments(
        upcoming=[
            AppointmentRow(a, appointment_cancellable_in_portal(appointment=a, now=now))
            for a in upcoming
        ],
        past=list(past),
    )


def portal_appointment(*, patients: PatientsIn, appointment_id: int) -> Appointment | None:
    return _appointments(patients=patients).filter(pk=appointment_id).first()


def portal_plans(*, patients: PatientsIn) -> QuerySet[TreatmentPlan]:
    """Shared treatment plans of these records, with their items."""
    return (
        TreatmentPlan.objects.filter(patient__in=patients, shared_in_portal=True)
        .select_related("patient", "practitioner")
        .prefetch_related("items")
        .order_by("-starts_on", "-id")
    )


def portal_form_assignments(*, patients: PatientsIn) -> QuerySet[FormAssignment]:
    """Forms given to these records: open ones first (by due date), then completed ones."""
    return (
        FormAssignment.objects.filter(patient__in=patients)
        .select_related("template", "patient__clinic")
        .order_by(
            Case(When(status=AssignmentStatus.COMPLETED, then=1), default=0),
            F("due_date").asc(nulls_last=True),
            "-assigned_at",
            "-id",
        )
    )


def form_assignment_with_questions(
    *, assignments: QuerySet[FormAssignment], assignment_id: int
) -> FormAssignment | None:
    """One assignment with its questions and answers, ready to show or to fill in."""
    return (
        assignments.filter(pk=assignment_id)
        .select_related("template", "patient__clinic")
        .prefetch_related(
            Prefetch("template__fields", queryset=FormField.objects.order_by("position", "id")),
            Prefetch("answers", queryset=FormAnswer.objects.order_by("position", "id")),
        )
        .first()
    )


@dataclass(frozen=True)
class FormRow:
    assignment: FormAssignment
    status: FormStatus


def form_rows(*, assignments: Iterable[FormAssignment], now: datetime) -> list[FormRow]:
    """Each assignment with its status on the clinic's today (Overdue past the due date).

    The assignments must come with their patient's clinic (select_related)."""
    return [
        FormRow(a, a.status_on(clinic_today(clinic=a.patient.clinic, now=now))) for a in assignments
    ]


@dataclass(frozen=True)
class PatientCare:
    """Everything the staff patient page's Care tab shows."""

    documents: list[Document]
    upcoming: list[Appointment]
    past: list[Appointment]
    plans: list[TreatmentPlan]
    forms: list[FormRow]


def patient_care_overview(*, patient: Patient, now: datetime) -> PatientCare:
    appointments = Appointment.objects.filter(patient=patient).select_related(
        "practitioner", "clinic"
    )
    return PatientCare(
        documents=list(Document.objects.filter(patient=patient).select_related("uploaded_by")),
        upcoming=list(appointments.filter(starts_at__gte=now).order_by("starts_at")),
        past=list(appointments.filter(starts_at__lt=now).order_by("-starts_at")),
        plans=list(
            TreatmentPlan.objects.filter(patient=patient)
            .select_related("practitioner")
            .prefetch_related("items")
        ),
        forms=form_rows(
            assignments=FormAssignment.objects.filter(patient=patient)
            .select_related("template", "patient__clinic")
            .prefetch_related("answers")
            .order_by("-assigned_at", "-id"),
            now=now,
        ),
    )
