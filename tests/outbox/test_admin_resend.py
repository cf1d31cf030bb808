"""Staff see failed mail in the outbox and resend it; the resend is audited and scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from access_control.services import invitation_send
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Patient
from outbox.events import OutboxEvent
from outbox.models import Email, EmailStatus
from outbox.services import EmailResendRefused, email_queue, email_resend
from outbox.tasks import email_send

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:outbox_email_changelist"


def _failed(patient: Patient, **fields: Any) -> Email:
    email = email_queue(
        to=patient.email,
        subject="Your appointment on Monday",
        body_text="See you on Monday.",
        purpose="care:appointment_booked",
        patient=patient,
        **fields,
    )
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.FAILED, attempts=40, last_error="SMTPServerDisconnected"
    )
    email.refresh_from_db()
    return email


def _resend(client: Client, email: Email) -> Any:
    return client.post(reverse(CHANGELIST), {"action": "resend", "_selected_action": [email.pk]})


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_see_failed_mail_in_the_outbox(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    email = _failed(patient)
    client.force_login(clinic_staff)
    page = client.get(reverse(CHANGELIST), {"status__exact": "failed"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [email]


def test_staff_resend_a_failed_email_and_it_is_delivered_and_audited(
    client: Client,
    clinic_staff: User,
    patient: Patient,
    django_capture_on_commit_callbacks: Any,
) -> None:
    email = _failed(patient)
    client.force_login(clinic_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = _resend(client, email)
    assert response.status_code == 302
    assert _messages(response) == ["1 email(s) queued to be sent again."]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1  # a fresh series of attempts
    assert [message.to for message in mail.outbox] == [[patient.email]]
    event = AuditEvent.objects.get(action=OutboxEvent.EMAIL_RESENT)
    assert event.actor == clinic_staff
    assert event.patient == patient
    assert event.object_id == str(email.pk)
    assert event.details["previous_attempts"] == 40


def test_another_clinics_staff_cannot_resend_it(
    client: Client, other_clinic_staff: User, patient: Patient
) -> None:
    email = _failed(patient)
    client.force_login(other_clinic_staff)
    response = _resend(client, email)
    assert response.status_code in (200, 302)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert not AuditEvent.objects.filter(action=OutboxEvent.EMAIL_RESENT).exists()


def test_a_portal_account_cannot_resend_anything(
    client: Client, outsider: User, patient: Patient
) -> None:
    email = _failed(patient)
    client.force_login(outsider)
    response = _resend(client, email)
    assert response.status_code == 302
    assert "/login" in response["Location"]
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED


def test_a_failed_invitation_whose_link_was_dropped_is_refused_with_what_to_do(
    client: Client, clinic_staff: User, patient: Patient, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.outbox.backends.BrokenSMTP"
    settings.OUTBOX_RETRY_FOR_HOURS = 0
    sent = invitation_send(patient=patient, actor=clinic_staff)
    email = sent.invitation.email_message
    assert email is not None
    email_send.run(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED

    client.force_login(clinic_staff)
    response = _resend(client, email)
    assert response.status_code == 302
    (message,) = _messages(response)
    assert "Send a new invitation" in message
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert not AuditEvent.objects.filter(action=OutboxEvent.EMAIL_RESENT).exists()


def test_only_failed_mail_can_be_resent(clinic_staff: User, patient: Patient) -> None:
    email = _failed(patient)
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENT)
    email.refresh_from_db()
    with pytest.raises(EmailResendRefused, match="only failed emails"):
        email_resend(email=email, actor=clinic_staff)


def test_a_failed_mail_no_longer_wanted_is_refused(clinic_staff: User, patient: Patient) -> None:
    email = _failed(patient)
    Email.objects.filter(pk=email.pk).update(purpose="family_links:reminder")
    email.refresh_from_db()
    with pytest.raises(EmailResendRefused, match="cannot be resent"):
        email_resend(email=email, actor=clinic_staff)
