"""Reads of clinical content are audited: each portal page that shows documents, appointments,
plans or forms writes one "viewed" event per record it showed (with the ids shown), and staff
opening a patient's Care tab write one event. Staff read them per patient, as every event."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import audit_events_for_patient
from care.events import CareEvent
from clinics.models import Clinic
from portal.events import PortalEvent
from tests.care.factories import (
    AppointmentFactory,
    DocumentFactory,
    Family,
    FormAssignmentFactory,
    TreatmentPlanFactory,
    family_on,
)
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _documents_folder(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private_media")},
        },
    }


@pytest.fixture
def family(clinic: Clinic) -> Family:
    return family_on(clinic)


@pytest.fixture
def content(family: Family, clinic: Clinic) -> dict[str, dict[str, Any]]:
    """One item of each kind for the child, nothing for the parent."""
    practitioner = PractitionerFactory(clinics=[clinic])
    child = family.child
    return {
        "portal:care:documents": {"item": DocumentFactory(patient=child), "action": "documents"},
        "portal:care:appointments": {
            "item": AppointmentFactory(
                patient=child,
                practitioner=practitioner,
                starts_at=timezone.now() + timedelta(days=3),
            ),
            "action": "appointments",
        },
        "portal:care:plans": {
            "item": TreatmentPlanFactory(patient=child, practitioner=practitioner),
            "action": "plans",
        },
        "portal:care:forms": {"item": FormAssignmentFactory(patient=child), "action": "forms"},
    }


@pytest.mark.parametrize(
    "url_name",
    ["portal:care:documents", "portal:care:appointments", "portal:care:plans", "portal:care:forms"],
)
def test_a_portal_page_records_one_viewed_event_per_record_shown(
    client: Client, family: Family, content: dict[str, dict[str, Any]], url_name: str
) -> None:
    client.force_login(family.account)
    response = client.get(reverse(url_name), REMOTE_ADDR="203.0.113.40")
    assert response.status_code == 200
    events = AuditEvent.objects.filter(action=f"portal.{content[url_name]['action']}_viewed")
    by_patient = {event.patient_id: event for event in events}
    assert set(by_patient) == {family.parent.pk, family.child.pk}
    child_event = by_patient[family.child.pk]
    assert child_event.details == {"shown": [content[url_name]["item"].pk]}
    assert child_event.actor == family.account
    assert child_event.ip_address == "203.0.113.40"
    assert by_patient[family.parent.pk].details == {"shown": []}


def test_a_page_for_one_member_records_only_that_member(
    client: Client, family: Family, content: dict[str, dict[str, Any]]
) -> None:
    client.force_login(family.account)
    client.get(reverse("portal:care:documents"), {"member": family.child.pk})
    events = AuditEvent.objects.filter(action=PortalEvent.DOCUMENTS_VIEWED)
    assert [event.patient_id for event in events] == [family.child.pk]


def test_opening_a_form_records_that_it_was_viewed(
    client: Client, family: Family, content: dict[str, dict[str, Any]]
) -> None:
    assignment = content["portal:care:forms"]["item"]
    client.force_login(family.account)
    assert client.get(reverse("portal:care:form", args=[assignment.pk])).status_code == 200
    event = AuditEvent.objects.get(action=PortalEvent.FORM_VIEWED)
    assert event.patient == family.child
    assert event.details == {"shown": [assignment.pk]}


def test_an_outsider_refused_a_form_leaves_no_viewed_event(
    client: Client, outsider: User, content: dict[str, dict[str, Any]]
) -> None:
    assignment = content["portal:care:forms"]["item"]
    client.force_login(outsider)
    assert client.get(reverse("portal:care:form", args=[assignment.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action__endswith="_viewed").exists()


def test_staff_opening_the_care_tab_is_recorded_and_shown_per_patient(
    client: Client, clinic_staff: User, family: Family, content: dict[str, dict[str, Any]]
) -> None:
    client.force_login(clinic_staff)
    url = reverse("admin:clinics_patient_care", args=[family.child.pk])
    assert client.get(url).status_code == 200
    event = audit_events_for_patient(patient=family.child).get(action=CareEvent.VIEWED_BY_STAFF)
    assert event.actor == clinic_staff
    assert event.details == {
        "documents": [content["portal:care:documents"]["item"].pk],
        "appointments": [content["portal:care:appointments"]["item"].pk],
        "plans": [content["portal:care:plans"]["item"].pk],
        "forms": [content["portal:care:forms"]["item"].pk],
    }
    listed = client.get(
        reverse("admin:audit_auditevent_changelist"), {"patient__id__exact": family.child.pk}
    )
    assert CareEvent.VIEWED_BY_STAFF in listed.content.decode()


def test_another_clinics_staff_refused_the_care_tab_leave_no_event(
    client: Client, other_clinic_staff: User, family: Family
) -> None:
    client.force_login(other_clinic_staff)
    url = reverse("admin:clinics_patient_care", args=[family.child.pk])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=CareEvent.VIEWED_BY_STAFF).exists()
