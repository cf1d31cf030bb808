"""Just before sending, the task asks the app that wrote the mail whether it is still wanted.

Each case changes the invitation, link or record behind the outbox's back (as a revoke or block
committed while the mail waited or was being claimed would), so only that last check stands
between the mail and the recipient.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from access_control.models import PatientPortalSettings, PortalInvitation
from access_control.services import invitation_send
from accounts.models import User
from clinics.models import Patient
from family_links.models import AccessLink
from family_links.services import access_link_generate, access_link_send
from outbox.models import Email, EmailStatus
from outbox.services import email_queue
from outbox.tasks import email_send
from prescribers.models import PractitionerInvitation
from prescribers.services.invitations import practitioner_invitation_send
from tests.prescribers.factories import PrescriberProfileFactory

pytestmark = pytest.mark.django_db


def _assert_cancelled_not_sent(email: Email, reason: str) -> None:
    email_send.run(email.pk)
    email.refresh_from_db()
    assert mail.outbox == []
    assert email.status == EmailStatus.CANCELLED
    assert reason in email.cancel_reason
    assert email.sealed_secrets == ""


def _link_mail(patient: Patient, staff: User) -> tuple[AccessLink, Email]:
    new = access_link_generate(patient=patient, actor=staff)
    link = access_link_send(link=new.link, token=new.token, actor=staff)
    assert link.email_message is not None
    return link, link.email_message


def test_a_pending_invitation_is_sent(clinic_staff: User, patient: Patient) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    assert sent.invitation.email_message is not None
    email_send.run(sent.invitation.email_message.pk)
    assert len(mail.outbox) == 1


def test_a_revoked_invitation_is_cancelled_not_sent(clinic_staff: User, patient: Patient) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    PortalInvitation.objects.filter(pk=sent.invitation.pk).update(revoked_at=timezone.now())
    assert sent.invitation.email_message is not None
    _assert_cancelled_not_sent(sent.invitation.email_message, "revoked")


def test_an_invitation_to_a_blocked_record_is_cancelled_not_sent(
    clinic_staff: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    PatientPortalSettings.objects.update_or_create(patient=patient, defaults={"blocked": True})
    assert sent.invitation.email_message is not None
    _assert_cancelled_not_sent(sent.invitation.email_message, "blocked")


def test_a_revoked_access_link_is_cancelled_not_sent(clinic_staff: User, patient: Patient) -> None:
    link, email = _link_mail(patient, clinic_staff)
    AccessLink.objects.filter(pk=link.pk).update(revoked_at=timezone.now())
    _assert_cancelled_not_sent(email, "no longer usable")


def test_an_access_link_to_a_blocked_record_is_cancelled_not_sent(
    clinic_staff: User, patient: Patient
) -> None:
    _, email = _link_mail(patient, clinic_staff)
    PatientPortalSettings.objects.update_or_create(patient=patient, defaults={"blocked": True})
    _assert_cancelled_not_sent(email, "blocked")


def test_a_reminder_for_a_link_already_used_is_cancelled_not_sent(
    clinic_staff: User, patient: Patient
) -> None:
    link, _ = _link_mail(patient, clinic_staff)
    reminder = email_queue(
        to=patient.email,
        subject="Reminder",
        body_text="Your link expires soon.",
        purpose="family_links:reminder",
        patient=patient,
    )
    AccessLink.objects.filter(pk=link.pk).update(reminder_message=reminder, used_at=timezone.now())
    _assert_cancelled_not_sent(reminder, "no longer usable")


def test_an_expired_practitioner_invitation_is_cancelled_not_sent(db: None) -> None:
    invitation = practitioner_invitation_send(
        profile=PrescriberProfileFactory(), email="dana.reyes@example.com", actor=None
    )
    PractitionerInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert invitation.message is not None
    _assert_cancelled_not_sent(invitation.message, "expired")


def test_a_revoked_practitioner_invitation_is_cancelled_not_sent(db: None) -> None:
    invitation = practitioner_invitation_send(
        profile=PrescriberProfileFactory(), email="dana.reyes@example.com", actor=None
    )
    PractitionerInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    assert invitation.message is not None
    _assert_cancelled_not_sent(invitation.message, "revoked")


def test_mail_of_a_purpose_without_a_check_is_sent(patient: Patient) -> None:
    PatientPortalSettings.objects.update_or_create(patient=patient, defaults={"blocked": True})
    email = email_queue(
        to=patient.email, subject="Appointment", body_text="See you.", purpose="care:booked"
    )
    email_send.run(email.pk)
    assert len(mail.outbox) == 1
