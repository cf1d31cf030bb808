"""Every page and download refuses who may not see it: anonymous visitors, outsiders, staff of
another clinic. Portal pages ask the access policy on every request."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from care.events import CareEvent
from care.models import AppointmentStatus
from clinics.models import Practitioner
from tests.care.factories import (
    AppointmentFactory,
    DocumentFactory,
    Family,
    FormAssignmentFactory,
    PlanItemFactory,
    TreatmentPlanFactory,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Content:
    family: Family
    urls: dict[str, str]


@pytest.fixture
def content(family: Family, patel: Practitioner) -> Content:
    child = family.child
    document = DocumentFactory.create(patient=child, title="Secret lab result")
    appointment = AppointmentFactory.create(patient=child, practitioner=patel)
    plan = TreatmentPlanFactory.create(patient=child, practitioner=patel, title="Secret plan")
    PlanItemFactory.create(plan=plan)
    assignment = FormAssignmentFactory.create(patient=child)
    return Content(
        family=family,
        urls={
            "documents": reverse("portal:care:documents"),
            "download": reverse("portal:care:document_download", args=[document.pk]),
            "appointments": reverse("portal:care:appointments"),
            "book": reverse("portal:care:book"),
            "plans": reverse("portal:care:plans"),
            "forms": reverse("portal:care:forms"),
            "form": reverse("portal:care:form", args=[assignment.pk]),
            "cancel": reverse("portal:care:appointment_cancel", args=[appointment.pk]),
            "admin_care": reverse("admin:clinics_patient_care", args=[child.pk]),
            "admin_document": reverse("admin:care_document_change", args=[document.pk]),
            "admin_download": reverse("admin:care_document_download", args=[document.pk]),
            "admin_appointment": reverse("admin:care_appointment_change", args=[appointment.pk]),
            "admin_plan": reverse("admin:care_treatmentplan_change", args=[plan.pk]),
            "admin_form": reverse("admin:care_formassignment_change", args=[assignment.pk]),
            "admin_print": reverse("admin:care_formassignment_print", args=[assignment.pk]),
            "admin_template": reverse(
                "admin:care_formtemplate_change", args=[assignment.template_id]
            ),
        },
    )


PORTAL_LISTS = ["documents", "appointments", "plans", "forms"]
PORTAL_ITEMS = ["download", "form"]
ADMIN_PAGES = [
    "admin_care",
    "admin_document",
    "admin_download",
    "admin_appointment",
    "admin_plan",
    "admin_form",
    "admin_print",
    "admin_template",
]


@pytest.mark.parametrize("name", [*PORTAL_LISTS, *PORTAL_ITEMS, "book"])
def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, content: Content, name: str
) -> None:
    response = client.get(content.urls[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_anonymous_visitors_never_reach_the_staff_pages(
    client: Client, content: Content, name: str
) -> None:
    response = client.get(content.urls[name])
    assert response.status_code == 302
    assert "/login/" in response.url


@pytest.mark.parametrize("who", ["outsider", "other_clinic_staff"])
@pytest.mark.parametrize("name", PORTAL_LISTS)
def test_portal_lists_show_nothing_of_a_record_to_others(
    client: Client, content: Content, who: str, name: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    page = client.get(content.urls[name]).content.decode()
    assert "Emma" not in page
    assert "Secret" not in page
    member = client.get(content.urls[name], {"member": content.family.child.pk})
    assert member.status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_clinic_staff"])
@pytest.mark.parametrize("name", PORTAL_ITEMS)
def test_portal_items_are_not_found_for_others(
    client: Client, content: Content, who: str, name: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(content.urls[name]).status_code == 404
    assert not AuditEvent.objects.filter(action=CareEvent.DOCUMENT_DOWNLOADED).exists()


@pytest.mark.parametrize("who", ["outsider", "other_clinic_staff"])
def test_others_can_neither_book_for_nor_cancel_for_a_record(
    client: Client, content: Content, who: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(content.urls["book"], {"patient": content.family.child.pk}).status_code == 404
    assert client.post(content.urls["cancel"]).status_code == 404
    assert content.family.child.appointments.get().status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_staff_of_another_clinic_get_not_found_on_every_staff_page(
    client: Client, content: Content, other_clinic_staff: User, name: str
) -> None:
    client.force_login(other_clinic_staff)
    assert client.get(content.urls[name]).status_code == 404


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_staff_of_the_clinic_reach_every_staff_page(
    staff_client: Client, content: Content, name: str
) -> None:
    assert staff_client.get(content.urls[name]).status_code == 200


def test_a_portal_account_never_reaches_the_staff_pages(
    parent_client: Client, content: Content
) -> None:
    for name in ADMIN_PAGES:
        response = parent_client.get(content.urls[name])
        assert response.status_code == 302, name
