"""The behaviours moved out of inline handlers still work under the CSP: a revoke asks first
(dismissing keeps the link), the admin's autocomplete and the document form work, and no page
logs a CSP violation (tests/e2e/conftest.py fails the test if one does)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.tokens import TokenStatus
from clinics.models import StaffRole
from family_links.models import AccessLink
from family_links.services import access_link_generate
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, ClinicFactory, PatientFactory, staff_member

STAFF = "desk@northside.example"

pytestmark = pytest.mark.django_db(transaction=True)


def test_revoking_a_link_asks_first_and_dismissing_keeps_it(live_server: Any, page: Any) -> None:
    clinic = ClinicFactory.create(name="Northside Family Clinic")
    staff = staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email=STAFF)
    emma = PatientFactory.create(clinic=clinic, first_name="Emma", last_name="Bennett")
    link = access_link_generate(patient=emma, actor=staff).link
    sign_in(page, live_server.url, STAFF, PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/clinics/patient/{emma.pk}/access-code/")
    questions: list[str] = []

    def dismiss(dialog: Any) -> None:
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_timeout(300)
    assert questions == ["Revoke this Medical Access Link? It and its code stop working."]
    assert AccessLink.objects.get(pk=link.pk).status == TokenStatus.PENDING

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    page.get_by_text("The link was revoked").wait_for()
    assert AccessLink.objects.get(pk=link.pk).status == TokenStatus.REVOKED


def test_the_document_upload_form_and_its_patient_autocomplete_work(
    live_server: Any, page: Any
) -> None:
    clinic = ClinicFactory.create(name="Northside Family Clinic")
    staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email=STAFF)
    PatientFactory.create(clinic=clinic, first_name="Laura", last_name="Bennett")
    sign_in(page, live_server.url, STAFF, PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/care/document/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Benn")
    page.locator(".select2-results__option", has_text="Bennett").first.wait_for()
