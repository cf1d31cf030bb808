from __future__ import annotations

from typing import Any

import pytest

from clinics.models import Patient, StaffRole
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ClinicFactory, PatientFactory, staff_member


@pytest.mark.django_db(transaction=True)
def test_staff_signs_into_the_admin_and_opens_a_patient(live_server: Any, page: Any) -> None:
    clinic = ClinicFactory(name="Northside Family Clinic")
    staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email="desk@northside.example")
    patient: Patient = PatientFactory(clinic=clinic, first_name="Laura", last_name="Bennett")

    page.goto(f"{live_server.url}/admin/")
    assert "/accounts/login/" in page.url
    sign_in(page, live_server.url, "desk@northside.example", PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")

    page.get_by_role("link", name="Patients").first.click()
    page.get_by_role("link", name="Bennett").click()
    page.wait_for_url(f"**/admin/clinics/patient/{patient.pk}/change/")
    assert page.input_value("input[name=first_name]") == "Laura"
    screenshot(page, "staff-patient-page")
