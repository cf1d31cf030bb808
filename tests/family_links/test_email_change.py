"""A change of the email on file: pending Medical Access Links mailed to the old address stop
working, their queued mail is cancelled, no reminder goes there, and staff are told what was
revoked."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from access_control.services import invitation_send
from accounts.models import User
from accounts.tokens import TokenRevokeReason, TokenStatus
from audit.models import AuditEvent
from clinics.models import Patient
from clinics.services import patient_save
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink
from family_links.selectors import access_link_usable
from family_links.services import (
    access_link_generate,
    access_link_remind_expiring,
    access_link_send,
    email_on_file_update,
)
from outbox.models import Email, EmailStatus

pytestmark = pytest.mark.django_db

OLD = "emma.bennett@example.com"
NEW = "emma.new@example.com"


def _sent_link(patient: Patient, staff: User) -> tuple[AccessLink, str]:
    new = access_link_generate(patient=patient, actor=staff)
    access_link_send(link=new.link, token=new.token, actor=staff)
    new.link.refresh_from_db()
    return new.link, new.token


def _general_tab(patient: Patient, **changes: str) -> dict[str, Any]:
    """The General tab of the patient page as staff submit it."""
    data: dict[str, Any] = {
        "clinic": patient.clinic_id,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "preferred_name": patient.preferred_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "email": patient.email,
        "phone": patient.phone,
        "address_line1": patient.address_line1,
        "address_line2": patient.address_line2,
        "city": patient.city,
        "region": patient.region,
        "postal_code": patient.postal_code,
    }
    return {**data, **changes}


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_changing_the_email_revoke_the_link_and_cancel_its_mail(
    staff_client: Client, clinic_staff: User, child: Patient
) -> None:
    link, token = _sent_link(child, clinic_staff)
    assert link.sent_to == OLD

    response = staff_client.post(
        reverse("admin:clinics_patient_change", args=[child.pk]),
        _general_tab(child, email=NEW),
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == TokenStatus.REVOKED
    assert (link.revoke_reason, link.revoked_by) == (TokenRevokeReason.EMAIL_CHANGED, clinic_staff)
    assert access_link_usable(token=token) is None
    assert Email.objects.get(purpose="family_links:access_link").status == EmailStatus.CANCELLED
    event = AuditEvent.objects.get(action=FamilyLinksEvent.LINK_REVOKED)
    assert event.details == {"reason": "email_changed", "links": [link.pk]}
    assert event.actor == clinic_staff
    assert _messages(response)[0] == (
        "Email changed: 1 Medical Access Link was revoked; send a new one to the new address."
    )


def test_staff_are_told_of_every_invitation_and_link_the_change_revoked(
    staff_client: Client, clinic_staff: User, child: Patient
) -> None:
    invitation = invitation_send(patient=child, actor=clinic_staff).invitation
    first, _ = _sent_link(child, clinic_staff)
    second, _ = _sent_link(child, clinic_staff)
    # Two links pending at once (a newer one normally supersedes the older): both are counted.
    AccessLink.objects.filter(pk=first.pk).update(revoked_at=None, revoke_reason="")

    response = staff_client.post(
        reverse("admin:clinics_patient_change", args=[child.pk]),
        _general_tab(child, email=NEW),
        follow=True,
    )

    assert (
        "Email changed: 1 portal invitation and 2 Medical Access Links were revoked; send new "
        "ones to the new address."
    ) in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == TokenStatus.REVOKED
    for link in (first, second):
        link.refresh_from_db()
        assert link.revoke_reason == TokenRevokeReason.EMAIL_CHANGED


def test_the_link_can_no_longer_be_redeemed(
    client: Client, holder: User, clinic_staff: User, child: Patient
) -> None:
    _, token = _sent_link(child, clinic_staff)
    child.email = NEW
    patient_save(patient=child, actor=clinic_staff, changed_fields=["email"])

    client.force_login(holder)
    url = reverse("family_links:redeem", kwargs={"token": token})
    assert client.get(url).status_code == 410
    response = client.post(url, {"relationship": "parent", "date_of_birth": "2015-09-03"})
    assert response.status_code == 410
    assert not child.portal_grants.exists()


def test_no_reminder_goes_to_the_old_address(clinic_staff: User, child: Patient) -> None:
    link, _ = _sent_link(child, clinic_staff)
    child.email = NEW
    patient_save(patient=child, actor=clinic_staff, changed_fields=["email"])

    assert access_link_remind_expiring(now=link.expires_at - timedelta(hours=2)) == []
    assert not Email.objects.filter(purpose="family_links:reminder").exists()


def test_a_reminder_already_queued_for_the_old_address_is_cancelled(
    clinic_staff: User, child: Patient
) -> None:
    link, _ = _sent_link(child, clinic_staff)
    assert access_link_remind_expiring(now=link.expires_at - timedelta(hours=2)) == [link.pk]
    child.email = NEW
    patient_save(patient=child, actor=clinic_staff, changed_fields=["email"])

    reminder = Email.objects.get(purpose="family_links:reminder")
    assert (reminder.to, reminder.status) == (OLD, EmailStatus.CANCELLED)


def test_the_family_changing_the_email_in_the_portal_revokes_the_link_too(
    holder: User, clinic_staff: User, child: Patient
) -> None:
    link, _ = _sent_link(child, clinic_staff)
    email_on_file_update(patient=child, account=holder, email=NEW)
    link.refresh_from_db()
    assert link.revoke_reason == TokenRevokeReason.EMAIL_CHANGED


def test_a_link_not_mailed_yet_stays_and_goes_to_the_new_address(
    clinic_staff: User, child: Patient
) -> None:
    new = access_link_generate(patient=child, actor=clinic_staff)  # its code read out at the desk
    child.email = NEW
    saved = patient_save(patient=child, actor=clinic_staff, changed_fields=["email"])

    assert saved.revoked == []
    assert access_link_usable(token=new.token) is not None
    access_link_send(link=new.link, token=new.token, actor=clinic_staff)
    assert Email.objects.get(purpose="family_links:access_link").to == NEW


def test_saving_without_changing_the_email_revokes_nothing_and_says_nothing(
    staff_client: Client, clinic_staff: User, child: Patient
) -> None:
    link, _ = _sent_link(child, clinic_staff)
    response = staff_client.post(
        reverse("admin:clinics_patient_change", args=[child.pk]),
        _general_tab(child, phone="(555) 123-4567", email=OLD.upper()),
    )
    link.refresh_from_db()
    assert link.status == TokenStatus.PENDING
    assert not any("revoked" in message for message in _messages(response))
    assert Email.objects.get(purpose="family_links:access_link").status != EmailStatus.CANCELLED


def test_another_clinics_staff_cannot_change_the_email_nor_revoke_the_link(
    client: Client, other_clinic_staff: User, clinic_staff: User, child: Patient
) -> None:
    link, token = _sent_link(child, clinic_staff)
    client.force_login(other_clinic_staff)
    response = client.post(
        reverse("admin:clinics_patient_change", args=[child.pk]),
        _general_tab(child, email="attacker@example.com"),
    )
    assert response.status_code in (302, 403, 404)
    child.refresh_from_db()
    assert child.email == OLD
    link.refresh_from_db()
    assert link.status == TokenStatus.PENDING
    assert access_link_usable(token=token) is not None


def test_the_old_links_of_another_record_are_untouched(
    clinic_staff: User, child: Patient, patient: Patient
) -> None:
    theirs, _ = _sent_link(patient, clinic_staff)
    child.email = NEW
    patient_save(patient=child, actor=clinic_staff, changed_fields=["email"])
    theirs.refresh_from_db()
    assert theirs.status == TokenStatus.PENDING
