"""Portal Access in the browser: invite, accept, block; create an account by hand."""

from __future__ import annotations

import re
from typing import Any

import pytest

from clinics.models import Patient, StaffRole
from outbox.models import Email
from tests.access_control.database import (  # noqa: F401  (fixtures)
    staff_groups,
    staff_groups_kept,
    staff_groups_snapshot,
)
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import (
    PASSWORD,
    ClinicFactory,
    PatientFactory,
    PractitionerFactory,
    staff_member,
)
from tests.outbox.helpers import email_live_text

STAFF = "desk@northside.example"
PATIENT_PASSWORD = "Blue-Meadow-Lantern-7"

# Real commits (the live server) empty the database after each test: the staff groups are put
# back before each test and after the module.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("staff_groups_kept", "staff_groups"),
]


@pytest.fixture
def laura(db: None) -> Patient:
    clinic = ClinicFactory.create(name="Northside Family Clinic", phone="(555) 010-2000")
    staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email=STAFF, first_name="Fran")
    PractitionerFactory.create(first_name="Maya", last_name="Patel", clinics=[clinic])
    PractitionerFactory.create(first_name="Jordan", last_name="Reyes", clinics=[clinic])
    return PatientFactory.create(
        clinic=clinic, first_name="Laura", last_name="Bennett", email="laura.bennett@example.com"
    )


def _open_portal_access(page: Any, base_url: str, patient: Patient) -> None:
    page.goto(f"{base_url}/admin/clinics/patient/")
    page.get_by_role("link", name=patient.last_name).click()
    page.wait_for_url(f"**/admin/clinics/patient/{patient.pk}/change/")
    page.get_by_role("link", name="Portal Access", exact=True).click()
    page.wait_for_url(f"**/admin/clinics/patient/{patient.pk}/portal-access/")


def test_staff_invites_the_patient_who_joins_and_is_then_blocked(
    live_server: Any, page: Any, browser: Any, settings: Any, laura: Patient
) -> None:
    settings.SITE_URL = live_server.url
    sign_in(page, live_server.url, STAFF, PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    _open_portal_access(page, live_server.url, laura)
    page.get_by_role("button", name="Send portal invitation").click()
    page.get_by_text("A portal invitation was sent to laura.bennett@example.com.").wait_for()
    assert page.locator(".pa-status .pa-badge").first.inner_text() == "Invited"
    screenshot(page, "portal-access-tab")

    body = email_live_text(Email.objects.get(purpose="portal_invitation"))
    match = re.search(rf"{re.escape(live_server.url)}/invite/[\w-]+/", body)
    assert match is not None, body
    patient_context = browser.new_context(viewport={"width": 420, "height": 860})
    patient_page = patient_context.new_page()
    patient_page.goto(match.group(0))
    patient_page.get_by_role("heading", name="Create your password").wait_for()
    patient_page.fill("input[name=password1]", PATIENT_PASSWORD)
    patient_page.fill("input[name=password2]", PATIENT_PASSWORD)
    screenshot(patient_page, "portal-access-invitation")
    patient_page.get_by_role("button", name="Create my account").click()
    patient_page.wait_for_url(f"{live_server.url}/portal/")
    card = patient_page.locator(".record-card")
    assert "Laura Bennett" in card.inner_text()
    assert "Northside Family Clinic" in card.inner_text()
    screenshot(patient_page, "portal-access-patient-home")

    page.reload()
    page.locator("#block input[value=yes]").check()
    page.locator("#block").get_by_role("button", name="Save").click()
    page.get_by_text("Portal access is blocked for this patient.").wait_for()

    patient_page.reload()
    patient_page.wait_for_url(f"{live_server.url}/accounts/login/")
    patient_page.get_by_text(
        "Your portal access is not available. "
        "Please contact Northside Family Clinic, (555) 010-2000."
    ).wait_for()
    screenshot(patient_page, "portal-access-blocked")
    patient_context.close()


def test_staff_creates_an_account_by_hand_and_the_patient_must_change_the_password(
    live_server: Any, page: Any, browser: Any, laura: Patient
) -> None:
    temporary = "Harbor-Lamp-2031"
    sign_in(page, live_server.url, STAFF, PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    _open_portal_access(page, live_server.url, laura)
    page.get_by_text("Click here to Create an account manually").click()
    assert page.input_value("input[name=username]") == "laura.bennett@example.com"
    page.fill("input[name=password]", temporary)
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("The account “laura.bennett@example.com” was created.").wait_for()

    patient_context = browser.new_context(viewport={"width": 420, "height": 860})
    patient_page = patient_context.new_page()
    sign_in(patient_page, live_server.url, "laura.bennett@example.com", temporary)
    patient_page.wait_for_url(f"{live_server.url}/accounts/password/change/")
    patient_page.get_by_text("Your clinic set a temporary password").wait_for()
    screenshot(patient_page, "portal-access-change-password")
    patient_page.fill("input[name=oldpassword]", temporary)
    patient_page.fill("input[name=password1]", PATIENT_PASSWORD)
    patient_page.fill("input[name=password2]", PATIENT_PASSWORD)
    patient_page.get_by_role("button", name="Change Password").click()
    patient_page.wait_for_url(f"{live_server.url}/portal/")
    assert "Laura Bennett" in patient_page.locator(".record-card").inner_text()
    patient_context.close()
