"""Blocking a record: hidden at once, its own account signed out, its pending links revoked."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from access_control.events import AccessControlEvent
from access_control.models import PatientPortalSettings, Relationship
from access_control.services import (
    PortalAccessError,
    invitation_send,
    patient_block,
    patient_unblock,
)
from access_control.signals import patient_blocked
from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.models import Clinic, Patient
from outbox.models import Email, EmailStatus
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PASSWORD, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

NEUTRAL = (
    "Your portal access is not available. Please contact Northside Family Clinic, (555) 010-2000."
)


def _record_url(patient: Patient) -> str:
    return reverse("portal:record", args=[patient.pk])


def test_blocking_hides_the_record_from_an_open_session_on_its_next_request(
    client: Client, clinic_staff: User, clinic: Clinic
) -> None:
    parent = UserFactory.create()
    own, child = PatientFactory.create(clinic=clinic), PatientFactory.create(clinic=clinic)
    PortalGrantFactory.create(account=parent, patient=own)
    PortalGrantFactory.create(account=parent, patient=child, relationship=Relationship.PARENT)
    client.force_login(parent)
    assert client.get(_record_url(child)).status_code == 200

    patient_block(patient=child, actor=clinic_staff)

    assert client.get(_record_url(child)).status_code == 404
    home = client.get(reverse("portal:home")).content.decode()
    assert child.display_name not in home
    assert own.display_name in home


def test_an_account_whose_own_record_is_blocked_is_signed_out_on_its_next_request(
    client: Client, clinic_staff: User, portal_account: User, patient: Patient
) -> None:
    client.force_login(portal_account)
    assert client.get(reverse("portal:home")).status_code == 200

    patient_block(patient=patient, actor=clinic_staff)

    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NEUTRAL]
    page = client.get(response["Location"]).content.decode()
    assert "Your portal access is not available" in page


def test_signing_in_again_is_refused_with_the_same_message(
    client: Client, clinic_staff: User, portal_account: User, patient: Patient
) -> None:
    patient_block(patient=patient, actor=clinic_staff)
    response = client.post(
        reverse("account_login"), {"login": portal_account.email, "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert NEUTRAL in response.content.decode()


def test_blocking_revokes_pending_invitations_and_cancels_their_mail(
    clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    patient_block(patient=patient, actor=clinic_staff)
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == TokenStatus.REVOKED
    assert sent.invitation.revoke_reason == "blocked"
    assert Email.objects.get().status == EmailStatus.CANCELLED
    event = AuditEvent.objects.get(action=AccessControlEvent.PATIENT_BLOCKED)
    assert event.details == {"invitations_revoked": [sent.invitation.pk]}
    assert event.actor == clinic_staff
    assert event.patient == patient


def test_blocking_tells_the_apps_that_keep_access_links(
    clinic_staff: User, patient: Patient
) -> None:
    received: list[dict[str, Any]] = []

    def receiver(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    patient_blocked.connect(receiver)
    try:
        patient_block(patient=patient, actor=clinic_staff)
    finally:
        patient_blocked.disconnect(receiver)
    assert len(received) == 1
    assert received[0]["patient"] == patient
    assert received[0]["actor"] == clinic_staff


def test_unblocking_restores_the_accounts_but_revoked_invitations_stay_revoked(
    client: Client, clinic_staff: User, portal_account: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    patient_block(patient=patient, actor=clinic_staff)
    patient_unblock(patient=patient, actor=clinic_staff)

    client.force_login(portal_account)
    assert client.get(_record_url(patient)).status_code == 200
    sent.invitation.refresh_from_db()
    assert sent.invitation.status == TokenStatus.REVOKED
    invite_url = reverse("access_control:invitation_accept", kwargs={"token": sent.token})
    assert client.get(invite_url).status_code == 410
    assert AuditEvent.objects.filter(
        action=AccessControlEvent.PATIENT_UNBLOCKED, patient=patient
    ).exists()
    assert not PatientPortalSettings.objects.get(patient=patient).blocked


def test_blocking_twice_or_unblocking_an_open_record_is_refused_and_changes_nothing(
    clinic_staff: User, patient: Patient
) -> None:
    with pytest.raises(PortalAccessError, match="not blocked"):
        patient_unblock(patient=patient, actor=clinic_staff)
    patient_block(patient=patient, actor=clinic_staff)
    with pytest.raises(PortalAccessError, match="already blocked"):
        patient_block(patient=patient, actor=clinic_staff)
    blocking = [AccessControlEvent.PATIENT_BLOCKED, AccessControlEvent.PATIENT_UNBLOCKED]
    assert AuditEvent.objects.filter(action__in=blocking).count() == 1
