"""Clinic staff see only their own clinic in the staff admin; another clinic's record is a 404."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clinics.events import ClinicEvent
from clinics.models import Clinic, Patient
from tests.factories import PatientFactory, PractitionerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lakeside_patient(other_clinic: Clinic) -> Patient:
    return PatientFactory(clinic=other_clinic, first_name="Priya", last_name="Shah")


def test_it_shows_staff_their_own_clinics_patients(
    client: Client, clinic_staff: User, patient: Patient, lakeside_patient: Patient
) -> None:
    client.force_login(clinic_staff)
    response = client.get(reverse("admin:clinics_patient_changelist"))
    assert response.status_code == 200
    listed = list(response.context["cl"].result_list)
    assert listed == [patient]


@pytest.mark.parametrize(
    "url_name", ["admin:clinics_patient_change", "admin:clinics_patient_history"]
)
def test_it_answers_404_for_another_clinics_patient(
    client: Client, other_clinic_staff: User, patient: Patient, url_name: str
) -> None:
    client.force_login(other_clinic_staff)
    response = client.get(reverse(url_name, args=[patient.pk]))
    assert response.status_code == 404


def test_it_answers_404_when_changing_another_clinics_patient_by_post(
    client: Client, other_clinic_staff: User, patient: Patient
) -> None:
    client.force_login(other_clinic_staff)
    response = client.post(
        reverse("admin:clinics_patient_change", args=[patient.pk]), {"first_name": "Hacked"}
    )
    assert response.status_code == 404
    patient.refresh_from_db()
    assert patient.first_name == "Laura"


def test_it_keeps_another_clinics_patients_out_of_autocomplete(
    client: Client, other_clinic_staff: User, patient: Patient, lakeside_patient: Patient
) -> None:
    client.force_login(other_clinic_staff)
    # Any foreign key to Patient can ask the autocomplete endpoint; the audit log's is one.
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "",
            "app_label": "audit",
            "model_name": "auditevent",
            "field_name": "patient",
        },
    )
    assert response.status_code == 200
    ids = {int(row["id"]) for row in json.loads(response.content)["results"]}
    assert ids == {lakeside_patient.pk}


def test_it_offers_only_the_staff_members_clinics_as_choices(
    client: Client, clinic_staff: User, clinic: Clinic, other_clinic: Clinic
) -> None:
    client.force_login(clinic_staff)
    response = client.get(reverse("admin:clinics_patient_add"))
    choices = list(response.context["adminform"].form.fields["clinic"].queryset)
    assert choices == [clinic]


def test_it_refuses_creating_a_patient_in_another_clinic(
    client: Client, clinic_staff: User, other_clinic: Clinic
) -> None:
    client.force_login(clinic_staff)
    response = client.post(
        reverse("admin:clinics_patient_add"),
        {
            "clinic": other_clinic.pk,
            "first_name": "Eve",
            "last_name": "Sneak",
            "date_of_birth": "1990-01-01",
            "sex": "F",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Patient.objects.filter(last_name="Sneak").exists()


def test_it_creates_a_patient_and_records_an_audit_event(
    client: Client, clinic_staff: User, clinic: Clinic
) -> None:
    client.force_login(clinic_staff)
    response = client.post(
        reverse("admin:clinics_patient_add"),
        {
            "clinic": clinic.pk,
            "first_name": "Noah",
            "last_name": "Bennett",
            "date_of_birth": "2018-01-22",
            "sex": "M",
        },
    )
    assert response.status_code == 302
    created = Patient.objects.get(last_name="Bennett")
    assert created.audit_events.get().action == ClinicEvent.PATIENT_CREATED


def test_it_scopes_practitioners_to_the_staff_members_clinics(
    client: Client, clinic_staff: User, clinic: Clinic, other_clinic: Clinic
) -> None:
    ours = PractitionerFactory(clinics=[clinic])
    shared = PractitionerFactory(clinics=[clinic, other_clinic])
    theirs = PractitionerFactory(clinics=[other_clinic])
    client.force_login(clinic_staff)
    response = client.get(reverse("admin:clinics_practitioner_changelist"))
    assert set(response.context["cl"].result_list) == {ours, shared}
    assert (
        client.get(reverse("admin:clinics_practitioner_change", args=[theirs.pk])).status_code
        == 404
    )


def test_it_shows_a_superuser_every_clinic(
    client: Client, superuser: User, patient: Patient, lakeside_patient: Patient
) -> None:
    client.force_login(superuser)
    response = client.get(reverse("admin:clinics_patient_changelist"))
    assert set(response.context["cl"].result_list) == {patient, lakeside_patient}


def test_it_refuses_the_admin_to_a_portal_account(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    response = client.get(reverse("admin:clinics_patient_changelist"), follow=True)
    assert response.status_code == 403


def test_it_lists_patients_in_a_fixed_number_of_queries(
    client: Client, clinic_staff: User, clinic: Clinic, django_assert_max_num_queries: object
) -> None:
    client.force_login(clinic_staff)
    PatientFactory.create_batch(3, clinic=clinic)
    url = reverse("admin:clinics_patient_changelist")
    client.get(url)  # warm the session and the content-type cache
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    PatientFactory.create_batch(30, clinic=clinic)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
