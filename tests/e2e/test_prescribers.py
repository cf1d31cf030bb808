"""The source document's example, end to end in Chromium.

Provider Joe Smith works at Happy Clinic West and starts practising at Southern Clinic of Joy,
for which the pharmacy already has a prescriber profile with patients. He adds the clinic in
the practitioner portal and sends a first prescription: a new profile appears, flagged for
review, with the older one as a likely duplicate. The pharmacy disconnects and archives the new
profile and links the older one to his portal account and that clinic with Update, so that its
patients stay attached: his prescription history now shows them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from clinics.models import PractitionerClinic
from prescribers.models import PrescriberProfile, ProfileStatus
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ClinicFactory
from tests.prescribers.factories import (
    PrescriberProfileFactory,
    patient_with_prescription,
    pharmacy_staff_member,
    practitioner_account,
)


@pytest.mark.django_db(transaction=True)
def test_joe_smith_keeps_the_southern_clinic_of_joy_patients(
    live_server: Any, page: Any, browser: Any
) -> None:
    url = live_server.url
    happy = ClinicFactory(name="Happy Clinic West", address_line1="410 Sunset Blvd", city="Tucson")
    joe = practitioner_account(
        clinics=[happy], email="joe.smith@example.com", first_name="Joe", last_name="Smith"
    )
    older = PrescriberProfileFactory(
        first_name="Joe",
        last_name="Smith",
        npi=joe.practitioner.npi,
        clinic_name="Southern Clinic of Joy",
        description="Southern Clinic of Joy, Main Street office",
    )
    patient_with_prescription(profile=older, first_name="Harold", last_name="Benson")
    patient_with_prescription(profile=older, first_name="Maria", last_name="Núñez")
    pharmacy_staff_member(email="pharmacist@example.com")

    # Joe adds Southern Clinic of Joy in the practitioner portal...
    sign_in(page, url, "joe.smith@example.com", PASSWORD)
    page.goto(f"{url}/practitioner/clinics/new/")
    page.get_by_label("Clinic name").fill("Southern Clinic of Joy")
    page.get_by_label("Address", exact=True).fill("77 Main Street")
    page.get_by_label("City").fill("Phoenix")
    page.get_by_label("Phone").fill("(201) 555-0133")
    page.get_by_role("button", name="Add clinic").click()
    expect(page.locator(".messages")).to_contain_text("Southern Clinic of Joy is now one of your")

    # ...and sends a first prescription from it.
    page.get_by_role("link", name="New prescription").first.click()
    page.get_by_label("Clinic", exact=True).select_option(label="Southern Clinic of Joy")
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Delgado")
    page.get_by_label("Date of birth").fill("1972-03-09")
    page.get_by_label("Phone").fill("(201) 555-0122")
    page.get_by_label("Medication").fill("Lisinopril")
    page.get_by_label("Strength").fill("10 mg")
    page.get_by_label("Dosage form").fill("tablet")
    page.get_by_label("Quantity").fill("30")
    page.get_by_label("Days supply").fill("30")
    page.get_by_label("Directions").fill("Take 1 tablet by mouth once daily.")
    page.get_by_role("button", name="Send to the pharmacy").click()
    expect(page.locator(".messages")).to_contain_text("Sent to the pharmacy")
    expect(page.locator("main")).to_contain_text("Delgado, Rosa")
    expect(page.locator("main")).not_to_contain_text("Benson")

    # The pharmacy finds a new profile flagged for review, the older one a likely duplicate.
    newer = PrescriberProfile.objects.get(created_automatically=True)
    southern = PractitionerClinic.objects.get(practitioner__user=joe, clinic__name__startswith="S")
    staff = browser.new_context().new_page()
    sign_in(staff, url, "pharmacist@example.com", PASSWORD)
    staff.goto(f"{url}/admin/prescribers/prescriberprofile/?needs_review__exact=1")
    staff.get_by_role("link", name="Joe Smith, MD").click()
    review = staff.locator("#prescriber-review")
    expect(review).to_contain_text("Awaiting pharmacy review")
    expect(review.get_by_role("link", name=re.compile("Southern Clinic of Joy"))).to_have_attribute(
        "href", f"/admin/prescribers/prescriberprofile/{older.pk}/change/"
    )

    # Disconnect and archive the new profile.
    staff.get_by_role("link", name="Disconnect").click()
    staff.get_by_label("Reason (optional)").fill("Keep the older Southern Clinic of Joy profile")
    staff.get_by_role("button", name="Disconnect").click()
    expect(staff.locator(".messagelist")).to_contain_text("Disconnected")
    staff.get_by_role("link", name="Archive").click()
    staff.get_by_role("button", name="Archive").click()
    expect(staff.locator(".messagelist")).to_contain_text("Archived")
    newer.refresh_from_db()
    assert newer.status == ProfileStatus.ARCHIVED
    assert newer.practitioner_clinic is None

    # Link the older profile to his portal account and the new clinic, with Update.
    staff.goto(f"{url}/admin/prescribers/prescriberprofile/{older.pk}/change/")
    staff.locator("#portal-account-search").fill("Joe Smith")
    expect(staff.locator(f"#id_portal_account option[value='{joe.pk}']")).to_be_attached()
    staff.locator("#id_portal_account").select_option(str(joe.pk))
    clinic_options = staff.locator("#id_link_clinic option")
    expect(clinic_options).to_have_count(3)
    staff.locator("#id_link_clinic").select_option(str(southern.pk))
    staff.get_by_label("Reason (optional, kept in the audit log)").fill(
        "Joe Smith now practises at Southern Clinic of Joy"
    )
    staff.get_by_role("button", name="Update").click()
    expect(staff.locator(".messagelist")).to_contain_text("Linked to Joe Smith, MD at Southern")
    expect(staff.locator(".prescriber-link-now")).to_contain_text("Southern Clinic of Joy")
    screenshot(staff, "prescribers-link-portal-account")
    older.refresh_from_db()
    assert older.practitioner_clinic == southern

    # His prescription history now shows the older profile's patients.
    page.get_by_role("link", name="Prescription history").click()
    history = page.locator("main")
    expect(history).to_contain_text("Benson, Harold")
    expect(history).to_contain_text("Núñez, Maria")
    screenshot(page, "prescribers-history")
