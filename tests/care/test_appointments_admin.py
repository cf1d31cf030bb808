from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from care.admin import appointments as appointment_admin
from care.errors import SlotTaken
from care.events import CareEvent
from care.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Availability,
    ClinicCareSettings,
)
from care.services.appointments import SLOT_TAKEN_MESSAGE
from clinics.models import Clinic, Patient, Practitioner, StaffRole
from tests.care.factories import AppointmentFactory, clinic_time
from tests.factories import PractitionerFactory, staff_member

pytestmark = pytest.mark.django_db

ADD = reverse("admin:care_appointment_add")


def _form(patient: Patient, practitioner: Practitioner, starts_at: Any, minutes: int = 30) -> dict:
    return {
        "patient": patient.pk,
        "practitioner": practitioner.pk,
        "starts_at_0": starts_at.date().isoformat(),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "minutes": minutes,
    }


def test_staff_book_an_appointment_in_the_clinics_time_and_the_patient_is_emailed(
    staff_client: Client,
    patient: Patient,
    patel: Practitioner,
    clinic: Clinic,
    clinic_staff: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    starts_at = clinic_time(clinic, days_ahead=4, at=time(14))  # outside the portal's hours

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD, _form(patient, patel, starts_at, minutes=45))

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at == starts_at
    assert appointment.ends_at == starts_at + timedelta(minutes=45)
    assert (appointment.source, appointment.booked_by) == (AppointmentSource.STAFF, clinic_staff)
    assert [email.to for email in mail.outbox] == [[patient.email]]


def test_staff_cannot_double_book_a_practitioner(
    staff_client: Client, patient: Patient, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=4, at=time(10))
    AppointmentFactory.create(patient=patient, practitioner=patel, starts_at=starts_at)

    response = staff_client.post(ADD, _form(patient, patel, starts_at + timedelta(minutes=15)))

    assert "already has an appointment at that time" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_staff_cannot_book_a_practitioner_during_time_off(
    staff_client: Client, patient: Patient, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=4, at=time(10))
    patel.time_off.create(starts_at=starts_at, ends_at=starts_at + timedelta(days=1))

    response = staff_client.post(ADD, _form(patient, patel, starts_at))

    assert "is away at that time" in response.content.decode()
    assert not Appointment.objects.exists()


def test_staff_cannot_book_a_practitioner_of_another_clinic(
    staff_client: Client, patient: Patient, other_clinic: Clinic, clinic: Clinic
) -> None:
    elsewhere = PractitionerFactory.create(clinics=[other_clinic])
    response = staff_client.post(
        ADD, _form(patient, elsewhere, clinic_time(clinic, days_ahead=4, at=time(10)))
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Appointment.objects.exists()


def test_staff_move_an_appointment_to_another_time(
    staff_client: Client, patient: Patient, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=4, at=time(10))
    appointment = AppointmentFactory.create(
        patient=patient, practitioner=patel, starts_at=starts_at
    )
    later = starts_at + timedelta(hours=1)
    change = reverse("admin:care_appointment_change", args=[appointment.pk])
    form = _form(patient, patel, later)
    del form["patient"]

    response = staff_client.post(change, form)

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == later
    event = AuditEvent.objects.get(action=CareEvent.APPOINTMENT_MOVED)
    assert datetime.fromisoformat(event.details["from"]["starts_at"]) == starts_at


def test_staff_cancel_appointments_from_the_list(
    staff_client: Client, patient: Patient, patel: Practitioner, clinic_staff: User
) -> None:
    appointment = AppointmentFactory.create(patient=patient, practitioner=patel)

    staff_client.post(
        reverse("admin:care_appointment_changelist"),
        {"action": "cancel_appointments", "_selected_action": [appointment.pk]},
    )

    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancelled_by) == (
        AppointmentStatus.CANCELLED,
        clinic_staff,
    )


def test_staff_of_another_clinic_never_see_the_clinics_appointments(
    client: Client, other_clinic_staff: User, patient: Patient, patel: Practitioner
) -> None:
    appointment = AppointmentFactory.create(patient=patient, practitioner=patel)
    client.force_login(other_clinic_staff)

    listing = client.get(reverse("admin:care_appointment_changelist")).content.decode()
    change = client.get(reverse("admin:care_appointment_change", args=[appointment.pk]))

    assert patient.last_name not in listing
    assert change.status_code == 404


def test_clinic_admins_keep_weekly_hours_that_must_not_overlap(
    client: Client, clinic: Clinic, patel: Practitioner
) -> None:
    manager = staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN)
    client.force_login(manager)
    add = reverse("admin:care_availability_add")
    hours = {"practitioner": patel.pk, "clinic": clinic.pk, "weekday": 5, "slot_minutes": 30}

    created = client.post(add, {**hours, "start_time": "09:00", "end_time": "12:00"})
    overlapping = client.post(add, {**hours, "start_time": "11:00", "end_time": "13:00"})

    assert created.status_code == 302
    assert "overlap other hours" in overlapping.content.decode()
    assert Availability.objects.filter(practitioner=patel, weekday=5).count() == 1
    assert AuditEvent.objects.filter(action=CareEvent.AVAILABILITY_SAVED).count() == 1


def test_front_desk_may_read_weekly_hours_but_not_change_them(
    staff_client: Client, clinic: Clinic, patel: Practitioner
) -> None:
    assert staff_client.get(reverse("admin:care_availability_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:care_availability_add")).status_code == 403


def test_a_booking_refused_while_saving_becomes_a_message_not_an_error(
    staff_client: Client,
    patient: Patient,
    patel: Practitioner,
    clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def taken(**kwargs: Any) -> None:
        raise SlotTaken(SLOT_TAKEN_MESSAGE)  # someone booked it after the form was checked

    monkeypatch.setattr(appointment_admin, "appointment_book", taken)
    form = _form(patient, patel, clinic_time(clinic, days_ahead=4, at=time(10)))

    response = staff_client.post(ADD, form, follow=True)

    assert response.status_code == 200
    assert SLOT_TAKEN_MESSAGE in [str(m) for m in response.context["messages"]]
    assert not Appointment.objects.exists()


@pytest.fixture
def manager_client(client: Client, clinic: Clinic) -> Client:
    client.force_login(staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN))
    return client


def test_clinic_admins_record_time_off_in_the_clinics_time(
    manager_client: Client, patel: Practitioner, clinic: Clinic
) -> None:
    starts_at = clinic_time(clinic, days_ahead=4, at=time(8))
    response = manager_client.post(
        reverse("admin:care_timeoff_add"),
        {
            "practitioner": patel.pk,
            "starts_at_0": starts_at.date().isoformat(),
            "starts_at_1": "08:00:00",
            "ends_at_0": starts_at.date().isoformat(),
            "ends_at_1": "17:00:00",
            "reason": "Conference",
        },
    )
    assert response.status_code == 302
    time_off = patel.time_off.get()
    assert time_off.starts_at == starts_at
    assert AuditEvent.objects.filter(action=CareEvent.TIME_OFF_SAVED).exists()


def test_clinic_admins_set_the_cancellation_cut_off(manager_client: Client, clinic: Clinic) -> None:
    response = manager_client.post(
        reverse("admin:care_cliniccaresettings_add"),
        {"clinic": clinic.pk, "cancellation_cutoff_hours": 48, "booking_horizon_days": 30},
    )
    assert response.status_code == 302
    saved = ClinicCareSettings.objects.get(clinic=clinic)
    assert (saved.cancellation_cutoff_hours, saved.booking_horizon_days) == (48, 30)
    assert AuditEvent.objects.filter(action=CareEvent.CLINIC_SETTINGS_SAVED).exists()


def test_removing_weekly_hours_is_audited(manager_client: Client, patel: Practitioner) -> None:
    hours = list(patel.availabilities.values_list("pk", flat=True))
    manager_client.post(
        reverse("admin:care_availability_changelist"),
        {"action": "delete_selected", "_selected_action": hours, "post": "yes"},
    )
    assert not patel.availabilities.exists()
    assert AuditEvent.objects.filter(action=CareEvent.AVAILABILITY_DELETED).count() == len(hours)
