"""The pharmacy section of the staff admin: profiles, linking with Update, actions, the queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clinics.models import PractitionerClinic
from prescribers.events import PrescriberEvent
from prescribers.models import (
    PrescriberProfile,
    ProfileStatus,
)
from prescribers.services.profiles import prescriber_archive, prescriber_link
from tests.prescribers.factories import (
    PrescriberProfileFactory,
)
from tests.prescribers.pages import action_url, change_url

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "credential_suffix",
    "npi",
    "dea_number",
    "description",
    "clinic_name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "clinic_phone",
    "clinic_fax",
)


def _update(client: Client, profile: PrescriberProfile, **fields: Any) -> Any:
    """Submits the profile's page as it stands, with `fields` changed, by clicking Update."""
    data: dict[str, Any] = {name: getattr(profile, name) for name in PROFILE_FIELDS}
    data.update(
        {
            "licences-TOTAL_FORMS": "0",
            "licences-INITIAL_FORMS": "0",
            "licences-MIN_NUM_FORMS": "0",
            "licences-MAX_NUM_FORMS": "1000",
            "_continue": "Update",
        }
    )
    data.update(fields)
    return client.post(change_url(profile), data)


# --- who sees the pharmacy section -------------------------------------------------------------


def test_pharmacy_staff_see_the_pharmacy_section(pharmacy_client: Client) -> None:
    index = pharmacy_client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"Pharmacy" in index.content
    assert b"Prescriber profiles" in index.content
    assert b"Incoming e-prescriptions" in index.content
    assert b"Clinic records" not in index.content


def test_clinic_staff_never_see_the_pharmacy_models(
    clinic_staff: User, southern_profile: PrescriberProfile
) -> None:
    client = Client()
    client.force_login(clinic_staff)
    assert b"Prescriber profiles" not in client.get(reverse("admin:index")).content
    urls = [
        reverse("admin:prescribers_prescriberprofile_changelist"),
        change_url(southern_profile),
        action_url(southern_profile, "archive"),
        reverse("admin:prescribers_prescriberprofile_portal_accounts") + "?q=Joe",
        reverse("admin:prescribers_eprescription_changelist"),
        reverse("admin:prescribers_pharmacypatient_changelist"),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(action_url(southern_profile, "archive")).status_code == 403
    southern_profile.refresh_from_db()
    assert southern_profile.is_active


def test_a_practitioner_or_patient_account_cannot_reach_the_admin(
    joe_client: Client, southern_profile: PrescriberProfile
) -> None:
    response = joe_client.get(change_url(southern_profile))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_superusers_see_the_pharmacy_section(superuser: User) -> None:
    client = Client()
    client.force_login(superuser)
    assert b"Prescriber profiles" in client.get(reverse("admin:index")).content


# --- the list ----------------------------------------------------------------------------------


def test_the_list_hides_archived_profiles_by_default(pharmacy_client: Client) -> None:
    active = PrescriberProfileFactory(last_name="Activeson")
    archived = PrescriberProfileFactory(last_name="Archiveson")
    prescriber_archive(profile=archived, actor=None)
    url = reverse("admin:prescribers_prescriberprofile_changelist")

    default = pharmacy_client.get(url)
    assert list(default.context["cl"].result_list) == [active]
    archived_only = pharmacy_client.get(url, {"status": "archived"})
    assert list(archived_only.context["cl"].result_list) == [archived]
    everything = pharmacy_client.get(url, {"status": "all"})
    assert set(everything.context["cl"].result_list) == {active, archived}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Joe Smith"}, "southern"),
        ({"q": "Southern Clinic"}, "southern"),
        ({"linked": "yes"}, "linked"),
        ({"linked": "no"}, "southern"),
        ({"created_automatically__exact": "1"}, "linked"),
    ],
)
def test_the_list_searches_and_filters(
    pharmacy_client: Client,
    joe: User,
    joe_at_happy: PractitionerClinic,
    southern_profile: PrescriberProfile,
    query: dict[str, str],
    expected: str,
) -> None:
    linked = PrescriberProfileFactory(
        first_name="Ann", last_name="Lee", created_automatically=True, npi=joe.practitioner.npi
    )
    prescriber_link(profile=linked, account=joe, practitioner_clinic=joe_at_happy, actor=None)
    response = pharmacy_client.get(reverse("admin:prescribers_prescriberprofile_changelist"), query)
    wanted = {"southern": southern_profile, "linked": linked}[expected]
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_list_is_found_by_npi(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    PrescriberProfileFactory()
    response = pharmacy_client.get(
        reverse("admin:prescribers_prescriberprofile_changelist"), {"q": southern_profile.npi}
    )
    assert list(response.context["cl"].result_list) == [southern_profile]


@pytest.mark.parametrize("profiles", [1, 30])
def test_the_list_query_count_does_not_grow_with_profiles(
    pharmacy_client: Client,
    joe: User,
    joe_at_happy: PractitionerClinic,
    django_assert_num_queries: Any,
    profiles: int,
) -> None:
    linked = PrescriberProfileFactory(npi=joe.practitioner.npi)
    prescriber_link(profile=linked, account=joe, practitioner_clinic=joe_at_happy, actor=None)
    PrescriberProfileFactory.create_batch(profiles)
    with django_assert_num_queries(8):
        response = pharmacy_client.get(reverse("admin:prescribers_prescriberprofile_changelist"))
    assert response.status_code == 200


# --- linking a portal account with Update ----------------------------------------------------


def test_the_profile_page_offers_the_portal_account_link(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    response = pharmacy_client.get(change_url(southern_profile))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Portal account" in content
    assert 'id="portal-account-search"' in content
    assert 'name="link_clinic"' in content
    assert 'value="Update"' in content
    assert "prescribers/portal-account-link.js" in content
    assert "Not linked" in content


def test_update_links_the_profile_to_the_account_and_clinic(
    pharmacy_client: Client,
    pharmacy_staff: User,
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    response = _update(
        pharmacy_client,
        southern_profile,
        portal_account=joe.pk,
        link_clinic=joe_at_southern.pk,
        link_reason="Joe works here now",
    )

    assert response.status_code == 302
    assert response["Location"] == change_url(southern_profile)
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic == joe_at_southern
    assert southern_profile.linked_by == pharmacy_staff
    page = pharmacy_client.get(change_url(southern_profile)).content.decode()
    assert "Linked to" in page
    assert PrescriberEvent.PROFILE_LINKED.label in page
    assert "Joe works here now" in page


def test_update_refuses_a_clinic_of_another_account(
    pharmacy_client: Client,
    joe: User,
    southern_profile: PrescriberProfile,
    other_practitioner: User,
) -> None:
    someone_elses = other_practitioner.practitioner.clinic_links.get()

    response = _update(
        pharmacy_client, southern_profile, portal_account=joe.pk, link_clinic=someone_elses.pk
    )

    assert response.status_code == 200
    assert "not one of the selected portal account" in response.content.decode()
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None


def test_the_clinic_choices_are_only_the_selected_accounts_clinics(
    pharmacy_client: Client,
    joe: User,
    joe_at_happy: PractitionerClinic,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
    other_practitioner: User,
) -> None:
    response = _update(pharmacy_client, southern_profile, portal_account=joe.pk, link_clinic="")
    choices = [
        value for value, _ in response.context["adminform"].form["link_clinic"].field.widget.choices
    ]
    assert choices == ["", joe_at_happy.pk, joe_at_southern.pk]
    assert "Select one of the account" in response.content.decode()


def test_update_names_the_profile_holding_the_pair_and_moves_it_only_when_asked(
    pharmacy_client: Client,
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    newer = PrescriberProfileFactory(npi=joe.practitioner.npi, clinic_name="Southern Clinic of Joy")
    prescriber_link(profile=newer, account=joe, practitioner_clinic=joe_at_southern, actor=None)

    refused = _update(
        pharmacy_client, southern_profile, portal_account=joe.pk, link_clinic=joe_at_southern.pk
    )
    content = refused.content.decode()
    assert refused.status_code == 200
    assert "already linked to the active prescriber profile" in content
    assert change_url(newer) in content
    assert 'name="move_link"' in content
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None

    moved = _update(
        pharmacy_client,
        southern_profile,
        portal_account=joe.pk,
        link_clinic=joe_at_southern.pk,
        move_link="on",
    )
    assert moved.status_code == 302
    southern_profile.refresh_from_db()
    newer.refresh_from_db()
    assert southern_profile.practitioner_clinic == joe_at_southern
    assert newer.practitioner_clinic is None


def test_update_warns_about_a_different_npi_and_needs_confirmation(
    pharmacy_client: Client, joe: User, joe_at_southern: PractitionerClinic
) -> None:
    profile = PrescriberProfileFactory(first_name="Joe", last_name="Smith")

    warned = _update(
        pharmacy_client, profile, portal_account=joe.pk, link_clinic=joe_at_southern.pk
    )
    content = warned.content.decode()
    assert warned.status_code == 200
    assert "differs from the portal account" in content
    assert 'name="confirm_npi_mismatch"' in content
    profile.refresh_from_db()
    assert profile.practitioner_clinic is None

    confirmed = _update(
        pharmacy_client,
        profile,
        portal_account=joe.pk,
        link_clinic=joe_at_southern.pk,
        confirm_npi_mismatch="on",
    )
    assert confirmed.status_code == 302
    profile.refresh_from_db()
    assert profile.practitioner_clinic == joe_at_southern


def test_update_saves_details_and_refuses_bad_npi_and_dea(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    bad = _update(pharmacy_client, southern_profile, npi="1234567890", dea_number="AB1234567")
    content = bad.content.decode()
    assert bad.status_code == 200
    assert "check digit is wrong" in content
    assert "DEA number" in content

    good = _update(
        pharmacy_client, southern_profile, dea_number="ab1234563", description="Back office"
    )
    assert good.status_code == 302
    southern_profile.refresh_from_db()
    assert southern_profile.dea_number == "AB1234563"
    assert southern_profile.description == "Back office"


def test_clearing_the_account_disconnects(
    pharmacy_client: Client,
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    prescriber_link(
        profile=southern_profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
    )
    page = pharmacy_client.get(change_url(southern_profile))
    form = page.context["adminform"].form
    assert form.initial["portal_account"] == joe.pk
    assert form.initial["link_clinic"] == joe_at_southern.pk

    _update(pharmacy_client, southern_profile, portal_account="", link_clinic="")

    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None


def test_a_new_profile_can_be_added_with_a_licence(pharmacy_client: Client) -> None:
    response = pharmacy_client.post(
        reverse("admin:prescribers_prescriberprofile_add"),
        {
            "first_name": "Ada",
            "last_name": "Byron",
            "npi": "1234567893",
            "clinic_name": "Byron Clinic",
            "licences-TOTAL_FORMS": "1",
            "licences-INITIAL_FORMS": "0",
            "licences-MIN_NUM_FORMS": "0",
            "licences-MAX_NUM_FORMS": "1000",
            "licences-0-state": "AZ",
            "licences-0-number": "MD-9",
            "licences-0-expires_on": "2031-12-31",
            "_continue": "Save",
        },
    )
    assert response.status_code == 302
    profile = PrescriberProfile.objects.get(last_name="Byron")
    assert profile.licences.get().number == "MD-9"
    assert profile.status == ProfileStatus.ACTIVE


# --- the portal account search ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["joe smi", "joe.smith@", "npi"])
def test_the_account_search_finds_by_name_email_or_npi_with_the_clinics(
    pharmacy_client: Client,
    joe: User,
    joe_at_happy: PractitionerClinic,
    joe_at_southern: PractitionerClinic,
    other_practitioner: User,
    query: str,
) -> None:
    text = joe.practitioner.npi if query == "npi" else query
    response = pharmacy_client.get(
        reverse("admin:prescribers_prescriberprofile_portal_accounts"), {"q": text}
    )
    (result,) = response.json()["results"]
    assert result["id"] == joe.pk
    assert "Joe Smith" in result["label"]
    assert [clinic["id"] for clinic in result["clinics"]] == [joe_at_happy.pk, joe_at_southern.pk]


def test_the_account_search_skips_accounts_that_are_not_practitioners(
    pharmacy_client: Client, outsider: User, clinic_staff: User
) -> None:
    response = pharmacy_client.get(
        reverse("admin:prescribers_prescriberprofile_portal_accounts"), {"q": "example"}
    )
    assert response.json() == {"results": []}
