"""The portal's Profile section: every linked member, the switcher, updating details (kept as
field-level history staff see), changing the email on file, removing a record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from access_control.events import AccessControlEvent
from access_control.models import GrantScope, PortalGrant, Relationship
from access_control.services import patient_block
from accounts.models import User
from audit.models import AuditEvent
from clinics.events import ClinicEvent
from clinics.models import Clinic, Patient
from family_links.events import FamilyLinksEvent
from family_links.models import DemographicChange, DemographicField, EmergencyContact
from family_links.services import demographics_update
from outbox.models import Email
from portal.profiles.session import CURRENT_PROFILE_KEY
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PASSWORD, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

PROFILES = "/portal/profiles/"


def _profile_url(patient: Patient) -> str:
    return reverse("portal:profiles:profile", args=[patient.pk])


@pytest.fixture
def family(holder: User, patient: Patient, linked_member: Patient, clinic: Clinic) -> list[Patient]:
    """Laura (self), Noah and Lily (parent), all in Laura's account."""
    lily = PatientFactory.create(clinic=clinic, first_name="Lily", last_name="Bennett")
    PortalGrantFactory.create(account=holder, patient=lily, relationship=Relationship.PARENT)
    return [patient, linked_member, lily]


# --- the Profile section -----------------------------------------------------------------------


def test_the_profile_section_lists_every_linked_member(
    holder_client: Client, family: list[Patient]
) -> None:
    html = holder_client.get(PROFILES).content.decode()
    assert html.count('class="card record-card profile-card"') == 3
    for member in family:
        assert member.display_name in html
        assert _profile_url(member) in html
    assert ">You<" in html
    assert html.count(">Parent<") == 2
    assert 'name="profile"' in html  # the switcher
    assert "Everyone (3)" in html


def test_a_forms_only_record_is_not_a_profile(holder_client: Client, holder: User) -> None:
    tablet = PatientFactory.create(first_name="Tablet")
    PortalGrantFactory.create(account=holder, patient=tablet, scope=GrantScope.FORMS_ONLY)
    assert "Tablet" not in holder_client.get(PROFILES).content.decode()
    assert holder_client.get(_profile_url(tablet)).status_code == 404


def test_a_profile_shows_the_members_details_and_links_to_their_content(
    holder_client: Client, linked_member: Patient
) -> None:
    EmergencyContact.objects.create(
        patient=linked_member, name="Grace Bennett", relationship="Grandmother", phone="555-0101"
    )
    html = holder_client.get(_profile_url(linked_member)).content.decode()
    assert "Noah Bennett" in html
    assert "January 22, 2018" in html
    assert "Grace Bennett (Grandmother), 555-0101" in html
    assert f"/portal/documents/?member={linked_member.pk}" in html
    assert reverse("portal:profiles:edit", args=[linked_member.pk]) in html
    assert reverse("portal:profiles:remove", args=[linked_member.pk]) in html


def test_the_switcher_remembers_the_profile_and_everyone_forgets_it(
    holder_client: Client, family: list[Patient]
) -> None:
    noah = family[1]
    response = holder_client.post(reverse("portal:profiles:switch"), {"profile": str(noah.pk)})
    assert response["Location"] == _profile_url(noah)
    assert holder_client.session[CURRENT_PROFILE_KEY] == noah.pk
    assert holder_client.get(PROFILES)["Location"] == _profile_url(noah)
    html = holder_client.get(_profile_url(noah)).content.decode()
    assert f'<option value="{noah.pk}" selected>' in html
    response = holder_client.post(reverse("portal:profiles:switch"), {"profile": ""})
    assert response["Location"] == PROFILES
    assert CURRENT_PROFILE_KEY not in holder_client.session
    assert holder_client.get(PROFILES).status_code == 200


def test_the_home_page_carries_the_switcher_too(
    holder_client: Client, family: list[Patient]
) -> None:
    html = holder_client.get("/portal/").content.decode()
    assert "Everyone (3)" in html
    assert reverse("portal:profiles:add_code") in html
    assert 'href="/portal/profiles/"' in html  # the Profiles link in the top bar


def test_switching_to_someone_elses_record_shows_everyone(
    holder_client: Client, family: list[Patient], clinic: Clinic
) -> None:
    stranger = PatientFactory.create(clinic=clinic)
    response = holder_client.post(reverse("portal:profiles:switch"), {"profile": stranger.pk})
    assert response["Location"] == PROFILES
    assert CURRENT_PROFILE_KEY not in holder_client.session


@pytest.mark.parametrize("who", ["outsider", "clinic_staff", "other_clinic_staff"])
def test_nobody_else_may_open_update_or_remove_a_profile(
    who: str, request: pytest.FixtureRequest, client: Client, linked_member: Patient
) -> None:
    client.force_login(request.getfixturevalue(who))
    for name in ("profile", "edit", "email", "remove"):
        url = reverse(f"portal:profiles:{name}", args=[linked_member.pk])
        assert client.get(url).status_code in (404, 302)
        assert client.post(url, {"phone": "1"}).status_code in (404, 302)
    assert not DemographicChange.objects.exists()
    assert PortalGrant.objects.get(patient=linked_member).revoked_at is None


def test_a_blocked_child_disappears_on_the_next_request_while_the_others_stay(
    holder_client: Client, clinic_staff: User, family: list[Patient]
) -> None:
    _, noah, lily = family
    holder_client.post(reverse("portal:profiles:switch"), {"profile": noah.pk})
    assert holder_client.get(_profile_url(noah)).status_code == 200
    patient_block(patient=noah, actor=clinic_staff)
    assert holder_client.get(_profile_url(noah)).status_code == 404
    response = holder_client.get(PROFILES)  # the remembered profile is silently dropped
    html = response.content.decode()
    assert response.status_code == 200
    assert "Noah" not in html
    assert "Laura Bennett" in html
    assert "Lily Bennett" in html
    assert "Noah" not in holder_client.get("/portal/").content.decode()
    assert holder_client.get(_profile_url(lily)).status_code == 200


def test_staff_revoking_access_takes_effect_on_the_next_request(
    holder_client: Client, clinic_staff: User, holder: User, linked_member: Patient
) -> None:
    grant = PortalGrant.objects.get(account=holder, patient=linked_member)
    staff = Client()
    staff.force_login(clinic_staff)
    response = staff.post(
        reverse(
            "admin:clinics_patient_portal_access_action", args=[linked_member.pk, "revoke-grant"]
        ),
        {"grant": grant.pk},
    )
    assert response.status_code == 302
    assert holder_client.get(_profile_url(linked_member)).status_code == 404
    event = AuditEvent.objects.get(action=AccessControlEvent.GRANT_REVOKED, patient=linked_member)
    assert event.actor == clinic_staff


# --- updating details --------------------------------------------------------------------------


def test_the_holder_updates_a_members_details_and_each_change_is_kept(
    holder_client: Client, holder: User, linked_member: Patient
) -> None:
    linked_member.phone = "(201) 555-0100"
    linked_member.save()
    url = reverse("portal:profiles:edit", args=[linked_member.pk])
    form = holder_client.get(url).content.decode()
    assert 'value="(201) 555-0100"' in form
    response = holder_client.post(
        url,
        {
            "preferred_name": "Noah-bear",
            "phone": "(201) 555-0199",
            "address_line1": linked_member.address_line1,
            "city": "Springfield",
            "emergency_name": "Grace Bennett",
            "emergency_relationship": "Grandmother",
            "emergency_phone": "(201) 555-0101",
        },
    )
    assert response["Location"] == _profile_url(linked_member)
    linked_member.refresh_from_db()
    assert (linked_member.preferred_name, linked_member.phone) == ("Noah-bear", "(201) 555-0199")
    assert linked_member.emergency_contact.name == "Grace Bennett"
    changes = {
        change.field: (change.old_value, change.new_value, change.changed_by)
        for change in DemographicChange.objects.filter(patient=linked_member)
    }
    assert changes == {
        DemographicField.PREFERRED_NAME: ("", "Noah-bear", holder),
        DemographicField.PHONE: ("+12015550100", "+12015550199", holder),
        DemographicField.CITY: ("", "Springfield", holder),
        DemographicField.EMERGENCY_NAME: ("", "Grace Bennett", holder),
        DemographicField.EMERGENCY_RELATIONSHIP: ("", "Grandmother", holder),
        DemographicField.EMERGENCY_PHONE: ("", "+12015550101", holder),
    }
    event = AuditEvent.objects.get(action=FamilyLinksEvent.DEMOGRAPHICS_UPDATED)
    assert (event.actor, event.patient) == (holder, linked_member)
    assert AuditEvent.objects.get(action=ClinicEvent.PATIENT_UPDATED).actor == holder


def test_staff_see_the_changes_on_the_patient_page(
    holder: User, linked_member: Patient, staff_client: Client
) -> None:
    demographics_update(
        patient=linked_member,
        account=holder,
        values={"phone": "(201) 555-0199", "emergency_name": "Gran"},
    )
    html = staff_client.get(
        reverse("admin:clinics_patient_change", args=[linked_member.pk])
    ).content.decode()
    assert "Details changed by the family in the portal" in html
    assert "<td>Phone</td><td>—</td><td>(201) 555-0199</td><td>laura@example.com</td>" in html
    assert "Emergency contact: <strong>Gran</strong>" in html


def test_other_clinics_staff_do_not_see_the_patient_page(
    holder: User, linked_member: Patient, client: Client, other_clinic_staff: User
) -> None:
    client.force_login(other_clinic_staff)
    url = reverse("admin:clinics_patient_change", args=[linked_member.pk])
    assert client.get(url).status_code == 404


def test_nothing_changed_writes_nothing(holder_client: Client, linked_member: Patient) -> None:
    url = reverse("portal:profiles:edit", args=[linked_member.pk])
    initial = {
        "address_line1": linked_member.address_line1,
        "phone": linked_member.phone,
    }
    holder_client.post(url, initial)
    assert not DemographicChange.objects.exists()
    assert not AuditEvent.objects.filter(action=FamilyLinksEvent.DEMOGRAPHICS_UPDATED).exists()


def test_bad_input_gets_a_message_and_changes_nothing(
    holder_client: Client, linked_member: Patient
) -> None:
    url = reverse("portal:profiles:edit", args=[linked_member.pk])
    response = holder_client.post(url, {"phone": "5" * 41, "city": "Elsewhere"})
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    linked_member.refresh_from_db()
    assert linked_member.city != "Elsewhere"
    assert not DemographicChange.objects.exists()


def test_the_email_on_file_only_changes_after_signing_in_again(
    holder_client: Client, holder: User, linked_member: Patient
) -> None:
    linked_member.email = "noah.old@example.com"
    linked_member.save()
    url = reverse("portal:profiles:email", args=[linked_member.pk])
    response = holder_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = holder_client.post(url, {"email": "Noah@Example.com"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    linked_member.refresh_from_db()
    assert linked_member.email == "noah.old@example.com"

    # Once the password is entered again, allauth carries the change out.
    response = holder_client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == _profile_url(linked_member)
    linked_member.refresh_from_db()
    assert linked_member.email == "noah@example.com"
    change = DemographicChange.objects.get(field=DemographicField.EMAIL)
    assert (change.old_value, change.new_value) == ("noah.old@example.com", "noah@example.com")
    notice = Email.objects.get(purpose="family_links:email_changed")
    assert notice.to == "noah.old@example.com"
    assert "n***h@example.com" in notice.body_text
    # Within the re-authentication window the form shows, and says when nothing would change.
    assert "New email on file" in holder_client.get(url).content.decode()
    html = holder_client.post(url, {"email": "noah@example.com"}).content.decode()
    assert "This is already the email on file." in html


# --- removing a record -------------------------------------------------------------------------


def test_the_holder_removes_a_members_record(
    holder_client: Client, holder: User, linked_member: Patient
) -> None:
    url = reverse("portal:profiles:remove", args=[linked_member.pk])
    assert "Remove Noah Bennett from your account?" in holder_client.get(url).content.decode()
    response = holder_client.post(url)
    assert response["Location"] == PROFILES
    grant = PortalGrant.objects.get(account=holder, patient=linked_member)
    assert (grant.revoked_at is not None, grant.revoked_by) == (True, holder)
    assert holder_client.get(_profile_url(linked_member)).status_code == 404
    event = AuditEvent.objects.get(action=AccessControlEvent.GRANT_REVOKED)
    assert (event.actor, event.patient) == (holder, linked_member)


def test_the_holder_cannot_remove_their_own_record(
    holder_client: Client, holder: User, patient: Patient
) -> None:
    response = holder_client.post(reverse("portal:profiles:remove", args=[patient.pk]))
    assert response["Location"] == _profile_url(patient)
    assert PortalGrant.objects.get(account=holder, patient=patient).revoked_at is None


def test_a_removed_record_is_gone_but_another_account_keeps_it(
    holder_client: Client, holder: User, linked_member: Patient
) -> None:
    other = UserFactory.create()
    PortalGrantFactory.create(account=other, patient=linked_member, relationship="parent")
    holder_client.post(reverse("portal:profiles:remove", args=[linked_member.pk]))
    client = Client()
    client.force_login(other)
    assert client.get(_profile_url(linked_member)).status_code == 200


# --- what the pages cost -----------------------------------------------------------------------


@pytest.fixture
def account_with_profiles(clinic: Clinic) -> Callable[[int], User]:
    def make(count: int) -> User:
        account = UserFactory.create()
        for index in range(count):
            patient = PatientFactory.create(clinic=clinic)
            EmergencyContact.objects.create(patient=patient, name=f"Contact {index}")
            PortalGrantFactory.create(
                account=account,
                patient=patient,
                relationship=Relationship.SELF if index == 0 else Relationship.PARENT,
            )
        return account

    return make


@pytest.mark.parametrize("records", [1, 10])
def test_the_profile_pages_cost_the_same_queries_for_one_record_or_ten(
    records: int,
    client: Client,
    account_with_profiles: Callable[[int], User],
    django_assert_num_queries: Any,
) -> None:
    account = account_with_profiles(records)
    client.force_login(account)
    first = account.portal_grants.order_by("pk").first().patient
    client.get(_profile_url(first))  # stamps the session and remembers the profile
    client.post(reverse("portal:profiles:switch"), {"profile": ""})
    # session, user, the blocked-own-record check, the grants with patients, clinics, contacts
    with django_assert_num_queries(4):
        response = client.get(PROFILES)
    assert response.content.decode().count("profile-card") == records
    client.get(_profile_url(first))
    with django_assert_num_queries(4):
        response = client.get(_profile_url(first))
    assert response.content.decode().count("<option value=") == records + 1
