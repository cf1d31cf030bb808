"""Inviting a practitioner from a prescriber profile: one email, a 3-day single-use link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_digest
from clinics.models import Practitioner, PractitionerClinic
from outbox.models import Email, EmailStatus
from prescribers.errors import InvitationUnusable, PrescriberError
from prescribers.models import PractitionerInvitation, PrescriberProfile
from prescribers.policy import prescription_patients_for
from prescribers.services.invitations import (
    practitioner_invitation_accept,
    practitioner_invitation_send,
)
from prescribers.services.profiles import prescriber_archive
from tests.factories import ClinicFactory, PractitionerFactory
from tests.outbox.helpers import email_live_text
from tests.prescribers.factories import PrescriberProfileFactory, patient_with_prescription

PASSWORD = "Sunny-Prescriber-2031"


@pytest.fixture
def profile(db: None) -> PrescriberProfile:
    return PrescriberProfileFactory(
        first_name="Dana",
        last_name="Reyes",
        credential_suffix="NP",
        clinic_name="Desert Bloom Clinic",
        address_line1="5 Cactus Way",
        city="Mesa",
        clinic_phone="(555) 080-1000",
    )


def _raw_token(email: Email) -> str:
    match = re.search(r"/practitioner/invitations/([\w-]+)/", email_live_text(email))
    assert match is not None
    return match.group(1)


def _invite(profile: PrescriberProfile, pharmacy_staff: User | None = None) -> str:
    invitation = practitioner_invitation_send(
        profile=profile, email="dana.reyes@example.com", actor=pharmacy_staff
    )
    assert invitation.message is not None
    return _raw_token(invitation.message)


def test_the_invitation_is_one_email_with_a_3_day_link_and_only_its_hash_is_stored(
    profile: PrescriberProfile, pharmacy_staff: User
) -> None:
    raw = _invite(profile, pharmacy_staff)

    invitation = PractitionerInvitation.objects.get()
    email = Email.objects.get()
    assert email.to == "dana.reyes@example.com"
    assert email.purpose == "prescribers:practitioner_invitation"
    assert len(raw) >= 43
    assert invitation.digest == token_digest(raw)
    assert raw not in invitation.digest
    remaining = invitation.expires_at - timezone.now()
    assert timedelta(days=2, hours=23) < remaining <= timedelta(days=3)


def test_accepting_creates_the_account_with_the_clinic_already_linked_and_signs_it_in(
    client: Client, profile: PrescriberProfile
) -> None:
    patient = patient_with_prescription(profile=profile)
    raw = _invite(profile)
    url = reverse("practitioner:invitation_accept", args=[raw])

    page = client.get(url)
    assert page.status_code == 200
    assert b"Desert Bloom Clinic" in page.content
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("practitioner:home")
    user = User.objects.get(email="dana.reyes@example.com")
    assert user.check_password(PASSWORD)
    # The one rule for invitations: the account just created with its new password is signed in.
    assert client.session["_auth_user_id"] == str(user.pk)
    practitioner = Practitioner.objects.get(user=user)
    assert (practitioner.first_name, practitioner.npi) == ("Dana", profile.npi)
    profile.refresh_from_db()
    pair = profile.practitioner_clinic
    assert pair is not None
    assert pair.practitioner == practitioner
    assert pair.clinic.name == "Desert Bloom Clinic"
    assert pair.clinic.address_line1 == "5 Cactus Way"
    assert list(prescription_patients_for(user=user)) == [patient]
    invitation = PractitionerInvitation.objects.get()
    assert invitation.used_at is not None
    assert invitation.used_by == user


def test_a_practitioner_the_clinics_know_gets_the_account_and_keeps_their_clinic(
    profile: PrescriberProfile,
) -> None:
    clinic = ClinicFactory(name="desert bloom clinic")
    known = PractitionerFactory(npi=profile.npi, email="Dana.Reyes@example.com", clinics=[clinic])
    raw = _invite(profile)

    user = practitioner_invitation_accept(raw_token=raw, password=PASSWORD)

    known.refresh_from_db()
    assert known.user == user
    profile.refresh_from_db()
    assert profile.practitioner_clinic == PractitionerClinic.objects.get(
        practitioner=known, clinic=clinic
    )


def test_a_known_npi_under_another_email_does_not_hand_over_that_practitioner(
    profile: PrescriberProfile,
) -> None:
    known = PractitionerFactory(
        npi=profile.npi, email="the.real.dana@example.com", clinics=[ClinicFactory()]
    )
    raw = _invite(profile)

    with pytest.raises(PrescriberError, match="another email address"):
        practitioner_invitation_accept(raw_token=raw, password=PASSWORD)

    known.refresh_from_db()
    assert known.user is None
    assert not User.objects.filter(email="dana.reyes@example.com").exists()


def test_a_get_never_uses_the_invitation(client: Client, profile: PrescriberProfile) -> None:
    raw = _invite(profile)
    url = reverse("practitioner:invitation_accept", args=[raw])
    for _ in range(3):
        assert client.get(url).status_code == 200
    assert PractitionerInvitation.objects.get().used_at is None
    assert not User.objects.filter(email="dana.reyes@example.com").exists()


def test_the_link_works_once(client: Client, profile: PrescriberProfile) -> None:
    raw = _invite(profile)
    practitioner_invitation_accept(raw_token=raw, password=PASSWORD)

    with pytest.raises(InvitationUnusable):
        practitioner_invitation_accept(raw_token=raw, password=PASSWORD)
    response = client.get(reverse("practitioner:invitation_accept", args=[raw]))
    assert response.status_code == 410
    assert b"can no longer be used" in response.content
    assert User.objects.filter(email="dana.reyes@example.com").count() == 1


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_expired_revoked_and_unknown_links_show_the_same_friendly_page(
    client: Client, profile: PrescriberProfile, state: str
) -> None:
    raw = _invite(profile)
    invitations = PractitionerInvitation.objects.all()
    if state == "expired":
        invitations.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        invitations.update(revoked_at=timezone.now())
    else:
        raw = "x" * 43
    url = reverse("practitioner:invitation_accept", args=[raw])

    for response in (
        client.get(url),
        client.post(url, {"password1": PASSWORD, "password2": PASSWORD}),
    ):
        assert response.status_code == 410
        assert b"can no longer be used" in response.content
        assert b"ask the pharmacy to send you a new invitation" in response.content
    assert not User.objects.filter(email="dana.reyes@example.com").exists()


def test_a_newer_invitation_supersedes_the_older_one(profile: PrescriberProfile) -> None:
    older = _invite(profile)
    newer = _invite(profile)

    with pytest.raises(InvitationUnusable):
        practitioner_invitation_accept(raw_token=older, password=PASSWORD)
    first_email = Email.objects.order_by("pk").first()
    assert first_email is not None
    assert first_email.status == EmailStatus.CANCELLED
    assert practitioner_invitation_accept(raw_token=newer, password=PASSWORD)


def test_a_weak_or_mismatched_password_changes_nothing(
    client: Client, profile: PrescriberProfile
) -> None:
    raw = _invite(profile)
    url = reverse("practitioner:invitation_accept", args=[raw])

    weak = client.post(url, {"password1": "password", "password2": "password"})
    differ = client.post(url, {"password1": PASSWORD, "password2": PASSWORD + "x"})

    assert "password1" in weak.context["form"].errors
    assert "password2" in differ.context["form"].errors
    assert PractitionerInvitation.objects.get().used_at is None
    assert not User.objects.filter(email="dana.reyes@example.com").exists()


def test_accepting_is_refused_if_the_profile_changed_meanwhile(
    client: Client, profile: PrescriberProfile
) -> None:
    raw = _invite(profile)
    prescriber_archive(profile=profile, actor=None)
    url = reverse("practitioner:invitation_accept", args=[raw])

    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})

    assert response.status_code == 200
    assert b"ask them for a new invitation" in response.content
    assert PractitionerInvitation.objects.get().used_at is None
    assert not User.objects.filter(email="dana.reyes@example.com").exists()


@pytest.mark.parametrize("problem", ["archived", "linked"])
def test_an_archived_or_linked_profile_is_not_invited(
    profile: PrescriberProfile, joe: User, joe_at_happy: PractitionerClinic, problem: str
) -> None:
    if problem == "archived":
        prescriber_archive(profile=profile, actor=None)
    else:
        PrescriberProfile.objects.filter(pk=profile.pk).update(practitioner_clinic=joe_at_happy)
    with pytest.raises(PrescriberError):
        practitioner_invitation_send(profile=profile, email="dana@example.com", actor=None)
    assert not Email.objects.exists()
