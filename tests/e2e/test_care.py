"""Browser tests of the portal's clinical content: booking, smart forms, front-desk intake."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from access_control.services import available_practitioners_set
from care.models import FieldKind, FormAssignment
from clinics.models import StaffRole
from tests.access_control.database import (  # noqa: F401  (fixtures)
    staff_groups,
    staff_groups_kept,
    staff_groups_snapshot,
)
from tests.care.factories import (
    FormAssignmentFactory,
    FormFieldFactory,
    family_on,
    forms_only_account,
    weekday_hours,
)
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import (
    PASSWORD,
    ClinicFactory,
    PatientFactory,
    PractitionerFactory,
    staff_member,
)

# Real commits (the live server) empty the database after each test: the staff groups are put
# back before each test and after the module.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("staff_groups_kept", "staff_groups"),
]


def _intake(patient: Any) -> FormAssignment:
    assignment = FormAssignmentFactory.create(
        patient=patient,
        template__title="New patient intake",
        due_date=timezone.localdate() + timedelta(days=7),
    )
    template = assignment.template
    FormFieldFactory.create(
        template=template, position=1, kind=FieldKind.SHORT_TEXT, label="Preferred name"
    )
    FormFieldFactory.create(
        template=template,
        position=2,
        kind=FieldKind.SINGLE_CHOICE,
        label="Overall health",
        choices="Excellent\nGood\nFair",
        required=True,
    )
    FormFieldFactory.create(
        template=template, position=3, kind=FieldKind.YES_NO, label="Any allergies?", required=True
    )
    FormFieldFactory.create(
        template=template,
        position=4,
        kind=FieldKind.CONSENT,
        label="I consent to treatment at this clinic.",
        required=True,
    )
    return assignment


def test_a_parent_books_an_appointment_for_a_child_with_an_allowed_practitioner(
    live_server: Any, page: Any
) -> None:
    clinic = ClinicFactory(name="Northside Family Clinic")
    patel = PractitionerFactory(first_name="Maya", last_name="Patel", clinics=[clinic])
    reyes = PractitionerFactory(first_name="Jordan", last_name="Reyes", clinics=[clinic])
    for practitioner in (patel, reyes):
        weekday_hours(practitioner, clinic, start=time(9), end=time(11))
    desk = staff_member(clinic=clinic, role=StaffRole.FRONT_DESK)
    family = family_on(clinic, email="laura.bennett@example.com")
    available_practitioners_set(patient=family.child, practitioners=[patel], actor=desk)

    sign_in(page, live_server.url, "laura.bennett@example.com", PASSWORD)
    page.get_by_role("link", name="Appointments").click()
    page.get_by_role("link", name="Book an appointment").click()
    page.get_by_role("link", name="Emma Bennett").click()
    assert page.get_by_role("link", name="Maya Patel, MD").is_visible()
    assert page.get_by_text("Jordan Reyes").count() == 0
    page.get_by_role("link", name="Maya Patel, MD").click()
    page.locator(".choice-links.days a").first.click()
    page.locator(".choice-links.slots a").first.click()
    screenshot(page, "care-booking")
    page.get_by_role("button", name="Book this appointment").click()

    page.wait_for_url(f"{live_server.url}/portal/appointments/")
    assert page.get_by_text("Booked: Emma Bennett with Maya Patel").is_visible()
    assert page.locator(".care-item").filter(has_text="Emma Bennett with Maya Patel").count() == 1
    screenshot(page, "care-appointments")


def test_a_parent_fills_in_a_childs_form_saves_returns_submits_and_staff_see_the_answers(
    live_server: Any, page: Any
) -> None:
    clinic = ClinicFactory(name="Northside Family Clinic")
    staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email="desk@northside.example")
    family = family_on(clinic, email="laura.bennett@example.com")
    _intake(family.child)

    sign_in(page, live_server.url, "laura.bennett@example.com", PASSWORD)
    page.get_by_role("link", name="Forms", exact=True).click()
    page.locator(".care-item").filter(has_text="Emma Bennett").get_by_role(
        "link", name="Fill in"
    ).click()
    page.get_by_label("Preferred name").fill("Em")
    page.get_by_label("Good").check()
    page.get_by_role("button", name="Save and finish later").click()

    assert page.get_by_text("Your answers are saved.").is_visible()
    item = page.locator(".care-item").filter(has_text="Emma Bennett")
    assert item.get_by_text("In progress").is_visible()
    item.get_by_role("link", name="Continue").click()
    assert page.get_by_label("Preferred name").input_value() == "Em"
    assert page.get_by_label("Good").is_checked()
    page.get_by_role("button", name="Submit").click()
    assert page.get_by_text("This field is required.").first.is_visible()  # allergies, consent
    screenshot(page, "care-form")
    page.get_by_label("No").check()
    page.get_by_label("I consent to treatment at this clinic.").check()
    page.get_by_label("Type your full name to sign").fill("Laura Bennett")
    page.get_by_role("button", name="Submit").click()
    assert page.get_by_text("was sent to Northside Family Clinic").is_visible()
    assert (
        page.locator(".care-item")
        .filter(has_text="Emma Bennett")
        .get_by_text("Completed")
        .is_visible()
    )

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, "desk@northside.example", PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/clinics/patient/{family.child.pk}/change/")
    page.get_by_role("navigation", name="Patient record").get_by_role("link", name="Care").click()
    answers = page.locator("#forms")
    assert answers.get_by_text("Overall health").is_visible()
    assert answers.get_by_text("Agreed — signed “Laura Bennett”").is_visible()
    screenshot(page, "care-staff-answers")


def test_front_desk_intake_on_a_forms_only_account_ends_back_at_the_sign_in_page(
    live_server: Any, page: Any
) -> None:
    clinic = ClinicFactory(name="Northside Family Clinic")
    noah = PatientFactory(clinic=clinic, first_name="Noah", last_name="Bennett")
    PatientFactory(clinic=clinic, first_name="Walter", last_name="Grimes")
    tablet = forms_only_account(noah, username="noah.intake")
    tablet.set_password(PASSWORD)
    tablet.save(update_fields=["password"])
    _intake(noah)

    sign_in(page, live_server.url, "noah.intake", PASSWORD)
    page.get_by_role("link", name="Forms", exact=True).click()
    page.get_by_role("link", name="Fill in").click()
    page.get_by_label("Excellent").check()
    page.get_by_label("Yes").check()
    page.get_by_label("I consent to treatment at this clinic.").check()
    page.get_by_label("Type your full name to sign").fill("Noah Bennett")
    page.get_by_role("button", name="Submit").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.get_by_text("Please hand the tablet back to the front desk.").is_visible()
    assert page.locator("input[name=login]").input_value() == ""
    screenshot(page, "care-intake-done")
    page.goto(f"{live_server.url}/portal/forms/")
    assert "/accounts/login/" in page.url
