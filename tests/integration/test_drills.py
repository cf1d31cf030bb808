"""Drills: the outbox loses no mail and sends none twice when things break.

Real processes throughout: a Redis server the test starts (and restarts empty), Celery workers
on the test database, and a local SMTP server that counts each mail by its unique subject.
The outbox's timings are shortened through the environment (workers) and settings (this
process, which plays the beat's periodic sweeper), as an operator would.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import redis

from outbox.models import Email, EmailStatus
from outbox.services import email_queue, email_sweep
from tests.integration.conftest import (
    CollectingHandler,
    RedisServer,
    SmtpServer,
    Worker,
    free_port,
    worker_start,
)

# The workers started here share the broker of REDIS_URL: one xdist worker runs them all.
pytestmark = pytest.mark.xdist_group("celery")

# A row left "sending" by a dead worker goes back to the queue after this many seconds.
SENDING_TIMEOUT_SECONDS = 3
OUTBOX_ENVIRONMENT = {
    "OUTBOX_SENDING_TIMEOUT_SECONDS": str(SENDING_TIMEOUT_SECONDS),
    # A queued row is "stuck" as soon as it is due: the sweeper re-enqueues what Redis lost.
    "OUTBOX_STUCK_MINUTES": "0",
    "OUTBOX_RETRY_BASE_SECONDS": "1",
    "OUTBOX_RETRY_MAX_DELAY_SECONDS": "2",
    "OUTBOX_RETRY_FOR_HOURS": "48",
}
# Before issue 9 a mail was tried 5 times, then marked failed for good.
OLD_MAX_ATTEMPTS = 5


def _subject(envelope: Any) -> str:
    return str(message_from_bytes(envelope.content)["Subject"])


def _queue_mails(count: int, label: str) -> list[str]:
    subjects = [f"{label} mail {number:02}" for number in range(1, count + 1)]
    for number, subject in enumerate(subjects, start=1):
        email_queue(
            to=f"patient{number:02}@example.com",
            subject=subject,
            body_text=f"This is {subject.lower()}.",
            purpose="integration-drill",
        )
    return subjects


def _wait_for(
    condition: Callable[[], bool],
    *,
    seconds: float,
    workers: list[Worker],
    every: float = 0.1,
) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        for worker in workers:
            worker.assert_alive()
        time.sleep(every)
    return condition()


class Drill:
    """The processes a drill starts, stopped at its end whatever happened."""

    def __init__(self, redis_server: RedisServer, logs: Path) -> None:
        self.redis_server = redis_server
        self.logs = logs
        self.workers: list[Worker] = []
        self.smtp_servers: list[SmtpServer] = []

    def start_smtp(self, handler: CollectingHandler, port: int) -> SmtpServer:
        server = SmtpServer(handler, port)
        server.start()
        self.smtp_servers.append(server)
        return server

    def start_worker(self, *, smtp_port: int) -> Worker:
        worker = worker_start(
            broker_url=self.redis_server.url,
            smtp_port=smtp_port,
            log=self.logs / f"worker-{len(self.workers) + 1}.log",
            environment=OUTBOX_ENVIRONMENT,
        )
        self.workers.append(worker)
        return worker

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        for server in self.smtp_servers:
            server.stop()


@pytest.fixture
def drill(
    redis_server: RedisServer,
    celery_publishes_to_redis_server: None,
    settings: Any,
    tmp_path: Path,
) -> Iterator[Drill]:
    settings.OUTBOX_SENDING_TIMEOUT_SECONDS = SENDING_TIMEOUT_SECONDS
    settings.OUTBOX_STUCK_AFTER = timedelta(0)
    started = Drill(redis_server, tmp_path)
    yield started
    started.close()


class HoldingHandler(CollectingHandler):
    """A slow SMTP server that holds the DATA of the `hold`-th message until its sender dies.

    The held message is never acknowledged: the sender's connection drops, aiosmtpd cancels
    this handler, and the message is written down as abandoned, not as delivered.
    """

    def __init__(self, *, delay: float, hold: int) -> None:
        super().__init__(delay=delay)
        self.hold = hold
        self.arrived = 0
        self.holding = threading.Event()
        self.abandoned: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived += 1
        if self.arrived != self.hold:
            return await super().handle_DATA(server, session, envelope)
        self.holding.set()
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            self.abandoned.append(_subject(envelope))
            raise
        return "451 Held too long: the drill never killed the sender"


@pytest.mark.django_db(transaction=True)
def test_drill_a_worker_killed_mid_send_and_redis_restarted_empty_lose_and_repeat_no_mail(
    drill: Drill, redis_server: RedisServer
) -> None:
    """40 mails; the worker is SIGKILLed while the SMTP server holds the 10th one's DATA; Redis
    restarts empty (every queued task gone); a new worker and the sweeper deliver the rest.

    Exactly once holds here because the kill lands before the server's "250" for the message in
    flight, and every earlier message was marked sent before the next began (one task at a
    time). A kill between an SMTP "250" and the row being marked sent cannot be told apart from
    a kill before it, so that mail would be sent again: at-least-once is all SMTP allows there,
    and this drill does not place its kill in that gap.
    """
    handler = HoldingHandler(delay=0.2, hold=10)
    port = free_port()
    drill.start_smtp(handler, port)
    first = drill.start_worker(smtp_port=port)

    subjects = _queue_mails(40, "Drill A")

    assert handler.holding.wait(timeout=45), f"no 10th message arrived:\n{first.output()}"
    first.kill()
    assert _wait_for(lambda: bool(handler.abandoned), seconds=10, workers=[]), (
        "the SMTP server never saw the killed worker go away"
    )
    assert len(handler.messages) == 9
    (held_subject,) = handler.abandoned
    held = Email.objects.get(subject=held_subject)
    assert held.status == EmailStatus.SENDING  # claimed by the dead worker, never finished

    redis_server.restart_empty()
    assert redis.Redis.from_url(redis_server.url).dbsize() == 0
    second = drill.start_worker(smtp_port=port)

    def all_sent() -> bool:
        email_sweep()  # what beat runs every minute in production
        return Email.objects.exclude(status=EmailStatus.SENT).count() == 0

    assert _wait_for(all_sent, seconds=50, workers=[second], every=1), (
        f"{Email.objects.exclude(status=EmailStatus.SENT).count()} mails not sent; "
        f"{len(handler.messages)} delivered:\n{second.output()}"
    )
    # Late duplicates (a task re-enqueued twice, a second claim) would arrive now.
    time.sleep(1.5)
    email_sweep()
    time.sleep(0.5)

    assert Counter(handler.subjects) == Counter(subjects), "each mail exactly once"
    held.refresh_from_db()
    assert held.attempts == 2  # the dead worker's claim, then the new worker's


@pytest.mark.django_db(transaction=True)
def test_drill_b_smtp_down_longer_than_the_old_retry_limit_then_up_delivers_every_mail_once(
    drill: Drill,
) -> None:
    """The SMTP server is down until every mail has failed more attempts than the old limit
    of 5 (which marked it failed for good); once it is up, every mail arrives once and none
    is marked failed."""
    handler = CollectingHandler()
    port = free_port()  # nothing listens there yet: every connection is refused
    worker = drill.start_worker(smtp_port=port)

    subjects = _queue_mails(20, "Drill B")

    def past_the_old_limit() -> bool:
        assert not Email.objects.filter(status=EmailStatus.FAILED).exists(), (
            "a mail was given up during the outage"
        )
        return not Email.objects.filter(attempts__lte=OLD_MAX_ATTEMPTS).exists()

    assert _wait_for(past_the_old_limit, seconds=45, workers=[worker]), (
        "attempts so far: "
        f"{sorted(Email.objects.values_list('attempts', flat=True))}\n{worker.output()}"
    )
    assert handler.messages == []

    drill.start_smtp(handler, port)

    def all_sent() -> bool:
        assert not Email.objects.filter(status=EmailStatus.FAILED).exists()
        return Email.objects.exclude(status=EmailStatus.SENT).count() == 0

    assert _wait_for(all_sent, seconds=20, workers=[worker]), worker.output()
    time.sleep(1)

    assert Counter(handler.subjects) == Counter(subjects), "each mail exactly once"
    assert not Email.objects.filter(attempts__lte=OLD_MAX_ATTEMPTS).exists()
