"""No live link or code is readable from the outbox table or the admin; the recipient still
gets it. One test per kind of mail that carries one, then what happens to the sealed copy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from access_control.services import invitation_send
from accounts.models import User
from clinics.models import Patient
from family_links.services import access_link_generate, access_link_send
from outbox.models import Email, EmailStatus
from outbox.services import email_cancel, email_content, email_queue
from outbox.tasks import email_send
from prescribers.services.invitations import practitioner_invitation_send
from tests.factories import UserFactory
from tests.prescribers.factories import PrescriberProfileFactory

pytestmark = pytest.mark.django_db


def _stored(email: Email) -> str:
    """Every column of the row as the database holds it."""
    row = Email.objects.filter(pk=email.pk).values().get()
    return "\n".join(str(value) for value in row.values())


def _sent_text(message: Any) -> str:
    return message.subject + message.body + "".join(str(part) for part, _ in message.alternatives)


def _assert_hidden_until_sent(email: Email, secret: str) -> None:
    email.refresh_from_db()
    assert secret not in _stored(email)
    assert "[secret 1: hidden until sent]" in email.body_text
    assert email.sealed_secrets
    assert email.carries_secrets

    email_send.run(email.pk)
    (message,) = mail.outbox
    assert secret in _sent_text(message)  # the recipient gets the live link
    assert "hidden until sent" not in _sent_text(message)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sealed_secrets == ""  # once sent, not even the sealed copy is kept


def test_a_portal_invitation_row_holds_no_token(clinic_staff: User, patient: Patient) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    assert sent.invitation.email_message is not None
    _assert_hidden_until_sent(sent.invitation.email_message, sent.token)
    assert sent.url in mail.outbox[0].body


def test_a_medical_access_link_row_holds_no_token(clinic_staff: User, patient: Patient) -> None:
    new = access_link_generate(patient=patient, actor=clinic_staff)
    link = access_link_send(link=new.link, token=new.token, actor=clinic_staff)
    assert link.email_message is not None
    _assert_hidden_until_sent(link.email_message, new.token)
    assert new.url in mail.outbox[0].alternatives[0][0]  # the HTML part too


def test_a_practitioner_invitation_row_holds_no_token(db: None) -> None:
    invitation = practitioner_invitation_send(
        profile=PrescriberProfileFactory(), email="dana.reyes@example.com", actor=None
    )
    assert invitation.message is not None
    found = re.search(
        r"/practitioner/invitations/([\w-]+)/", email_content(email=invitation.message).body_text
    )
    assert found is not None
    _assert_hidden_until_sent(invitation.message, found.group(1))


def test_a_password_reset_row_holds_no_reset_key(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("account_reset_password"), {"email": "ann@example.com"})
    email = Email.objects.get(to="ann@example.com")
    found = re.search(r"/password/reset/key/\w+-([^/\s]+)/", email_content(email=email).body_text)
    assert found is not None
    _assert_hidden_until_sent(email, found.group(1))


def test_clinic_staff_and_superusers_see_only_the_marker_in_the_admin(
    client: Client, clinic_staff: User, superuser: User, patient: Patient
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    url = reverse("admin:outbox_email_change", args=[sent.invitation.email_message_id])
    for reader in (clinic_staff, superuser):
        client.force_login(reader)
        page = client.get(url)
        assert page.status_code == 200
        content = page.content.decode()
        assert sent.token not in content
        assert "hidden until sent" in content
        assert patient.email in content  # the row itself stays readable


@pytest.mark.parametrize(
    "lookup",
    [
        "body_html__contains",
        "body_text__startswith",
        "body_text__icontains",
        "sealed_secrets__contains",
        "body_html",
    ],
)
def test_the_admin_refuses_lookups_inside_bodies_and_secrets(
    client: Client, clinic_staff: User, superuser: User, patient: Patient, lookup: str
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    for reader in (clinic_staff, superuser):
        client.force_login(reader)
        response = client.get(reverse("admin:outbox_email_changelist"), {lookup: sent.token[:1]})
        assert response.status_code == 400
        assert sent.token not in response.content.decode()


def test_searching_the_outbox_for_a_token_finds_nothing(
    client: Client, superuser: User, patient: Patient, clinic_staff: User
) -> None:
    sent = invitation_send(patient=patient, actor=clinic_staff)
    client.force_login(superuser)
    page = client.get(reverse("admin:outbox_email_changelist"), {"q": sent.token[:8]})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 0


def _sealed_mail() -> Email:
    return email_queue(
        to="ann@example.com",
        subject="Reset",
        body_text="Open https://portal.example.org/reset/Secret-Token_123/ now.",
        purpose="test",
        secrets=["Secret-Token_123"],
    )


def test_cancelling_drops_the_sealed_secret() -> None:
    email = _sealed_mail()
    email_cancel(emails=Email.objects.filter(pk=email.pk))
    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED
    assert email.sealed_secrets == ""
    assert email.cancel_reason


def test_failing_for_good_drops_the_sealed_secret(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.outbox.backends.BrokenSMTP"
    settings.OUTBOX_RETRY_FOR_HOURS = 0
    email = _sealed_mail()
    email_send.run(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert email.sealed_secrets == ""


def test_the_html_escaped_spelling_of_a_secret_is_hidden_too() -> None:
    email = email_queue(
        to="ann@example.com",
        subject="Code",
        body_text="Your code: a&b<c",
        body_html="<p>Your code: a&amp;b&lt;c</p>",
        purpose="test",
        secrets=["a&b<c"],
    )
    assert "a&b<c" not in _stored(email)
    assert "a&amp;b&lt;c" not in _stored(email)
    content = email_content(email=email)
    assert content.body_text == "Your code: a&b<c"
    assert content.body_html == "<p>Your code: a&amp;b&lt;c</p>"


def test_text_that_looks_like_a_marker_comes_back_unchanged() -> None:
    email = email_queue(
        to="ann@example.com",
        subject="[secret 1: hidden until sent]",
        body_text="Literal [secret 1: hidden until sent], then the token tok-123.",
        purpose="test",
        secrets=["tok-123"],
    )
    assert "tok-123" not in _stored(email)
    content = email_content(email=email)
    assert content.subject == "[secret 1: hidden until sent]"
    assert content.body_text == "Literal [secret 1: hidden until sent], then the token tok-123."


def test_a_secret_key_rotation_with_a_fallback_still_sends(settings: Any) -> None:
    email = _sealed_mail()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"
    email_send.run(email.pk)
    assert "Secret-Token_123" in mail.outbox[0].body


def test_a_seal_that_cannot_be_opened_fails_the_mail_at_once_with_a_clear_error(
    settings: Any,
) -> None:
    email = _sealed_mail()
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"
    email_send.run(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "could not be decrypted" in email.last_error
    assert email.sealed_secrets == ""
    assert mail.outbox == []
