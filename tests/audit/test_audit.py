from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent, AuditLogIsAppendOnly
from audit.services import audit_record
from clinics.events import ClinicEvent
from clinics.models import Patient
from tests.conftest import require_postgresql
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_to_which_record(clinic_staff: User, patient: Patient) -> None:
    event = audit_record(
        actor=clinic_staff,
        action=ClinicEvent.PATIENT_UPDATED,
        patient=patient,
        target=patient,
        details={"fields": ["email"], "password": "never-logged", "token": "secret"},
        ip_address="203.0.113.9",
    )
    event.refresh_from_db()
    assert event.actor == clinic_staff
    assert event.object_type == "clinics.Patient"
    assert event.object_id == str(patient.pk)
    assert event.details == {"fields": ["email"]}
    assert event.ip_address == "203.0.113.9"


def test_it_refuses_to_update_an_event(patient: Patient) -> None:
    event = audit_record(actor=None, action=ClinicEvent.PATIENT_CREATED, patient=patient)
    event.action = "something.else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="something.else")


def test_it_refuses_to_delete_an_event(patient: Patient) -> None:
    event = audit_record(actor=None, action=ClinicEvent.PATIENT_CREATED, patient=patient)
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'tampered'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_it_refuses_raw_sql_changes_on_postgresql(patient: Patient, statement: str) -> None:
    require_postgresql()
    audit_record(actor=None, action=ClinicEvent.PATIENT_CREATED, patient=patient)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.get().action == ClinicEvent.PATIENT_CREATED


def test_it_records_the_request_address_of_staff_changes(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    client.force_login(clinic_staff)
    client.post(
        reverse("admin:clinics_patient_change", args=[patient.pk]),
        {
            "clinic": patient.clinic_id,
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "date_of_birth": "1990-05-17",
            "sex": "F",
            "email": "new.address@example.com",
        },
        REMOTE_ADDR="198.51.100.7",
    )
    event = AuditEvent.objects.get(action=ClinicEvent.PATIENT_UPDATED)
    assert event.details == {"fields": ["email"]}
    assert event.ip_address == "198.51.100.7"
    assert event.actor == clinic_staff


def test_it_shows_staff_the_log_read_only_and_only_for_their_clinic(
    client: Client, clinic_staff: User, patient: Patient, other_clinic: Any
) -> None:
    ours = audit_record(actor=None, action=ClinicEvent.PATIENT_CREATED, patient=patient)
    theirs = audit_record(
        actor=None, action=ClinicEvent.PATIENT_CREATED, patient=PatientFactory(clinic=other_clinic)
    )
    client.force_login(clinic_staff)
    response = client.get(reverse("admin:audit_auditevent_changelist"))
    assert list(response.context["cl"].result_list) == [ours]
    assert client.get(reverse("admin:audit_auditevent_change", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("admin:audit_auditevent_change", args=[ours.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.post(reverse("admin:audit_auditevent_delete", args=[ours.pk])).status_code == 403
