"""An SMTP outage delays mail, it does not lose it; a dead worker's row is picked up in minutes.

Every test runs on the fixed clock, moved by hand, so hours of outage take no time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from outbox.models import Email, EmailStatus
from outbox.services import email_claim, email_queue, email_retry_delay
from outbox.tasks import email_send, outbox_sweep
from tests.conftest import Clock
from tests.outbox.backends import BrokenSMTP

pytestmark = pytest.mark.django_db

BROKEN = "tests.outbox.backends.BrokenSMTP"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _defaults(settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS = 30
    settings.OUTBOX_RETRY_MAX_DELAY_SECONDS = 600
    settings.OUTBOX_RETRY_FOR_HOURS = 48
    settings.OUTBOX_STUCK_AFTER = timedelta(minutes=5)
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = 180


def _queue() -> Email:
    return email_queue(
        to="ann@example.com", subject="Your appointment", body_text="See you.", purpose="test"
    )


def _outage_until(clock: Clock, email: Email, end: datetime) -> None:
    """Tries the email each time it falls due, as the worker would, until `end`."""
    while True:
        email.refresh_from_db()
        if email.status != EmailStatus.QUEUED or email.next_attempt_at > end:
            return
        clock.move_to(max(clock.now, email.next_attempt_at))
        email_send.run(email.pk)


def test_the_backoff_doubles_then_stays_at_the_cap() -> None:
    delays = [email_retry_delay(attempts=n).total_seconds() for n in range(1, 9)]
    assert delays == [30, 60, 120, 240, 480, 600, 600, 600]
    assert email_retry_delay(attempts=5000) == timedelta(seconds=600)


def test_it_schedules_the_retry_with_the_capped_delay(
    settings: Any, monkeypatch: Any, clock: Clock
) -> None:
    settings.EMAIL_BACKEND = BROKEN
    email_send.app.conf.task_always_eager = False  # as on a real worker (conftest restores it)
    scheduled: list[float] = []
    monkeypatch.setattr(
        email_send, "apply_async", lambda args, countdown: scheduled.append(countdown)
    )
    email = _queue()
    Email.objects.filter(pk=email.pk).update(attempts=9)
    email_send.run(email.pk)
    email.refresh_from_db()
    assert scheduled == [600.0]
    assert email.next_attempt_at == clock.now + timedelta(seconds=600)


def test_it_is_still_retrying_after_the_old_seven_and_a_half_minute_limit(
    settings: Any, clock: Clock
) -> None:
    settings.EMAIL_BACKEND = BROKEN
    email = _queue()
    _outage_until(clock, email, clock.now + timedelta(minutes=8))
    email.refresh_from_db()
    assert email.attempts >= 5  # the old code gave up for good at the fifth
    assert email.status == EmailStatus.QUEUED


def test_a_six_hour_outage_then_recovery_delivers_the_mail_once(
    settings: Any, clock: Clock
) -> None:
    settings.EMAIL_BACKEND = BROKEN
    BrokenSMTP.calls = 0
    start = clock.now
    email = _queue()
    _outage_until(clock, email, start + timedelta(hours=6))
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    # Tried at most every 10 minutes all along, so the mail goes out soon after recovery.
    assert email.next_attempt_at - clock.now <= timedelta(seconds=600)
    assert BrokenSMTP.calls >= 6 * 6

    settings.EMAIL_BACKEND = WORKING
    clock.move_to(email.next_attempt_at)
    email_send.run(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_it_marks_the_mail_failed_only_after_the_retry_window(settings: Any, clock: Clock) -> None:
    settings.EMAIL_BACKEND = BROKEN
    start = clock.now
    email = _queue()
    _outage_until(clock, email, start + timedelta(hours=47, minutes=50))
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED

    _outage_until(clock, email, start + timedelta(hours=49))
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert clock.now >= start + timedelta(hours=48)
    assert "SMTP server refused the connection" in email.last_error


def test_the_retry_window_is_configurable(settings: Any, clock: Clock) -> None:
    settings.EMAIL_BACKEND = BROKEN
    settings.OUTBOX_RETRY_FOR_HOURS = 1
    start = clock.now
    email = _queue()
    _outage_until(clock, email, start + timedelta(hours=2))
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert start + timedelta(hours=1) <= email.updated_at <= start + timedelta(minutes=71)


def test_the_sweeper_retries_a_row_whose_countdown_the_broker_lost(
    settings: Any, clock: Clock
) -> None:
    settings.EMAIL_BACKEND = BROKEN
    email = _queue()
    email_send.run(email.pk)  # fails; its retry message then vanishes in a Redis restart
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED

    settings.EMAIL_BACKEND = WORKING
    clock.move_to(email.next_attempt_at + timedelta(seconds=30))
    assert outbox_sweep.run() == 0  # its countdown message may still be on its way
    clock.move_to(email.next_attempt_at + timedelta(seconds=61))
    assert outbox_sweep.run() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_a_row_left_sending_by_a_dead_worker_is_sent_within_minutes(clock: Clock) -> None:
    email = _queue()
    assert email_claim(email_id=email.pk) is not None  # the worker is SIGKILLed right here

    clock.advance(seconds=170)
    assert outbox_sweep.run() == 0  # a live worker could still be sending it
    clock.advance(seconds=20)
    assert outbox_sweep.run() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_a_row_that_kills_its_worker_every_time_fails_after_the_window(clock: Clock) -> None:
    start = clock.now
    email = _queue()
    Email.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=start)
    clock.move_to(start + timedelta(hours=48, minutes=5))
    assert outbox_sweep.run() == 0
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED
    assert "48 hours" in email.last_error
    assert mail.outbox == []
