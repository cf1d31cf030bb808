"""A real Celery worker process on Redis delivers an outbox email to a real SMTP server."""

from __future__ import annotations

import time

import pytest

from outbox.models import Email, EmailStatus
from outbox.services import email_queue
from portal_project.celery import app as celery_app
from tests.conftest import require_services
from tests.integration.conftest import CollectingHandler, Worker

# The workers started here share the broker of REDIS_URL: one xdist worker runs them all.
pytestmark = pytest.mark.xdist_group("celery")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_queued_email_over_smtp(
    smtp_server: tuple[CollectingHandler, int], worker: Worker
) -> None:
    require_services()
    handler, _ = smtp_server
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture

    email = email_queue(
        to="laura.bennett@example.com",
        subject="Welcome to your patient portal",
        body_text="Open https://portal.example.org/invite/abc/ to set your password.",
        purpose="integration-test",
    )

    deadline = time.monotonic() + 60
    while not handler.messages and time.monotonic() < deadline:
        worker.assert_alive()
        time.sleep(0.25)

    assert len(handler.messages) == 1, f"nothing received within 60 seconds:\n{worker.output()}"
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == ["laura.bennett@example.com"]
    assert b"Welcome to your patient portal" in envelope.content
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.status == EmailStatus.SENT:
            break
        time.sleep(0.2)
    assert email.status == EmailStatus.SENT
    assert Email.objects.count() == 1
