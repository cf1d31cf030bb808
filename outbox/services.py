"""The outbox: every email is a row first, then a Celery task sends it once.

The row is written in the caller's transaction, and the send is enqueued only once that
transaction commits: a rolled-back change leaves neither a row nor a task.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from outbox.models import Email, EmailStatus

logger = logging.getLogger(__name__)


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
) -> Email:
    email = Email.objects.create(
        to=to.strip().lower(),
        subject=subject[:255],
        body_text=body_text,
        body_html=body_html,
        purpose=purpose,
        patient=patient,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _enqueue_send(email.pk))
    return email


def email_cancel(*, emails: QuerySet[Email]) -> int:
    """Cancels these emails unless already sent.

    A queued row is cancelled at once. A row a worker is sending right now cannot be recalled,
    but it is marked so that a failed attempt is not retried and an abandoned one not re-sent.
    """
    now = timezone.now()
    cancelled = emails.filter(status=EmailStatus.QUEUED).update(
        status=EmailStatus.CANCELLED, cancelled_at=now, updated_at=now
    )
    emails.filter(status=EmailStatus.SENDING, cancelled_at__isnull=True).update(
        cancelled_at=now, updated_at=now
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


def email_deliver(*, email: Email) -> None:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    message.send(fail_silently=False)
    now = timezone.now()
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENT, sent_at=now, last_error="", updated_at=now
    )


def email_retry_delay(*, attempts: int) -> timedelta:
    return timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def email_record_failure(*, email: Email, error: str) -> bool:
    """Records a failed attempt. Returns True when another attempt should follow."""
    now = timezone.now()
    logger.warning("Email %s attempt %s failed: %s", email.pk, email.attempts, error)
    row = Email.objects.filter(pk=email.pk, status=EmailStatus.SENDING)
    if row.filter(cancelled_at__isnull=False).update(
        status=EmailStatus.CANCELLED, last_error=error[:2000], updated_at=now
    ):
        return False  # cancelled while this attempt ran: the mail is no longer wanted
    will_retry = email.attempts < settings.OUTBOX_MAX_ATTEMPTS
    row.update(
        status=EmailStatus.QUEUED if will_retry else EmailStatus.FAILED,
        last_error=error[:2000],
        next_attempt_at=now + email_retry_delay(attempts=email.attempts),
        updated_at=now,
    )
    return will_retry


def emails_stuck() -> QuerySet[Email]:
    """Rows the broker may have lost: queued long past their due time, or abandoned mid-send."""
    now = timezone.now()
    return Email.objects.filter(
        Q(status=EmailStatus.QUEUED, next_attempt_at__lt=now - settings.OUTBOX_STUCK_AFTER)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - settings.OUTBOX_SENDING_TIMEOUT)
    )


def email_sweep() -> list[int]:
    """Re-enqueues stuck rows. Returns their ids."""
    now = timezone.now()
    emails_stuck().filter(status=EmailStatus.SENDING, cancelled_at__isnull=False).update(
        status=EmailStatus.CANCELLED, updated_at=now
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
