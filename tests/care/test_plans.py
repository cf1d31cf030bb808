from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from care.events import CareEvent
from care.models import PlanStatus, TreatmentPlan
from clinics.models import Clinic, Patient, Practitioner
from tests.care.factories import Family, PlanItemFactory, TreatmentPlanFactory, forms_only_account
from tests.factories import PatientFactory, PractitionerFactory

pytestmark = pytest.mark.django_db

PLANS = reverse("portal:care:plans")
ADD = reverse("admin:care_treatmentplan_add")


def _plan_form(
    patient: Patient, practitioner: Practitioner, items: list[dict], **extra: Any
) -> dict:
    data = {
        "patient": patient.pk,
        "practitioner": practitioner.pk,
        "title": "Knee rehabilitation",
        "goals": "Walk without pain.",
        "starts_on": "2026-03-02",
        "ends_on": "2026-06-01",
        "status": "active",
        "shared_in_portal": "on",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(sum(1 for item in items if item.get("id"))),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_staff_write_a_plan_with_its_items_in_order(
    staff_client: Client, patient: Patient, patel: Practitioner, clinic_staff: User
) -> None:
    items = [
        {"position": "2", "title": "Strength exercises", "details": "Daily."},
        {"position": "1", "title": "Ice after walking", "details": ""},
    ]

    response = staff_client.post(ADD, _plan_form(patient, patel, items))

    assert response.status_code == 302
    plan = TreatmentPlan.objects.get()
    assert (plan.patient, plan.practitioner, plan.status, plan.created_by) == (
        patient,
        patel,
        PlanStatus.ACTIVE,
        clinic_staff,
    )
    assert [item.title for item in plan.items.all()] == ["Ice after walking", "Strength exercises"]
    event = AuditEvent.objects.get(action=CareEvent.PLAN_CREATED)
    assert event.details["items"] == 2


def test_staff_edit_a_plan_and_remove_an_item(
    staff_client: Client, patient: Patient, patel: Practitioner
) -> None:
    plan = TreatmentPlanFactory.create(patient=patient, practitioner=patel, title="Old title")
    keep = PlanItemFactory.create(plan=plan, position=1, title="Keep me")
    drop = PlanItemFactory.create(plan=plan, position=2, title="Drop me")
    items = [
        {"id": keep.pk, "plan": plan.pk, "position": "1", "title": "Keep me", "details": ""},
        {"id": drop.pk, "plan": plan.pk, "position": "2", "title": "Drop me", "DELETE": "on"},
    ]

    response = staff_client.post(
        reverse("admin:care_treatmentplan_change", args=[plan.pk]),
        _plan_form(patient, patel, items, title="New title"),
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.title == "New title"
    assert [item.title for item in plan.items.all()] == ["Keep me"]
    assert "title" in AuditEvent.objects.get(action=CareEvent.PLAN_UPDATED).details["fields"]


def test_a_plan_by_a_practitioner_of_another_clinic_is_refused(
    staff_client: Client, patient: Patient, clinic: Clinic, other_clinic: Clinic
) -> None:
    elsewhere = PractitionerFactory.create(clinics=[other_clinic])
    response = staff_client.post(ADD, _plan_form(patient, elsewhere, []))
    assert "Select a valid choice" in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_the_portal_shows_shared_plans_of_every_linked_record_read_only(
    parent_client: Client, family: Family, patel: Practitioner, clinic: Clinic
) -> None:
    child_plan = TreatmentPlanFactory.create(
        patient=family.child, practitioner=patel, title="Asthma action plan"
    )
    PlanItemFactory.create(plan=child_plan, title="Controller inhaler", details="Twice a day")
    TreatmentPlanFactory.create(patient=family.parent, practitioner=patel, title="Back care")
    TreatmentPlanFactory.create(
        patient=family.child, practitioner=patel, title="Draft notes", shared_in_portal=False
    )
    TreatmentPlanFactory.create(
        patient=PatientFactory.create(clinic=clinic), practitioner=patel, title="Not yours"
    )

    page = parent_client.get(PLANS).content.decode()

    assert "Asthma action plan" in page
    assert "Controller inhaler" in page
    assert "Back care" in page
    assert "Draft notes" not in page
    assert "Not yours" not in page
    assert "<form" not in page.split("<main")[1]  # nothing to change
    assert parent_client.post(PLANS).status_code == 405


def test_an_intake_only_account_sees_no_plans(
    client: Client, patient: Patient, patel: Practitioner
) -> None:
    TreatmentPlanFactory.create(patient=patient, practitioner=patel, title="Back care")
    client.force_login(forms_only_account(patient))
    response = client.get(PLANS)
    assert response.status_code == 403  # an intake tablet is refused every page but its forms
    assert "Back care" not in response.content.decode()
