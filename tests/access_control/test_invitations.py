"""Sending, resending, revoking and accepting portal invitations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import (
    GrantScope,
    GrantSource,
    PatientPortalSettings,
    PortalGrant,
    PortalInvitation,
    Relationship,
)
from access_control.services import (
    InvitationNotValid,
    PortalAccessError,
    invitation_accept_new_account,
    invitation_revoke,
    invitation_send,
    patient_block,
)
from accounts.models import User
from accounts.tokens import TokenRevokeReason, TokenStatus, token_digest
from audit.models import AuditEvent
from clinics.models import Clinic, Patient
from clinics.services import patient_save
from outbox.models import Email, EmailStatus
from tests.access_control.factories import PortalGrantFactory, PortalInvitationFactory
from tests.conftest import Clock
from tests.factories import PASSWORD, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-Meadow-Lantern-7"


def _url(token: str) -> str:
    return reverse("access_control:invitation_accept", kwargs={"token": token})


# --- sending ----------------------------------------------------------------------------------


def test_it_stores_only_the_digest_of_the_token(clinic_staff: User, patient: Patient) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    invitation = PortalInvitation.objects.get()
    assert invitation.digest == token_digest(sent.token)
    assert sent.token not in invitation.digest
    assert not PortalInvitation.objects.filter(digest=sent.token).exists()
    assert len(sent.token) >= 43  # secrets.token_urlsafe(32)


def test_it_is_valid_for_three_days_and_the_email_says_until_when(
    clinic_staff: User,
    patient: Patient,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        sent = invitation_send(patient=patient, actor=clinic_staff)
    invitation = sent.invitation
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    email = Email.objects.get(purpose="portal_invitation")
    assert email.patient == patient
    assert email.to == patient.email
    assert email.status == EmailStatus.SENT
    assert invitation.email_message == email
    assert sent.token not in email.body_text  # kept sealed; the sent mail carries it
    assert f"https://portal.example.org/invite/{sent.token}/" in mail.outbox[0].body
    local = invitation.expires_at.astimezone(ZoneInfo("America/Chicago"))  # the clinic's zone
    hour = local.hour % 12 or 12
    expected = f"{local:%A, %B} {local.day}, {local.year} at {hour}:{local:%M %p} {local.tzname()}"
    assert f"expires on {expected}" in email.body_text
    assert mail.outbox[0].to == [patient.email]


def test_the_validity_comes_from_the_setting(
    clinic_staff: User, patient: Patient, settings: Any
) -> None:
    settings.PORTAL_INVITATION_TTL = timedelta(days=1)
    invitation = invitation_send(patient=patient, actor=clinic_staff).invitation
    assert invitation.expires_at - invitation.created_at == timedelta(days=1)


def test_three_days_across_the_clock_change_end_at_the_same_instant_not_the_same_wall_time(
    clock: Clock,
    client: Client,
    clinic_staff: User,
    patient: Patient,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Sent at noon in New York on the Friday before the clocks go back: valid for 72 hours, so
    until 11 AM EST on Monday, which the email and the invitation page both show."""
    patient.clinic.time_zone = "America/New_York"
    patient.clinic.save(update_fields=["time_zone"])
    clock.move_to(datetime(2026, 10, 30, 16, 0, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        sent = invitation_send(patient=patient, actor=clinic_staff)
    assert sent.invitation.expires_at - clock.now == timedelta(hours=72)
    assert sent.invitation.expires_at == datetime(2026, 11, 2, 16, 0, tzinfo=UTC)
    email = Email.objects.get(purpose="portal_invitation")
    assert "expires on Monday, November 2, 2026 at 11:00 AM EST" in email.body_text
    page = client.get(_url(sent.token))
    assert "valid until November 2, 2026, 11:00 AM EST" in page.content.decode()


def test_a_patient_without_email_gets_a_clear_error_and_nothing_is_written(
    clinic_staff: User, clinic: Clinic
) -> None:
    no_email = PatientFactory.create(clinic=clinic, email="")
    with pytest.raises(PortalAccessError, match="no email address"):
        invitation_send(patient=no_email, actor=clinic_staff)
    assert not PortalInvitation.objects.exists()
    assert not Email.objects.exists()
    assert not AuditEvent.objects.filter(action=AccessControlEvent.INVITATION_SENT).exists()


def test_a_blocked_patient_cannot_be_invited(clinic_staff: User, patient: Patient) -> None:
    patient_block(patient=patient, actor=clinic_staff)
    with pytest.raises(PortalAccessError, match="blocked"):
        invitation_send(patient=patient, actor=clinic_staff)
    assert not PortalInvitation.objects.exists()


def test_resend_supersedes_the_previous_link_and_cancels_its_unsent_mail(
    clinic_staff: User, patient: Patient
) -> None:
    first = invitation_send(patient=patient, actor=clinic_staff)  # its mail stays queued
    second = invitation_send(patient=patient, actor=clinic_staff)
    first.invitation.refresh_from_db()
    assert first.invitation.status == TokenStatus.SUPERSEDED
    assert first.invitation.revoke_reason == TokenRevokeReason.SUPERSEDED
    assert first.invitation.superseded_by == second.invitation
    assert second.invitation.status == TokenStatus.PENDING
    assert Email.objects.get(pk=first.invitation.email_message_id).status == EmailStatus.CANCELLED
    assert Email.objects.get(pk=second.invitation.email_message_id).status == EmailStatus.QUEUED
    event = AuditEvent.objects.filter(action=AccessControlEvent.INVITATION_SENT).first()
    assert event is not None
    assert event.details["superseded"] == [first.invitation.pk]


def test_revoke_kills_the_link_and_cancels_its_unsent_mail(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    invitation_revoke(invitation=sent.invitation, actor=clinic_staff)
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == TokenStatus.REVOKED
    assert Email.objects.get().status == EmailStatus.CANCELLED
    assert client.get(_url(sent.token)).status_code == 410
    with pytest.raises(PortalAccessError, match="no longer pending"):
        invitation_revoke(invitation=sent.invitation, actor=clinic_staff)


def test_changing_the_patients_email_revokes_the_pending_invitation(
    clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    patient.email = "new.address@example.com"
    patient_save(patient=patient, actor=clinic_staff, changed_fields=["email"])
    sent.invitation.refresh_from_db()
    assert sent.invitation.revoke_reason == TokenRevokeReason.EMAIL_CHANGED
    assert sent.invitation.revoked_by == clinic_staff
    assert Email.objects.get().status == EmailStatus.CANCELLED
    event = AuditEvent.objects.get(action=AccessControlEvent.INVITATION_REVOKED)
    assert event.details == {"reason": "email_changed", "invitations": [sent.invitation.pk]}
    assert event.actor == clinic_staff


def test_saving_the_patient_without_changing_the_email_keeps_the_invitation(
    clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    patient.phone = "(201) 555-0123"
    patient.email = patient.email.upper()  # the same address, typed differently
    patient_save(patient=patient, actor=clinic_staff, changed_fields=["phone", "email"])
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == TokenStatus.PENDING


# --- opening the link -------------------------------------------------------------------------


def test_opening_the_link_never_uses_it_up(client: Client, patient: Patient) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    for _ in range(3):
        response = client.get(_url("tok"))
        assert response.status_code == 200
        assert b"Create your password" in response.content
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.PENDING


def test_accepting_creates_the_account_gives_access_and_signs_in(
    client: Client, patient: Patient
) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    response = client.post(_url("tok"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    account = User.objects.get(email=patient.email)
    assert account.username == patient.email
    assert account.check_password(NEW_PASSWORD)
    assert not account.must_change_password
    grant = PortalGrant.objects.get()
    assert (grant.account, grant.patient) == (account, patient)
    assert (grant.relationship, grant.scope, grant.source) == (
        Relationship.SELF,
        GrantScope.FULL,
        GrantSource.INVITATION,
    )
    assert client.session["_auth_user_id"] == str(account.pk)
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.USED
    assert invitation.used_by == account
    event = AuditEvent.objects.get(action=AccessControlEvent.INVITATION_ACCEPTED)
    assert event.patient == patient
    assert event.actor == account
    home = client.get(reverse("portal:home"))
    assert patient.display_name in home.content.decode()


def test_a_link_works_only_once(client: Client, patient: Patient) -> None:
    PortalInvitationFactory.create(patient=patient, token="tok")
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post(_url("tok"), data)
    other = Client()
    assert other.get(_url("tok")).status_code == 410
    assert other.post(_url("tok"), data).status_code == 410
    assert User.objects.count() == 1


def test_a_weak_password_is_refused_with_a_message_and_uses_nothing(
    client: Client, patient: Patient
) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    response = client.post(_url("tok"), {"password1": "12345", "password2": "12345"})
    assert response.status_code == 200
    assert b"too short" in response.content
    response = client.post(_url("tok"), {"password1": NEW_PASSWORD, "password2": "different-1"})
    assert b"not the same" in response.content
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.PENDING
    assert not User.objects.exists()


def test_an_invitation_is_valid_one_second_before_it_expires(
    clock: Clock, patient: Patient
) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    clock.move_to(invitation.expires_at - timedelta(seconds=1))
    grant = invitation_accept_new_account(token="tok", password=NEW_PASSWORD)
    assert grant.patient == patient


def test_an_invitation_is_refused_one_second_after_it_expires(
    clock: Clock, client: Client, patient: Patient
) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    clock.move_to(invitation.expires_at + timedelta(seconds=1))
    with pytest.raises(InvitationNotValid):
        invitation_accept_new_account(token="tok", password=NEW_PASSWORD)
    assert client.get(_url("tok")).status_code == 410
    assert not User.objects.exists()


def _expired(invitation: PortalInvitation) -> None:
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save(update_fields=["expires_at"])


def _used(invitation: PortalInvitation) -> None:
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])


def _revoked(invitation: PortalInvitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.revoke_reason = TokenRevokeReason.STAFF
    invitation.save(update_fields=["revoked_at", "revoke_reason"])


def _superseded(invitation: PortalInvitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.revoke_reason = TokenRevokeReason.SUPERSEDED
    invitation.save(update_fields=["revoked_at", "revoke_reason"])


def _patient_blocked(invitation: PortalInvitation) -> None:
    PatientPortalSettings.objects.filter(patient=invitation.patient).update(blocked=True)


@pytest.mark.parametrize(
    "spoil", [_expired, _used, _revoked, _superseded, _patient_blocked], ids=lambda f: f.__name__
)
def test_every_dead_link_shows_the_same_helpful_page(
    spoil: Callable[[PortalInvitation], None], client: Client, patient: Patient
) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    spoil(invitation)
    for response in (
        client.get(_url("tok")),
        client.post(_url("tok"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    ):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This link is no longer valid" in page
        assert "Northside Family Clinic" in page
        assert "(555) 010-2000" in page
    assert not User.objects.exists()
    assert not PortalGrant.objects.exists()


def test_an_unknown_token_shows_the_same_page(client: Client) -> None:
    response = client.get(_url("no-such-token"))
    assert response.status_code == 410
    assert b"This link is no longer valid" in response.content


def test_a_blocked_patients_invitation_does_not_work(clinic_staff: User, patient: Patient) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    patient_block(patient=patient, actor=clinic_staff)
    with pytest.raises(InvitationNotValid):
        invitation_accept_new_account(token=sent.token, password=NEW_PASSWORD)


# --- an account with this email already exists --------------------------------------------------


def test_an_existing_account_is_asked_to_sign_in(client: Client, patient: Patient) -> None:
    UserFactory.create(email=patient.email)
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    for response in (
        client.get(_url("tok")),
        client.post(_url("tok"), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    ):
        assert response.status_code == 200
        assert b"You already have an account" in response.content
        assert b"?next=%2Finvite%2Ftok%2F" in response.content
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.PENDING


def test_after_sign_in_a_confirming_post_adds_the_record_to_the_account(
    client: Client, patient: Patient
) -> None:
    account = UserFactory.create(email=patient.email)
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    response = client.post(
        reverse("account_login") + "?next=" + _url("tok"),
        {"login": patient.email, "password": PASSWORD},
    )
    assert response["Location"] == _url("tok")
    confirm = client.get(_url("tok"))
    assert b"Add this record" in confirm.content
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.PENDING

    response = client.post(_url("tok"), {"relationship": "self"})
    assert response["Location"] == reverse("portal:home")
    grant = PortalGrant.objects.get()
    assert (grant.account, grant.patient, grant.relationship) == (account, patient, "self")
    invitation.refresh_from_db()
    assert invitation.used_by == account
    assert User.objects.count() == 1


def test_accepting_upgrades_a_forms_only_account_of_the_same_email_to_the_full_portal(
    client: Client, patient: Patient
) -> None:
    account = UserFactory.create(email=patient.email)
    PortalGrantFactory.create(account=account, patient=patient, scope=GrantScope.FORMS_ONLY)
    PortalInvitationFactory.create(patient=patient, token="tok")
    client.force_login(account)
    client.post(_url("tok"), {"relationship": "self"})
    grant = PortalGrant.objects.get()
    assert grant.scope == GrantScope.FULL
    assert AuditEvent.objects.get(action=AccessControlEvent.INVITATION_ACCEPTED).details[
        "scope_upgraded"
    ]


def test_another_signed_in_account_cannot_accept_it(client: Client, patient: Patient) -> None:
    invitation = PortalInvitationFactory.create(patient=patient, token="tok")
    client.force_login(UserFactory.create(email="someone.else@example.com"))
    for response in (client.get(_url("tok")), client.post(_url("tok"), {"relationship": "self"})):
        assert response.status_code == 403
        assert b"This invitation is for another account" in response.content
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.PENDING
    assert not PortalGrant.objects.exists()
