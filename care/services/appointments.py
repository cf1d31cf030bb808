"""Booking, moving and cancelling appointments, by staff and in the portal.

Every booking locks the practitioner's row, so bookings of one practitioner happen one at a time
and the overlap check cannot be raced; the partial unique index on (practitioner, start) of
booked appointments is the database's own guarantee that one slot is booked once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from access_control.policy import portal_may_book, portal_patients_for
from accounts.models import User
from accounts.pages import Page, page_url
from audit.services import audit_record
from care.errors import CareError, SlotTaken
from care.events import CareEvent
from care.models import Appointment, AppointmentSource, AppointmentStatus, TimeOff
from care.selectors import appointment_cancellable_in_portal
from care.slots import bookable_slot, clinic_care_settings, clinic_time_zone
from clinics.models import Patient, Practitioner, PractitionerClinic
from outbox.services import email_queue

SLOT_TAKEN_MESSAGE = "Sorry, that time was just taken. Please choose another time."


def _practitioner_lock(practitioner: Practitioner) -> None:
    """Serialises the bookings of one practitioner (a row lock on PostgreSQL)."""
    Practitioner.objects.select_for_update().filter(pk=practitioner.pk).values_list("pk").get()


def appointment_validate(
    *,
    patient: Patient,
    practitioner: Practitioner,
    starts_at: datetime,
    ends_at: datetime,
    moving: Appointment | None = None,
) -> None:
    """What staff may book: a practitioner of the patient's clinic, who is free and not away."""
    if ends_at <= starts_at:
        raise ValidationError("The appointment must end after it starts.")
    if not PractitionerClinic.objects.filter(
        practitioner=practitioner, clinic_id=patient.clinic_id
    ).exists():
        raise ValidationError(f"{practitioner} does not work at {patient.clinic}.")
    booked = Appointment.objects.filter(
        practitioner=practitioner,
        status=AppointmentStatus.BOOKED,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if moving is not None:
        booked = booked.exclude(pk=moving.pk)
    if booked.exists():
        raise SlotTaken(f"{practitioner} already has an appointment at that time.")
    if TimeOff.objects.filter(
        practitioner=practitioner, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise ValidationError(f"{practitioner} is away at that time.")


def _confirmation_queue(*, appointment: Appointment, to: str) -> None:
    clinic = appointment.clinic
    context = {
        "appointment": appointment,
        "patient": appointment.patient,
        "practitioner": appointment.practitioner,
        "clinic": clinic,
        "cutoff_hours": clinic_care_settings(clinic=clinic).cancellation_cutoff_hours,
        "url": f"{settings.SITE_URL}{page_url(Page.PORTAL_APPOINTMENTS)}",
    }
    with timezone.override(clinic_time_zone(clinic)):
        body = render_to_string("care/email/appointment_booked.txt", context)
    email_queue(
        to=to,
        subject=f"Appointment booked at {clinic.name}",
        body_text=body,
        purpose="appointment_booked",
        patient=appointment.patient,
    )


def _appointment_insert(
    *,
    patient: Patient,
    practitioner: Practitioner,
    starts_at: datetime,
    ends_at: datetime,
    source: AppointmentSource,
    actor: User,
    confirm_to: str,
) -> Appointment:
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                patient=patient,
                practitioner=practitioner,
                clinic_id=patient.clinic_id,
                starts_at=starts_at,
                ends_at=ends_at,
                source=source,
                booked_by=actor,
            )
    except IntegrityError as error:
        raise SlotTaken(SLOT_TAKEN_MESSAGE) from error
    if confirm_to:
        _confirmation_queue(appointment=appointment, to=confirm_to)
    audit_record(
        actor=actor,
        action=CareEvent.APPOINTMENT_BOOKED,
        patient=patient,
        target=appointment,
        details={
            "practitioner": practitioner.pk,
            "starts_at": starts_at.isoformat(),
            "source": str(source),
        },
    )
    return appointment


@transaction.atomic
def appointment_book_in_portal(
    *, account: User, patient: Patient, practitioner: Practitioner, starts_at: datetime
) -> Appointment:
    """A portal account books a free slot for one of its records with an Available Practitioner."""
    if not portal_may_book(user=account, patient=patient, practitioner=practitioner):
        raise CareError(
            f"{practitioner} cannot be booked online for {patient.display_name}. "
            f"Please call {patient.clinic.contact_line}."
        )
    slot = bookable_slot(
        practitioner=practitioner, clinic=patient.clinic, starts_at=starts_at, now=timezone.now()
    )
    if slot is None:
        raise CareError("That time is not open for booking. Please choose one of the times shown.")
    _practitioner_lock(practitioner)
    try:
        appointment_validate(
            patient=patient,
            practitioner=practitioner,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
        )
    except SlotTaken as error:
        raise SlotTaken(SLOT_TAKEN_MESSAGE) from error
    return _appointment_insert(
        patient=patient,
        practitioner=practitioner,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        source=AppointmentSource.PORTAL,
        actor=account,
        confirm_to=account.email or patient.email,
    )


@transaction.atomic
def appointment_book(
    *,
    patient: Patient,
    practitioner: Practitioner,
    starts_at: datetime,
    ends_at: datetime,
    actor: User,
) -> Appointment:
    """Staff book an appointment; the confirmation goes to the email on file, if any."""
    _practitioner_lock(practitioner)
    appointment_validate(
        patient=patient, practitioner=practitioner, starts_at=starts_at, ends_at=ends_at
    )
    return _appointment_insert(
        patient=patient,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        source=AppointmentSource.STAFF,
        actor=actor,
        confirm_to=patient.email,
    )


@transaction.atomic
def appointment_move(
    *,
    appointment: Appointment,
    practitioner: Practitioner,
    starts_at: datetime,
    ends_at: datetime,
    actor: User,
) -> Appointment:
    """Staff move a booked appointment to another time or practitioner."""
    if not appointment.is_booked:
        raise CareError("A cancelled appointment cannot be moved; book a new one instead.")
    _practitioner_lock(practitioner)
    appointment_validate(
        patient=appointment.patient,
        practitioner=practitioner,
        starts_at=starts_at,
        ends_at=ends_at,
        moving=appointment,
    )
    before = {
        "practitioner": appointment.practitioner_id,
        "starts_at": appointment.starts_at.isoformat(),
        "ends_at": appointment.ends_at.isoformat(),
    }
    appointment.practitioner = practitioner
    appointment.starts_at = starts_at
    appointment.ends_at = ends_at
    try:
        with transaction.atomic():
            appointment.save(update_fields=["practitioner", "starts_at", "ends_at"])
    except IntegrityError as error:
        raise SlotTaken(SLOT_TAKEN_MESSAGE) from error
    audit_record(
        actor=actor,
        action=CareEvent.APPOINTMENT_MOVED,
        patient=appointment.patient,
        target=appointment,
        details={
            "from": before,
            "to": {
                "practitioner": practitioner.pk,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        },
    )
    return appointment


def _appointment_mark_cancelled(*, appointment: Appointment, actor: User, source: str) -> None:
    now = timezone.now()
    cancelled = Appointment.objects.filter(
        pk=appointment.pk, status=AppointmentStatus.BOOKED
    ).update(status=AppointmentStatus.CANCELLED, cancelled_at=now, cancelled_by=actor)
    if not cancelled:
        raise CareError("This appointment was already cancelled.")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = actor
    audit_record(
        actor=actor,
        action=CareEvent.APPOINTMENT_CANCELLED,
        patient=appointment.patient,
        target=appointment,
        details={"starts_at": appointment.starts_at.isoformat(), "source": source},
    )


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor: User) -> None:
    """Staff cancel an appointment, at any time."""
    _appointment_mark_cancelled(
        appointment=appointment, actor=actor, source=AppointmentSource.STAFF.value
    )


@transaction.atomic
def appointment_cancel_in_portal(*, account: User, appointment: Appointment) -> None:
    """A portal account cancels an appointment of one of its records, up to the clinic's cut-off."""
    if not portal_patients_for(user=account).filter(pk=appointment.patient_id).exists():
        raise CareError("This appointment is not one you can change.")
    if not appointment_cancellable_in_portal(appointment=appointment, now=timezone.now()):
        hours = clinic_care_settings(clinic=appointment.clinic).cancellation_cutoff_hours
        raise CareError(
            f"Appointments can be cancelled online up to {hours} hours before they start. "
            f"Please call {appointment.clinic.contact_line}."
        )
    _appointment_mark_cancelled(
        appointment=appointment, actor=account, source=AppointmentSource.PORTAL.value
    )
