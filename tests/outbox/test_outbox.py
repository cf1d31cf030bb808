from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from outbox.models import Email, EmailStatus
from outbox.services import email_cancel, email_claim, email_queue, email_record_failure
from outbox.tasks import email_send, outbox_sweep

pytestmark = pytest.mark.django_db


def _queue(**overrides: Any) -> Email:
    fields = {
        "to": "Ann@Example.com",
        "subject": "Your portal invitation",
        "body_text": "Open https://portal.example.org/invite/abc/",
        "body_html": "<p>Open the link</p>",
        "purpose": "test",
    }
    return email_queue(**{**fields, **overrides})


def test_it_leaves_no_row_and_no_task_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks: Any,
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            _queue()
            raise RuntimeError("the change that caused the mail failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        change_that_fails()
    assert Email.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_it_sends_exactly_one_email_once_the_transaction_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
        assert mail.outbox == []  # nothing leaves before the commit
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ann@example.com"]
    assert sent.subject == "Your portal invitation"
    assert sent.alternatives[0][1] == "text/html"


def test_it_sends_once_when_the_task_runs_twice() -> None:
    email = _queue()
    email_send.run(email.pk)
    email_send.run(email.pk)
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_it_keeps_the_email_when_the_broker_is_down(
    monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    def broker_down(*args: Any) -> None:
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(email_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED  # the sweeper will pick it up


def test_it_resends_a_row_stuck_in_the_queue() -> None:
    email = _queue()  # the on-commit enqueue never fires inside this test: the broker "lost" it
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=10))
    assert outbox_sweep.run() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_it_leaves_a_recently_queued_row_to_its_task() -> None:
    _queue()
    assert outbox_sweep.run() == 0
    assert mail.outbox == []


def test_it_requeues_a_row_abandoned_mid_send() -> None:
    email = _queue()
    Email.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox_sweep.run() == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_it_never_sends_cancelled_mail(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = _queue()
        assert email_cancel(emails=Email.objects.filter(pk=email.pk)) == 1
    for callback in callbacks:
        callback()
    Email.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
    outbox_sweep.run()
    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED
    assert mail.outbox == []


def test_it_does_not_cancel_mail_already_sent() -> None:
    email = _queue()
    email_send.run(email.pk)
    assert email_cancel(emails=Email.objects.filter(pk=email.pk)) == 0
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT


def test_it_does_not_retry_mail_cancelled_while_a_worker_was_sending_it(settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.outbox.backends.BrokenSMTP"
    email = _queue()
    claimed = email_claim(email_id=email.pk)
    assert claimed is not None
    email_cancel(emails=Email.objects.filter(pk=email.pk))  # e.g. the invitation was revoked

    assert email_record_failure(email=claimed, error="SMTP 451") is False
    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED


def test_it_does_not_resend_an_abandoned_send_that_was_cancelled() -> None:
    email = _queue()
    email_claim(email_id=email.pk)
    email_cancel(emails=Email.objects.filter(pk=email.pk))
    Email.objects.filter(pk=email.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    assert outbox_sweep.run() == 0
    email.refresh_from_db()
    assert email.status == EmailStatus.CANCELLED
    assert mail.outbox == []
