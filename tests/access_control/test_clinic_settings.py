"""The clinic's portal default: may new patients book every bookable practitioner?"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from access_control.events import AccessControlEvent
from access_control.models import ClinicPortalSettings
from access_control.policy import available_practitioners_for
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Clinic, Practitioner, StaffRole
from tests.factories import PatientFactory, staff_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic_admin(clinic: Clinic) -> User:
    return staff_member(clinic=clinic, role=StaffRole.CLINIC_ADMIN, email="manager@example.com")


def test_the_clinic_admin_turns_the_default_off_for_new_patients(
    client: Client, clinic_admin: User, clinic: Clinic, practitioners: dict[str, Practitioner]
) -> None:
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:access_control_clinicportalsettings_add"), {"clinic": clinic.pk}
    )
    assert response.status_code == 302
    assert not ClinicPortalSettings.objects.get(clinic=clinic).default_all_practitioners
    event = AuditEvent.objects.get(action=AccessControlEvent.CLINIC_SETTINGS_SAVED)
    assert event.actor == clinic_admin
    assert event.details == {"clinic": clinic.pk, "default_all_practitioners": False}

    new_patient = PatientFactory.create(clinic=clinic)
    assert list(available_practitioners_for(patient=new_patient)) == []


def test_front_desk_staff_may_read_but_not_change_the_default(
    client: Client, clinic_staff: User, clinic: Clinic
) -> None:
    ClinicPortalSettings.objects.create(clinic=clinic)
    client.force_login(clinic_staff)
    assert (
        client.get(reverse("admin:access_control_clinicportalsettings_changelist")).status_code
        == 200
    )
    response = client.post(
        reverse("admin:access_control_clinicportalsettings_add"), {"clinic": clinic.pk}
    )
    assert response.status_code == 403
    assert ClinicPortalSettings.objects.get(clinic=clinic).default_all_practitioners


def test_another_clinics_settings_are_not_visible(
    client: Client, clinic_admin: User, other_clinic: Clinic
) -> None:
    other = ClinicPortalSettings.objects.create(clinic=other_clinic)
    client.force_login(clinic_admin)
    changelist = client.get(reverse("admin:access_control_clinicportalsettings_changelist"))
    assert other_clinic.name not in changelist.content.decode()
    change = reverse("admin:access_control_clinicportalsettings_change", args=[other.pk])
    assert client.get(change).status_code == 404
    response = client.post(
        reverse("admin:access_control_clinicportalsettings_add"), {"clinic": other_clinic.pk}
    )
    assert response.status_code == 200  # the clinic is not a valid choice
    assert "Select a valid choice" in response.content.decode()
