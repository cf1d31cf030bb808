from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from access_control.models import PatientPortalSettings
from audit.models import AuditEvent
from care.errors import SlotTaken
from care.events import CareEvent
from care.models import Appointment, AppointmentSource, AppointmentStatus, ClinicCareSettings
from care.services import appointments as appointment_services
from care.services.appointments import SLOT_TAKEN_MESSAGE, appointment_book_in_portal
from clinics.models import Clinic, Patient, Practitioner
from tests.care.factories import AppointmentFactory, Family, clinic_time, forms_only_account

pytestmark = pytest.mark.django_db

BOOK = reverse("portal:care:book")
APPOINTMENTS = reverse("portal:care:appointments")


def _post(client: Client, patient: Patient, practitioner: Practitioner, starts_at: Any) -> Any:
    return client.post(
        BOOK,
        {
            "patient": patient.pk,
            "practitioner": practitioner.pk,
            "starts_at": starts_at.isoformat(),
        },
    )


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_booking_page_offers_only_the_members_available_practitioners(
    parent_client: Client, booking: Family, patel: Practitioner, reyes: Practitioner
) -> None:
    page = parent_client.get(BOOK).content.decode()
    assert "Laura Bennett" in page
    assert "Emma Bennett" in page

    child_page = parent_client.get(BOOK, {"patient": booking.child.pk}).content.decode()
    assert "Maya Patel" in child_page
    assert "Jordan Reyes" not in child_page

    parent_page = parent_client.get(BOOK, {"patient": booking.parent.pk}).content.decode()
    assert "Maya Patel" in parent_page
    assert "Jordan Reyes" in parent_page

    forged = parent_client.get(BOOK, {"patient": booking.child.pk, "practitioner": reyes.pk})
    assert forged.status_code == 404


def test_the_booking_page_shows_free_days_then_free_times_then_a_confirmation(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(9, 30))
    query = {"patient": booking.child.pk, "practitioner": patel.pk}

    days = parent_client.get(BOOK, query).content.decode()
    assert f"day={starts_at.date().isoformat()}" in days

    times = parent_client.get(BOOK, {**query, "day": starts_at.date().isoformat()})
    assert "9:30 AM" in times.content.decode()

    confirm = parent_client.get(
        BOOK, {**query, "day": starts_at.date().isoformat(), "slot": starts_at.isoformat()}
    ).content.decode()
    assert "Book this appointment" in confirm
    assert f'value="{starts_at.isoformat()}"' in confirm


def test_a_parent_books_for_a_child_and_gets_a_confirmation_email(
    parent_client: Client,
    booking: Family,
    patel: Practitioner,
    clinic: Clinic,
    django_capture_on_commit_callbacks: Any,
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(parent_client, booking.child, patel, starts_at)

    assert response.url == APPOINTMENTS
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.practitioner, appointment.clinic) == (
        booking.child,
        patel,
        clinic,
    )
    assert appointment.starts_at == starts_at
    assert appointment.ends_at == starts_at + timedelta(minutes=30)
    assert (appointment.source, appointment.booked_by) == (
        AppointmentSource.PORTAL,
        booking.account,
    )
    (email,) = mail.outbox
    assert email.to == ["laura@example.com"]
    assert "Emma" in email.body
    assert "Maya Patel" in email.body
    assert "10:00 AM" in email.body  # in the clinic's time, not UTC
    event = AuditEvent.objects.get(action=CareEvent.APPOINTMENT_BOOKED)
    assert (event.actor, event.patient) == (booking.account, booking.child)
    listed = parent_client.get(APPOINTMENTS).content.decode()
    assert "Emma Bennett with Maya Patel" in listed


def test_a_forged_booking_for_a_practitioner_not_available_is_refused_and_books_nothing(
    parent_client: Client, booking: Family, reyes: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))

    response = _post(parent_client, booking.child, reyes, starts_at)

    assert response.status_code == 302
    assert "cannot be booked online for Emma Bennett" in _messages(response)[0]
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(action=CareEvent.APPOINTMENT_BOOKED).exists()


@pytest.mark.parametrize(
    ("days_ahead", "at"),
    [
        (3, time(9, 10)),  # not a slot
        (3, time(13)),  # outside the weekly hours
        (-2, time(10)),  # in the past
        (90, time(10)),  # beyond the booking horizon
    ],
)
def test_a_time_that_is_not_an_open_slot_is_refused(
    parent_client: Client,
    booking: Family,
    patel: Practitioner,
    clinic: Clinic,
    days_ahead: int,
    at: time,
) -> None:
    response = _post(
        parent_client, booking.child, patel, clinic_time(clinic, days_ahead=days_ahead, at=at)
    )

    assert _messages(response) == [
        "That time is not open for booking. Please choose one of the times shown."
    ]
    assert not Appointment.objects.exists()


def test_a_slot_during_time_off_is_refused(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    patel.time_off.create(
        starts_at=starts_at - timedelta(hours=1), ends_at=starts_at + timedelta(hours=1)
    )

    response = _post(parent_client, booking.child, patel, starts_at)

    assert "not open for booking" in _messages(response)[0]
    assert not Appointment.objects.exists()


def test_a_slot_already_taken_is_refused_with_a_clear_message(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    AppointmentFactory.create(patient=booking.parent, practitioner=patel, starts_at=starts_at)

    response = _post(parent_client, booking.child, patel, starts_at)

    assert _messages(response) == [SLOT_TAKEN_MESSAGE]
    assert Appointment.objects.count() == 1


def test_a_cancelled_appointment_frees_its_slot(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    AppointmentFactory.create(
        patient=booking.parent,
        practitioner=patel,
        starts_at=starts_at,
        status=AppointmentStatus.CANCELLED,
    )

    _post(parent_client, booking.child, patel, starts_at)

    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1


def test_the_database_refuses_a_second_booked_appointment_for_one_practitioner_and_start(
    patient: Patient, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    AppointmentFactory.create(patient=patient, practitioner=patel, starts_at=starts_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory.create(patient=patient, practitioner=patel, starts_at=starts_at)


def test_a_booking_that_loses_the_race_at_the_database_gets_the_clear_message(
    booking: Family, patel: Practitioner, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    AppointmentFactory.create(patient=booking.parent, practitioner=patel, starts_at=starts_at)
    # As if the other booking committed between our check and our insert.
    monkeypatch.setattr(appointment_services, "appointment_validate", lambda **kwargs: None)

    with pytest.raises(SlotTaken, match="that time was just taken"):
        appointment_book_in_portal(
            account=booking.account, patient=booking.child, practitioner=patel, starts_at=starts_at
        )
    assert Appointment.objects.count() == 1


def test_a_blocked_record_cannot_be_booked(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    PatientPortalSettings.objects.filter(patient=booking.child).update(blocked=True)

    response = _post(
        parent_client, booking.child, patel, clinic_time(clinic, days_ahead=3, at=time(10))
    )

    assert response.status_code == 404
    assert parent_client.get(BOOK, {"patient": booking.child.pk}).status_code == 404
    assert not Appointment.objects.exists()


def test_an_intake_only_account_cannot_book(
    client: Client, patient: Patient, patel: Practitioner, clinic: Clinic
) -> None:
    client.force_login(forms_only_account(patient))

    response = _post(client, patient, patel, clinic_time(clinic, days_ahead=3, at=time(10)))

    assert response.status_code == 403  # an intake tablet is refused every page but its forms
    assert client.get(BOOK).status_code == 403
    assert not Appointment.objects.exists()


def test_the_list_shows_upcoming_and_past_appointments_of_every_linked_record(
    parent_client: Client, booking: Family, patel: Practitioner, reyes: Practitioner, clinic: Clinic
) -> None:
    AppointmentFactory.create(
        patient=booking.child,
        practitioner=patel,
        starts_at=clinic_time(clinic, days_ahead=3, at=time(9)),
    )
    AppointmentFactory.create(
        patient=booking.parent,
        practitioner=reyes,
        starts_at=clinic_time(clinic, days_ahead=-10, at=time(11, 30)),
    )

    page = parent_client.get(APPOINTMENTS).content.decode()
    upcoming, past = page.split("<h2>Past</h2>")

    assert "Emma Bennett with Maya Patel" in upcoming
    assert "at 9:00 AM C" in upcoming  # CST or CDT: the clinic's time
    assert clinic.name in upcoming
    assert "Laura Bennett with Jordan Reyes" not in upcoming
    assert "Jordan Reyes" in past
    assert "11:30 AM" in past


def test_a_parent_cancels_an_appointment_before_the_cut_off(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    appointment = AppointmentFactory.create(
        patient=booking.child,
        practitioner=patel,
        starts_at=clinic_time(clinic, days_ahead=3, at=time(9)),
    )
    cancel = reverse("portal:care:appointment_cancel", args=[appointment.pk])
    assert cancel in parent_client.get(APPOINTMENTS).content.decode()

    response = parent_client.post(cancel)

    assert _messages(response) == ["The appointment was cancelled."]
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == (
        AppointmentStatus.CANCELLED,
        booking.account,
    )
    assert AuditEvent.objects.filter(action=CareEvent.APPOINTMENT_CANCELLED).exists()


def test_cancelling_after_the_clinics_cut_off_is_refused(
    parent_client: Client, booking: Family, patel: Practitioner, clinic: Clinic
) -> None:
    ClinicCareSettings.objects.create(clinic=clinic, cancellation_cutoff_hours=24 * 7)
    appointment = AppointmentFactory.create(
        patient=booking.child,
        practitioner=patel,
        starts_at=clinic_time(clinic, days_ahead=3, at=time(9)),
    )
    cancel = reverse("portal:care:appointment_cancel", args=[appointment.pk])
    assert cancel not in parent_client.get(APPOINTMENTS).content.decode()

    response = parent_client.post(cancel)

    assert "can be cancelled online up to 168 hours before" in _messages(response)[0]
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_appointment_of_a_record_not_linked_cannot_be_cancelled(
    parent_client: Client, patient: Patient, patel: Practitioner
) -> None:
    appointment = AppointmentFactory.create(patient=patient, practitioner=patel)
    response = parent_client.post(reverse("portal:care:appointment_cancel", args=[appointment.pk]))
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
