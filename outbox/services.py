"""The outbox: every email is a row first, then a Celery task sends it once.

The row is written in the caller's transaction, and the send is enqueued only once that
transaction commits: a rolled-back change leaves neither a row nor a task. Links and codes the
mail carries are sealed (outbox.sealing): the stored row never holds them in the clear, and
once the row is final (sent, cancelled, failed) not even sealed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from audit.services import audit_record
from outbox.events import OutboxEvent
from outbox.models import Email, EmailStatus
from outbox.sealing import secrets_seal, secrets_unseal
from outbox.wanted import email_unwanted_reason

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

NO_LONGER_WANTED = "No longer wanted: the link it carried was revoked or replaced."


class EmailResendRefused(Exception):
    """Staff asked to resend an email that must not go out again; the message says why."""


@dataclass(frozen=True)
class EmailContent:
    """What the recipient gets: the stored text with its links and codes put back."""

    subject: str
    body_text: str
    body_html: str


def _enqueue_send(email_id: int) -> None:
    from outbox.tasks import email_send

    try:
        email_send.delay(email_id)
    except Exception:
        # The row is safe in the database; the sweeper sends it once the broker is back.
        logger.exception("Could not enqueue email %s; the sweeper will retry.", email_id)


@transaction.atomic
def email_queue(
    *,
    to: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    purpose: str,
    patient: Any | None = None,
    secrets: Sequence[str] = (),
) -> Email:
    """Queues one email. Each string of `secrets` (a raw token, a whole link) is stored only
    sealed: wherever it occurs in the subject or bodies, the row holds a marker instead."""
    sealed = secrets_seal(
        subject=subject, body_text=body_text, body_html=body_html, secrets=secrets
    )
    now = timezone.now()
    email = Email.objects.create(
        to=to.strip().lower(),
        subject=sealed.subject[:255],
        body_text=sealed.body_text,
        body_html=sealed.body_html,
        sealed_secrets=sealed.sealed,
        carries_secrets=bool(sealed.sealed),
        purpose=purpose,
        patient=patient,
        queued_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: _enqueue_send(email.pk))
    return email


def email_cancel(*, emails: QuerySet[Email], reason: str = NO_LONGER_WANTED) -> int:
    """Cancels these emails unless already sent.

    A queued row is cancelled at once and its sealed secrets dropped. A row a worker is sending
    right now cannot be recalled, but it is marked so that a failed attempt is not retried and
    an abandoned one not re-sent.
    """
    now = timezone.now()
    cancelled = emails.filter(status=EmailStatus.QUEUED).update(
        status=EmailStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason=reason[:255],
        sealed_secrets="",
        updated_at=now,
    )
    emails.filter(status=EmailStatus.SENDING, cancelled_at__isnull=True).update(
        cancelled_at=now, cancel_reason=reason[:255], updated_at=now
    )
    return cancelled


def email_claim(*, email_id: int) -> Email | None:
    """Takes the row for sending; a second claim of the same row gets nothing."""
    now = timezone.now()
    claimed = Email.objects.filter(pk=email_id, status=EmailStatus.QUEUED).update(
        status=EmailStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if not claimed:
        return None
    return Email.objects.get(pk=email_id)


def email_content(*, email: Email) -> EmailContent:
    """The mail as the recipient gets it, links included. Only the send path needs this."""
    subject, body_text, body_html = secrets_unseal(
        sealed=email.sealed_secrets, texts=[email.subject, email.body_text, email.body_html]
    )
    return EmailContent(subject=subject, body_text=body_text, body_html=body_html)


def email_deliver(*, email: Email) -> None:
    content = email_content(email=email)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=content.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if content.body_html:
        message.attach_alternative(content.body_html, "text/html")
    message.send(fail_silently=False)
    now = timezone.now()
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=now, last_error="", sealed_secrets="", updated_at=now
    )


def email_cancel_unwanted(*, email: Email) -> str | None:
    """Cancels a claimed email that its app no longer wants sent; returns why, if so."""
    reason = email_unwanted_reason(email=email)
    if reason is None:
        return None
    now = timezone.now()
    Email.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.CANCELLED,
        cancelled_at=now,
        cancel_reason=reason[:255],
        sealed_secrets="",
        updated_at=now,
    )
    logger.info("Email %s not sent: %s", email.pk, reason)
    return reason


def email_retry_delay(*, attempts: int) -> timedelta:
    """Doubles from OUTBOX_RETRY_BASE_SECONDS, capped at OUTBOX_RETRY_MAX_DELAY_SECONDS, so a
    long outage is still tried every few minutes."""
    exponent = min(max(attempts - 1, 0), 32)
    seconds = settings.OUTBOX_RETRY_BASE_SECONDS * 2**exponent
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_DELAY_SECONDS))


def email_gives_up_at(*, email: Email) -> datetime:
    """After this moment a failed attempt is the last one."""
    return email.queued_at + timedelta(hours=settings.OUTBOX_RETRY_FOR_HOURS)


def email_record_failure(*, email: Email, error: str, permanent: bool = False) -> bool:
    """Records a failed attempt. Returns True when another attempt should follow.

    `permanent`: retrying cannot help (the sealed link cannot be opened), so this is the last.
    """
    now = timezone.now()
    logger.warning("Email %s attempt %s failed: %s", email.pk, email.attempts, error)
    row = Email.objects.filter(pk=email.pk, status=EmailStatus.SENDING)
    if row.filter(cancelled_at__isnull=False).update(
        status=EmailStatus.CANCELLED, last_error=error[:2000], sealed_secrets="", updated_at=now
    ):
        return False  # cancelled while this attempt ran: the mail is no longer wanted
    if permanent or now >= email_gives_up_at(email=email):
        row.update(
            status=EmailStatus.FAILED, last_error=error[:2000], sealed_secrets="", updated_at=now
        )
        return False
    row.update(
        status=EmailStatus.QUEUED,
        last_error=error[:2000],
        next_attempt_at=now + email_retry_delay(attempts=email.attempts),
        updated_at=now,
    )
    return True


# A retry's countdown message is due at next_attempt_at; the sweeper leaves it this long to
# arrive before assuming a Redis restart lost it.
RETRY_GRACE = timedelta(minutes=1)


def emails_stuck() -> QuerySet[Email]:
    """Rows the broker may have lost: new ones queued long ago, retries past their due time,
    or rows abandoned mid-send."""
    now = timezone.now()
    sending_timeout = timedelta(seconds=settings.OUTBOX_SENDING_TIMEOUT_SECONDS)
    return Email.objects.filter(
        Q(status=EmailStatus.QUEUED, next_attempt_at__lt=now - settings.OUTBOX_STUCK_AFTER)
        | Q(status=EmailStatus.QUEUED, attempts__gt=0, next_attempt_at__lt=now - RETRY_GRACE)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - sending_timeout)
    )


def email_sweep() -> list[int]:
    """Re-enqueues stuck rows (a retry whose countdown the broker lost included); returns ids."""
    now = timezone.now()
    emails_stuck().filter(status=EmailStatus.SENDING, cancelled_at__isnull=False).update(
        status=EmailStatus.CANCELLED, sealed_secrets="", updated_at=now
    )
    # Rows that never got through in the whole retry window (e.g. a worker dying on each try).
    window_start = now - timedelta(hours=settings.OUTBOX_RETRY_FOR_HOURS)
    emails_stuck().filter(queued_at__lt=window_start).update(
        status=EmailStatus.FAILED,
        last_error=f"Not delivered within {settings.OUTBOX_RETRY_FOR_HOURS} hours.",
        sealed_secrets="",
        updated_at=now,
    )
    ids = list(emails_stuck().values_list("pk", flat=True)[:500])
    # A row abandoned mid-send goes back to the queue so that a fresh claim can take it.
    Email.objects.filter(pk__in=ids, status=EmailStatus.SENDING).update(
        status=EmailStatus.QUEUED, updated_at=now
    )
    Email.objects.filter(pk__in=ids).update(next_attempt_at=now, updated_at=now)
    for email_id in ids:
        _enqueue_send(email_id)
    return ids


@transaction.atomic
def email_resend(*, email: Email, actor: User) -> Email:
    """Staff send a failed email again: a fresh retry window, audited.

    Refused when its link was already dropped (the row went final) or is no longer valid:
    then only a new invitation or link helps, and the message says so.
    """
    email = Email.objects.select_for_update().get(pk=email.pk)
    if email.status != EmailStatus.FAILED:
        raise EmailResendRefused(
            f"“{email.subject}” to {email.to} is {email.get_status_display().lower()}; "
            "only failed emails can be resent."
        )
    if email.carries_secrets and not email.sealed_secrets:
        raise EmailResendRefused(
            f"“{email.subject}” to {email.to} carried a link that was discarded when sending "
            "failed. Send a new invitation or Medical Access Link instead "
            "(or ask the person to request a new password-reset email)."
        )
    reason = email_unwanted_reason(email=email)
    if reason:
        raise EmailResendRefused(
            f"“{email.subject}” to {email.to} cannot be resent: {reason} "
            "Send a new invitation or Medical Access Link instead."
        )
    now = timezone.now()
    previous_attempts = email.attempts
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.QUEUED,
        attempts=0,
        queued_at=now,
        next_attempt_at=now,
        claimed_at=None,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action=OutboxEvent.EMAIL_RESENT,
        patient=email.patient,
        target=email,
        details={
            "to": email.to,
            "purpose": email.purpose,
            "previous_attempts": previous_attempts,
            "last_error": email.last_error[:200],
        },
    )
    transaction.on_commit(lambda: _enqueue_send(email.pk))
    email.refresh_from_db()
    return email
