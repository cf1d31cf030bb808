"""Generating, sending, superseding and revoking Medical Access Links; blocking; a whole family
at once; the reminder before a link expires."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from access_control.services import patient_block
from accounts.models import User
from accounts.tokens import TokenRevokeReason, TokenStatus, token_digest
from audit.models import AuditEvent
from clinics.events import ClinicEvent
from clinics.models import Clinic, Patient
from family_links.codes import CODE_ALPHABET, code_digest, code_format, code_normalize
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink
from family_links.selectors import access_link_usable
from family_links.services import (
    AccessLinkError,
    access_link_generate,
    access_link_remind_expiring,
    access_link_revoke,
    access_link_send,
    access_links_send_for_family,
)
from family_links.tasks import access_links_remind_expiring
from outbox.models import Email, EmailStatus
from tests.factories import PatientFactory
from tests.family_links.factories import AccessLinkFactory

pytestmark = pytest.mark.django_db


def _generate_and_send(patient: Patient, actor: User) -> tuple[AccessLink, str]:
    new = access_link_generate(patient=patient, actor=actor)
    access_link_send(link=new.link, token=new.token, actor=actor)
    new.link.refresh_from_db()
    return new.link, new.token


# --- generating --------------------------------------------------------------------------------


def test_a_link_keeps_only_digests_of_its_token_and_code(
    clinic_staff: User, child: Patient
) -> None:
    new = access_link_generate(patient=child, actor=clinic_staff)
    link = AccessLink.objects.get()
    assert len(new.token) >= 43  # secrets.token_urlsafe(32)
    assert link.digest == token_digest(new.token)
    assert link.code_digest == code_digest(new.code)
    stored = " ".join(str(value) for value in AccessLink.objects.values().get().values())
    assert new.token not in stored
    assert code_normalize(new.code) not in stored
    assert new.url == f"{settings.SITE_URL}/link/{new.token}/"


def test_the_code_is_ten_unambiguous_characters_shown_in_groups(
    clinic_staff: User, child: Patient
) -> None:
    code = access_link_generate(patient=child, actor=clinic_staff).code
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    assert set(code_normalize(code)) <= set(CODE_ALPHABET)
    assert not set("ILOU01") & set(CODE_ALPHABET)
    assert code_format("abcd efgh-jk") == "ABCD-EFGH-JK"


def test_a_link_is_valid_for_five_days_and_generating_is_audited(
    clinic_staff: User, child: Patient
) -> None:
    link = access_link_generate(patient=child, actor=clinic_staff).link
    assert link.expires_at - link.created_at == timedelta(days=5)
    assert link.status == TokenStatus.PENDING
    event = AuditEvent.objects.get(action=FamilyLinksEvent.LINK_GENERATED)
    assert (event.actor, event.patient) == (clinic_staff, child)
    assert "token" not in event.details
    assert "code" not in event.details


def test_a_newer_link_supersedes_the_older_one_and_cancels_its_mail(
    clinic_staff: User, child: Patient
) -> None:
    older, older_token = _generate_and_send(child, clinic_staff)
    newer = access_link_generate(patient=child, actor=clinic_staff)
    older.refresh_from_db()
    assert older.status == TokenStatus.SUPERSEDED
    assert older.superseded_by == newer.link
    assert Email.objects.get(pk=older.email_message_id).status == EmailStatus.CANCELLED
    assert access_link_usable(token=older_token) is None
    assert access_link_usable(token=newer.token) == newer.link


def test_a_blocked_record_gets_no_link(clinic_staff: User, child: Patient) -> None:
    patient_block(patient=child, actor=clinic_staff)
    with pytest.raises(AccessLinkError, match="blocked"):
        access_link_generate(patient=child, actor=clinic_staff)
    assert not AccessLink.objects.exists()


# --- sending -----------------------------------------------------------------------------------


def test_the_email_says_what_the_link_does_when_it_expires_and_what_to_do_then(
    clinic_staff: User,
    child: Patient,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        link, token = _generate_and_send(child, clinic_staff)
    assert (link.sent_to, link.sent_at is not None) == ("emma.bennett@example.com", True)
    email = Email.objects.get(purpose="family_links:access_link")
    assert email.to == "emma.bennett@example.com"
    assert email.patient == child
    assert link.email_message == email
    assert email.subject == "Medical Access Link for Emma B. from Northside Family Clinic"
    body = mailoutbox[0].body
    assert token not in email.body_text  # kept sealed; the sent mail carries it
    assert f"{settings.SITE_URL}/link/{token}/" in body
    assert "adds Emma B.'s record to your patient portal account" in body
    expiry = link.expires_at.astimezone(ZoneInfo(child.clinic.time_zone))
    assert "expires in 5 days" in body
    assert f"{expiry:%A, %B} {expiry.day}, {expiry.year}" in body
    assert "If the link has expired, please ask Northside Family Clinic, (555) 010-2000" in body
    assert token in mailoutbox[0].alternatives[0][0]
    assert len(mailoutbox) == 1  # sent once the transaction committed
    assert AuditEvent.objects.filter(
        action=FamilyLinksEvent.LINK_SENT, details__email="emma.bennett@example.com"
    ).exists()


def test_only_the_token_generated_with_the_link_sends_it(
    clinic_staff: User, child: Patient
) -> None:
    new = access_link_generate(patient=child, actor=clinic_staff)
    with pytest.raises(AccessLinkError, match="not the link"):
        access_link_send(link=new.link, token="guessed", actor=clinic_staff)
    assert not Email.objects.exists()


def test_a_record_without_email_cannot_be_sent_a_link(clinic_staff: User, child: Patient) -> None:
    child.email = ""
    child.save()
    new = access_link_generate(patient=child, actor=clinic_staff)
    with pytest.raises(AccessLinkError, match="has no email address"):
        access_link_send(link=new.link, token=new.token, actor=clinic_staff)


def test_a_superseded_link_cannot_be_sent(clinic_staff: User, child: Patient) -> None:
    older = access_link_generate(patient=child, actor=clinic_staff)
    access_link_generate(patient=child, actor=clinic_staff)
    with pytest.raises(AccessLinkError, match="no longer be used"):
        access_link_send(link=older.link, token=older.token, actor=clinic_staff)


# --- revoking and blocking ---------------------------------------------------------------------


def test_staff_revoke_a_pending_link_and_its_queued_mail(
    clinic_staff: User, child: Patient
) -> None:
    link, token = _generate_and_send(child, clinic_staff)
    access_link_revoke(link=link, actor=clinic_staff)
    link.refresh_from_db()
    assert link.status == TokenStatus.REVOKED
    assert (link.revoked_by, link.revoke_reason) == (clinic_staff, TokenRevokeReason.STAFF)
    assert Email.objects.get().status == EmailStatus.CANCELLED
    assert access_link_usable(token=token) is None
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.LINK_REVOKED).exists()
    with pytest.raises(AccessLinkError, match="no longer pending"):
        access_link_revoke(link=link, actor=clinic_staff)


def test_blocking_revokes_pending_links_and_cancels_their_mail(
    clinic_staff: User, child: Patient
) -> None:
    link, token = _generate_and_send(child, clinic_staff)
    redeemed = AccessLinkFactory.create(patient=child, used_at=timezone.now())
    patient_block(patient=child, actor=clinic_staff)
    link.refresh_from_db()
    assert link.status == TokenStatus.REVOKED
    assert link.revoke_reason == TokenRevokeReason.BLOCKED
    assert Email.objects.get(pk=link.email_message_id).status == EmailStatus.CANCELLED
    redeemed.refresh_from_db()
    assert redeemed.revoked_at is None  # history stays as it was
    assert access_link_usable(token=token) is None
    assert AuditEvent.objects.filter(
        action=FamilyLinksEvent.LINK_REVOKED, details__reason="blocked"
    ).exists()


# --- a family at once --------------------------------------------------------------------------


def _family(clinic: Clinic) -> list[Patient]:
    return [
        PatientFactory.create(clinic=clinic, first_name=name, last_name="Bennett")
        for name in ("Emma", "Noah", "Lily")
    ]


def test_links_for_three_records_go_out_as_three_emails_to_the_parents_address(
    clinic_staff: User,
    clinic: Clinic,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    family = _family(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        sent = access_links_send_for_family(
            patients=family, email="Laura@Example.com", actor=clinic_staff
        )
    assert len(sent) == 3
    assert len(mailoutbox) == 3
    assert {message.to[0] for message in mailoutbox} == {"laura@example.com"}
    for patient in family:
        patient.refresh_from_db()
        assert patient.email == "laura@example.com"
        assert AccessLink.objects.get(patient=patient).sent_to == "laura@example.com"
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.LINK_GENERATED).count() == 3
    assert AuditEvent.objects.filter(action=FamilyLinksEvent.LINK_SENT).count() == 3
    assert AuditEvent.objects.filter(action=ClinicEvent.PATIENT_UPDATED).count() == 3
    assert AuditEvent.objects.get(action=FamilyLinksEvent.FAMILY_LINKS_SENT).details[
        "email_set_to"
    ] == ("laura@example.com")


def test_without_an_address_each_link_goes_to_the_records_own_email(
    clinic_staff: User, clinic: Clinic
) -> None:
    family = _family(clinic)
    access_links_send_for_family(patients=family, email=None, actor=clinic_staff)
    assert sorted(AccessLink.objects.values_list("sent_to", flat=True)) == sorted(
        patient.email for patient in family
    )


def test_when_one_link_of_the_family_fails_nothing_is_sent_or_changed(
    clinic_staff: User,
    clinic: Clinic,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    family = _family(clinic)
    patient_block(patient=family[2], actor=clinic_staff)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccessLinkError):
        access_links_send_for_family(patients=family, email="laura@example.com", actor=clinic_staff)
    assert not AccessLink.objects.exists()
    assert not Email.objects.exists()
    assert mailoutbox == []
    family[0].refresh_from_db()
    assert family[0].email != "laura@example.com"


def test_a_family_is_of_one_clinic(
    clinic_staff: User, clinic: Clinic, other_clinic: Clinic
) -> None:
    patients = [PatientFactory.create(clinic=clinic), PatientFactory.create(clinic=other_clinic)]
    with pytest.raises(ValidationError, match="one clinic"):
        access_links_send_for_family(patients=patients, email=None, actor=clinic_staff)
    with pytest.raises(ValidationError, match="at least one"):
        access_links_send_for_family(patients=[], email=None, actor=clinic_staff)


# --- the reminder ------------------------------------------------------------------------------


def _sent_link(patient: Patient, *, expires_in: timedelta, **extra: Any) -> AccessLink:
    return AccessLinkFactory.create(
        patient=patient,
        expires_at=timezone.now() + expires_in,
        sent_at=timezone.now() - timedelta(days=4),
        sent_to=patient.email,
        **extra,
    )


def test_a_reminder_goes_out_about_a_day_before_an_unredeemed_link_expires(
    child: Patient, clinic: Clinic
) -> None:
    due = _sent_link(child, expires_in=timedelta(hours=20))
    later = _sent_link(PatientFactory.create(clinic=clinic), expires_in=timedelta(days=2))
    redeemed = _sent_link(
        PatientFactory.create(clinic=clinic),
        expires_in=timedelta(hours=5),
        used_at=timezone.now(),
    )
    unsent = AccessLinkFactory.create(expires_at=timezone.now() + timedelta(hours=5))
    expired = _sent_link(PatientFactory.create(clinic=clinic), expires_in=-timedelta(hours=1))

    assert access_link_remind_expiring() == [due.pk]

    email = Email.objects.get(purpose="family_links:reminder")
    assert email.to == child.email
    assert "expires soon" in email.subject
    assert "has not been used yet" in email.body_text
    assert "Northside Family Clinic, (555) 010-2000" in email.body_text
    due.refresh_from_db()
    assert due.reminder_sent_at is not None
    assert due.reminder_message == email
    for other in (later, redeemed, unsent, expired):
        other.refresh_from_db()
        assert other.reminder_sent_at is None


def test_the_reminder_is_sent_once_however_often_the_task_runs(child: Patient) -> None:
    _sent_link(child, expires_in=timedelta(hours=20))
    assert access_links_remind_expiring.delay().get() == 1
    assert access_links_remind_expiring.delay().get() == 0
    assert Email.objects.filter(purpose="family_links:reminder").count() == 1


def test_a_blocked_record_gets_no_reminder(clinic_staff: User, child: Patient) -> None:
    _sent_link(child, expires_in=timedelta(hours=20))
    patient_block(patient=child, actor=clinic_staff)
    assert access_link_remind_expiring() == []


def test_beat_runs_the_reminder_every_hour() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["family-links-remind-expiring"]
    assert entry["task"] == "family_links.tasks.access_links_remind_expiring"
    assert entry["schedule"].minute == {15}
    assert timedelta(days=1) == settings.ACCESS_LINK_REMINDER_LEAD
    assert timedelta(days=5) == settings.ACCESS_LINK_TTL
