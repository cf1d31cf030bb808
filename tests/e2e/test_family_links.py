"""Family links in the browser: staff send two children's Medical Access Links to their mother at
once; she opens each, signs in, confirms the date of birth, and holds three profiles; staff see
both links redeemed by her account."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from access_control.models import Relationship
from clinics.models import Patient, StaffRole
from outbox.models import Email
from tests.access_control.factories import PortalGrantFactory
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, ClinicFactory, PatientFactory, UserFactory, staff_member
from tests.outbox.helpers import email_live_text

STAFF = "desk@northside.example"
LAURA = "laura.bennett@example.com"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bennetts(db: None) -> dict[str, Patient]:
    clinic = ClinicFactory.create(name="Northside Family Clinic", phone="(555) 010-2000")
    staff_member(clinic=clinic, role=StaffRole.FRONT_DESK, email=STAFF, first_name="Fran")
    family = {"address_line1": "42 Elm Street", "city": "Springfield", "postal_code": "62704"}
    laura = PatientFactory.create(
        clinic=clinic, first_name="Laura", last_name="Bennett", email=LAURA, **family
    )
    account = UserFactory.create(email=LAURA, first_name="Laura", last_name="Bennett")
    PortalGrantFactory.create(account=account, patient=laura, relationship=Relationship.SELF)
    return {
        "laura": laura,
        "emma": PatientFactory.create(
            clinic=clinic,
            first_name="Emma",
            last_name="Bennett",
            date_of_birth=date(2015, 9, 3),
            email="emma.bennett@example.com",
            **family,
        ),
        "noah": PatientFactory.create(
            clinic=clinic,
            first_name="Noah",
            last_name="Bennett",
            date_of_birth=date(2018, 1, 22),
            email="",
            **family,
        ),
    }


def _link_of(patient: Patient, base_url: str) -> str:
    body = email_live_text(Email.objects.get(purpose="family_links:access_link", patient=patient))
    match = re.search(rf"{re.escape(base_url)}/link/[\w-]+/", body)
    assert match is not None, body
    return match.group(0)


def _confirm(page: Any, born: date) -> None:
    page.get_by_label("Parent").check()
    page.fill("input[name=date_of_birth]", born.isoformat())
    page.get_by_role("button", name="Add to my account").click()


def test_staff_send_two_links_at_once_and_the_parent_links_both_children(
    live_server: Any, page: Any, browser: Any, settings: Any, bennetts: dict[str, Patient]
) -> None:
    settings.SITE_URL = live_server.url
    laura, emma, noah = bennetts["laura"], bennetts["emma"], bennetts["noah"]

    # Staff: from Laura's record, Family at once, both children to Laura's address.
    sign_in(page, live_server.url, STAFF, PASSWORD)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/clinics/patient/{laura.pk}/change/")
    page.get_by_role("link", name="Medical Access Code", exact=True).click()
    page.wait_for_url(f"**/admin/clinics/patient/{laura.pk}/access-code/")
    page.get_by_role("link", name="Family at once…").click()
    page.get_by_role("checkbox", name=re.compile("Laura Bennett")).uncheck()
    page.get_by_role("checkbox", name=re.compile("Emma Bennett")).check()
    page.get_by_role("checkbox", name=re.compile("Noah Bennett")).check()
    page.fill("input[name=email]", LAURA)
    screenshot(page, "family-links-family-at-once")
    page.get_by_role("button", name="Generate and send the links").click()
    page.get_by_text("2 Medical Access Links sent").wait_for()
    for child in (emma, noah):
        child.refresh_from_db()
        assert child.email == LAURA

    # Laura: each link, sign in the first time, confirm the date of birth.
    parent_context = browser.new_context(viewport={"width": 420, "height": 860})
    parent = parent_context.new_page()
    parent.goto(_link_of(emma, live_server.url))
    parent.get_by_role("heading", name="Add Emma B. to your portal account").wait_for()
    parent.get_by_role("link", name="Sign in to continue").click()
    parent.fill("input[name=login]", LAURA)
    parent.fill("input[name=password]", PASSWORD)
    parent.get_by_role("button", name="Sign In").click()
    parent.get_by_label("Their date of birth").wait_for()
    parent.get_by_label("Parent").check()
    parent.fill("input[name=date_of_birth]", "2015-09-03")
    screenshot(parent, "family-links-confirm")
    parent.get_by_role("button", name="Add to my account").click()
    parent.wait_for_url(f"{live_server.url}/portal/profiles/{emma.pk}/")
    parent.get_by_text("Emma B. was added to your portal account.").wait_for()

    parent.goto(_link_of(noah, live_server.url))
    _confirm(parent, date(2018, 1, 22))
    parent.wait_for_url(f"{live_server.url}/portal/profiles/{noah.pk}/")

    parent.select_option("#profile-switcher", label="Everyone (3)")
    parent.wait_for_url(f"{live_server.url}/portal/profiles/")
    cards = parent.locator(".profile-card")
    assert cards.count() == 3
    names = cards.all_inner_texts()
    for name in ("Laura Bennett", "Emma Bennett", "Noah Bennett"):
        assert any(name in text for text in names), names
    screenshot(parent, "family-links-profiles")
    parent_context.close()

    # Staff: both links redeemed by Laura's account.
    for child in (emma, noah):
        page.goto(f"{live_server.url}/admin/clinics/patient/{child.pk}/access-code/")
        status = page.locator(".pa-status").inner_text()
        assert "Linked" in status
        assert LAURA in status
    screenshot(page, "family-links-tab")

    # A code for the phone: generated on the tab, shown once beside the envelope.
    page.get_by_role("button", name="Generate Medical Access Link").click()
    code = page.locator("#access-code").inner_text()
    assert re.fullmatch(r"\w{4}-\w{4}-\w{2}", code)
    page.get_by_role("button", name="Send Access Link").wait_for()
    screenshot(page, "family-links-generated")
