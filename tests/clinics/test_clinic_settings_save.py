"""One service saves every app's row of clinic settings (clinics.services.clinic_settings_save),
and one selector names the single clinic of a set of records (patients_single_clinic)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from care.events import CareEvent
from care.models import ClinicCareSettings
from clinics.models import Clinic, Patient, StaffRole
from clinics.selectors import patients_single_clinic
from clinics.services import clinic_settings_save
from tests.factories import PatientFactory, staff_member

pytestmark = pytest.mark.django_db


def _save(*, clinic: Clinic, actor: User, **changes: int) -> ClinicCareSettings:
    return clinic_settings_save(
        model=ClinicCareSettings,
        clinic=clinic,
        changes=changes,
        action=CareEvent.CLINIC_SETTINGS_SAVED,
        actor=actor,
    )


def _audited() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=CareEvent.CLINIC_SETTINGS_SAVED))


@pytest.fixture
def clinic_admin(clinic: Clinic) -> User:
    return staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN, email="manager@example.com")


@pytest.fixture
def other_clinic_admin(other_clinic: Clinic) -> User:
    return staff_member(
        clinic=other_clinic, role=StaffRole.CLINIC_ADMIN, email="manager@lakeside.example"
    )


def test_the_first_save_creates_the_clinics_row_and_audits_it(
    clinic: Clinic, clinic_admin: User
) -> None:
    row = _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=30)

    assert ClinicCareSettings.objects.get(clinic=clinic) == row
    assert row.booking_horizon_days == 30
    assert row.cancellation_cutoff_hours == 24  # the field default for what was not changed
    [event] = _audited()
    assert event.actor == clinic_admin
    assert event.object_id == str(row.pk)
    assert event.details == {"clinic": clinic.pk, "booking_horizon_days": 30}


def test_a_second_save_updates_the_same_row(clinic: Clinic, clinic_admin: User) -> None:
    first = _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=30)
    second = _save(clinic=clinic, actor=clinic_admin, cancellation_cutoff_hours=48)

    assert second.pk == first.pk
    row = ClinicCareSettings.objects.get(clinic=clinic)
    assert (row.booking_horizon_days, row.cancellation_cutoff_hours) == (30, 48)
    assert len(_audited()) == 2


@pytest.mark.parametrize("days", [0, 366])
def test_a_value_out_of_range_is_refused_with_no_row_and_no_audit(
    clinic: Clinic, clinic_admin: User, days: int
) -> None:
    with pytest.raises(ValidationError) as refused:
        _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=days)

    assert "booking_horizon_days" in refused.value.message_dict
    assert not ClinicCareSettings.objects.exists()
    assert _audited() == []


def test_a_refused_value_leaves_the_saved_row_as_it_was(clinic: Clinic, clinic_admin: User) -> None:
    _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=30)

    with pytest.raises(ValidationError):
        _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=1000)

    assert ClinicCareSettings.objects.get(clinic=clinic).booking_horizon_days == 30
    assert len(_audited()) == 1


def test_another_clinics_admin_cannot_add_this_clinics_row_in_the_admin(
    client: Client, clinic: Clinic, other_clinic_admin: User
) -> None:
    client.force_login(other_clinic_admin)
    response = client.post(
        reverse("admin:care_cliniccaresettings_add"),
        {"clinic": clinic.pk, "cancellation_cutoff_hours": 1, "booking_horizon_days": 1},
    )

    assert response.status_code == 200  # the form again: the clinic is not theirs to choose
    assert "Select a valid choice" in response.content.decode()
    assert not ClinicCareSettings.objects.exists()
    assert _audited() == []


def test_another_clinics_admin_cannot_change_this_clinics_row_in_the_admin(
    client: Client, clinic: Clinic, clinic_admin: User, other_clinic_admin: User
) -> None:
    row = _save(clinic=clinic, actor=clinic_admin, booking_horizon_days=30)
    client.force_login(other_clinic_admin)
    response = client.post(
        reverse("admin:care_cliniccaresettings_change", args=[row.pk]),
        {"cancellation_cutoff_hours": 1, "booking_horizon_days": 1},
    )

    assert response.status_code == 404
    assert ClinicCareSettings.objects.get(pk=row.pk).booking_horizon_days == 30
    assert len(_audited()) == 1


def test_a_portal_account_cannot_reach_the_settings_in_the_admin(
    client: Client, clinic: Clinic, outsider: User
) -> None:
    client.force_login(outsider)
    response = client.post(
        reverse("admin:care_cliniccaresettings_add"),
        {"clinic": clinic.pk, "cancellation_cutoff_hours": 1, "booking_horizon_days": 1},
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not ClinicCareSettings.objects.exists()
    assert _audited() == []


def test_no_records_have_no_single_clinic() -> None:
    assert patients_single_clinic(patients=[]) is None


def test_records_of_one_clinic_name_that_clinic(clinic: Clinic, patient: Patient) -> None:
    sibling = PatientFactory(clinic=clinic)

    assert patients_single_clinic(patients=[patient, sibling]) == clinic
    assert patients_single_clinic(patients=[patient]) == clinic


def test_records_of_two_clinics_have_no_single_clinic(
    patient: Patient, other_clinic: Clinic
) -> None:
    elsewhere = PatientFactory(clinic=other_clinic)

    assert patients_single_clinic(patients=[patient, elsewhere]) is None
