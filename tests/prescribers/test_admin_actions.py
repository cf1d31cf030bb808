"""The actions on a prescriber profile's page, and the incoming prescription queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clinics.models import PractitionerClinic
from outbox.models import Email
from prescribers.models import (
    EPrescription,
    PractitionerInvitation,
    PrescriberProfile,
    PrescriptionStatus,
    ProfileStatus,
)
from prescribers.services.profiles import prescriber_link
from tests.prescribers.factories import (
    EPrescriptionFactory,
    PrescriberProfileFactory,
    patient_with_prescription,
)
from tests.prescribers.pages import action_url, change_url

# --- actions on a profile ---------------------------------------------------------------------


def test_disconnect_archive_and_undo_from_the_profile_page(
    pharmacy_client: Client,
    pharmacy_staff: User,
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
) -> None:
    prescriber_link(
        profile=southern_profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
    )
    page = pharmacy_client.get(change_url(southern_profile)).content.decode()
    assert action_url(southern_profile, "disconnect") in page
    assert action_url(southern_profile, "archive") in page

    confirm = pharmacy_client.get(action_url(southern_profile, "disconnect"))
    assert confirm.status_code == 200
    assert b"Removes the link" in confirm.content
    done = pharmacy_client.post(action_url(southern_profile, "disconnect"), {"reason": "wrong"})
    assert done.status_code == 302
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None

    pharmacy_client.post(action_url(southern_profile, "reconnect"), {})
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic == joe_at_southern

    pharmacy_client.post(action_url(southern_profile, "archive"), {"reason": "dup"})
    southern_profile.refresh_from_db()
    assert southern_profile.status == ProfileStatus.ARCHIVED
    archived_page = pharmacy_client.get(change_url(southern_profile)).content.decode()
    assert "Archived" in archived_page
    assert action_url(southern_profile, "restore") in archived_page

    pharmacy_client.post(action_url(southern_profile, "restore"), {})
    southern_profile.refresh_from_db()
    assert southern_profile.status == ProfileStatus.ACTIVE


def test_an_action_that_does_not_apply_changes_nothing(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    response = pharmacy_client.post(action_url(southern_profile, "disconnect"), {})
    assert response.status_code == 302
    assert pharmacy_client.get(action_url(southern_profile, "no-such-thing")).status_code == 404


def test_merge_into_from_the_profile_page(
    pharmacy_client: Client, joe: User, joe_at_southern: PractitionerClinic
) -> None:
    keep = PrescriberProfileFactory(first_name="Joe", last_name="Smith", clinic_name="Joy")
    duplicate = PrescriberProfileFactory(first_name="Joe", last_name="Smith", npi=keep.npi)
    patient = patient_with_prescription(profile=duplicate)

    page = pharmacy_client.get(action_url(duplicate, "merge"))
    keep_field = page.context["form"].fields["keep"]
    assert keep_field.choices[1] == ("Likely duplicates", [(keep.pk, f"{keep} (#{keep.pk})")])

    done = pharmacy_client.post(action_url(duplicate, "merge"), {"keep": keep.pk})

    assert done.status_code == 302
    assert list(keep.patients.all()) == [patient]
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert b"merged into" in pharmacy_client.get(change_url(duplicate)).content


def test_merge_needs_a_profile_to_keep(pharmacy_client: Client, db: None) -> None:
    duplicate = PrescriberProfileFactory()
    response = pharmacy_client.post(action_url(duplicate, "merge"), {"keep": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    duplicate.refresh_from_db()
    assert duplicate.is_active


def test_an_automatically_created_profile_shows_its_likely_duplicates(
    pharmacy_client: Client, southern_profile: PrescriberProfile, joe: User
) -> None:
    created = PrescriberProfileFactory(
        first_name="Joe",
        last_name="Smith",
        npi=joe.practitioner.npi,
        clinic_name="Southern Clinic of Joy",
        created_automatically=True,
        needs_review=True,
    )
    page = pharmacy_client.get(change_url(created)).content.decode()
    assert "Awaiting pharmacy review" in page
    assert change_url(southern_profile) in page

    pharmacy_client.post(action_url(created, "reviewed"), {})
    created.refresh_from_db()
    assert not created.needs_review


def test_invite_to_the_portal_sends_one_email(pharmacy_client: Client, db: None) -> None:
    profile = PrescriberProfileFactory()
    response = pharmacy_client.post(action_url(profile, "invite"), {"email": "Joe.New@Example.com"})
    assert response.status_code == 302
    invitation = PractitionerInvitation.objects.get()
    assert invitation.email == "joe.new@example.com"
    assert Email.objects.filter(to="joe.new@example.com").count() == 1


def test_invite_refuses_an_email_that_has_an_account(
    pharmacy_client: Client, outsider: User
) -> None:
    profile = PrescriberProfileFactory()
    response = pharmacy_client.post(action_url(profile, "invite"), {"email": outsider.email})
    assert response.status_code == 200
    assert b"already has a portal account" in response.content
    assert not PractitionerInvitation.objects.exists()


def test_invite_refuses_a_prescriber_who_already_has_an_account(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    """Joe Smith already has a portal account: his profile is linked, not invited."""
    response = pharmacy_client.post(
        action_url(southern_profile, "invite"), {"email": "another@example.com"}
    )
    assert response.status_code == 200
    assert b"already has a portal account" in response.content
    assert not PractitionerInvitation.objects.exists()


# --- the incoming queue -----------------------------------------------------------------------


def test_the_queue_filters_by_profile_and_status_and_moves_prescriptions(
    pharmacy_client: Client, southern_profile: PrescriberProfile
) -> None:
    mine = EPrescriptionFactory(profile=southern_profile)
    EPrescriptionFactory()
    url = reverse("admin:prescribers_eprescription_changelist")

    by_profile = pharmacy_client.get(url, {"profile__id__exact": southern_profile.pk})
    assert list(by_profile.context["cl"].result_list) == [mine]
    by_status = pharmacy_client.get(url, {"status__exact": "filled"})
    assert list(by_status.context["cl"].result_list) == []

    response = pharmacy_client.post(
        url, {"action": "mark_in_review", "_selected_action": [mine.pk]}, follow=True
    )
    assert b"1 marked" in response.content
    mine.refresh_from_db()
    assert mine.status == PrescriptionStatus.IN_REVIEW
    assert (
        pharmacy_client.get(
            reverse("admin:prescribers_eprescription_change", args=[mine.pk])
        ).status_code
        == 200
    )


def test_the_queue_says_which_prescriptions_could_not_move(
    pharmacy_client: Client, db: None
) -> None:
    prescription = EPrescriptionFactory()
    url = reverse("admin:prescribers_eprescription_changelist")
    response = pharmacy_client.post(
        url, {"action": "mark_shipped", "_selected_action": [prescription.pk]}, follow=True
    )
    assert b"left as they were" in response.content
    prescription.refresh_from_db()
    assert prescription.status == PrescriptionStatus.RECEIVED
    assert EPrescription.objects.count() == 1


@pytest.mark.parametrize("prescriptions", [1, 30])
def test_the_queue_query_count_does_not_grow_with_prescriptions(
    pharmacy_client: Client, django_assert_num_queries: Any, prescriptions: int
) -> None:
    profile = PrescriberProfileFactory()
    EPrescriptionFactory.create_batch(prescriptions, profile=profile)
    with django_assert_num_queries(11):
        response = pharmacy_client.get(reverse("admin:prescribers_eprescription_changelist"))
    assert len(response.context["cl"].result_list) == prescriptions
