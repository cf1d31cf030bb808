"""A real Celery worker process on Redis delivers an outbox email to a real SMTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from outbox.models import Email, EmailStatus
from outbox.services import email_queue
from portal_project.celery import app as celery_app
from tests.conftest import require_services

ROOT = Path(__file__).resolve().parents[2]


class CollectingHandler:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[CollectingHandler, int]]:
    handler = CollectingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _test_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(smtp_server: tuple[CollectingHandler, int]) -> Iterator[subprocess.Popen[bytes]]:
    _, port = smtp_server
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "EMAIL_USE_TLS": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal_project",
            "worker",
            "--pool=solo",
            "--loglevel=info",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_queued_email_over_smtp(
    smtp_server: tuple[CollectingHandler, int], worker: subprocess.Popen[bytes]
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
        if worker.poll() is not None:
            output = worker.stdout.read().decode() if worker.stdout else ""
            pytest.fail(f"The worker exited early:\n{output}")
        time.sleep(0.25)

    assert len(handler.messages) == 1, "the SMTP server received nothing within 60 seconds"
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
