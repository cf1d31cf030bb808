"""What the integration tests share: a local SMTP server, a Redis server of the test's own, and
real Celery worker processes that work on the test database."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from portal_project.celery import app as celery_app
from tests.conftest import IN_CI, require_services

ROOT = Path(__file__).resolve().parents[2]
WORKER_COMMAND = [sys.executable, "-m", "celery", "-A", "portal_project", "worker"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CollectingHandler:
    """Keeps every message whose DATA completed, i.e. whose "250" could reach the sender.

    `delay`: seconds each DATA takes, a slow server. A sender that goes away before the reply
    cancels the handler (aiosmtpd does on a lost connection): that message is not kept.
    """

    def __init__(self, *, delay: float = 0.0) -> None:
        self.delay = delay
        self.messages: list[Any] = []

    @property
    def subjects(self) -> list[str]:
        return [str(message_from_bytes(m.content)["Subject"]) for m in self.messages]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    """An SMTP server on a fixed local port that a test can take down and bring back."""

    def __init__(self, handler: CollectingHandler, port: int) -> None:
        self.handler = handler
        self.port = port
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server() -> Iterator[tuple[CollectingHandler, int]]:
    handler = CollectingHandler()
    server = SmtpServer(handler, free_port())
    server.start()
    yield handler, server.port
    server.stop()


class RedisServer:
    """A redis-server of the test's own, that keeps nothing on disk: a restart comes back empty."""

    def __init__(self, binary: str, port: int) -> None:
        self.binary = binary
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        self._process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def kill(self) -> None:
        """Dies at once, as a crash or an out-of-memory kill would: every queued task is lost."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=10)
            self._process = None

    def restart_empty(self) -> None:
        self.kill()
        self.start()


@pytest.fixture
def services() -> None:
    """PostgreSQL and Redis, checked before any process is started."""
    require_services()


@pytest.fixture
def redis_server(services: None) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "needs the redis-server program (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)
    server = RedisServer(binary, free_port())
    server.start()
    yield server
    server.kill()


@pytest.fixture
def celery_publishes_to_redis_server(redis_server: RedisServer) -> Iterator[None]:
    """This process's Celery app publishes to the test's own Redis server for the test."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = redis_server.url
    celery_app.conf.task_always_eager = False  # restored by the root conftest's fixture
    _celery_forget_connections()
    yield
    celery_app.conf.broker_url = previous
    _celery_forget_connections()


def _celery_forget_connections() -> None:
    # Celery keeps a connection pool and a producer pool per app, made for the broker URL of
    # the first publish; dropping them makes the next publish connect to the URL set now.
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_database_url() -> str:
    """The database this test run uses (pytest-django's test_<name>), for a worker process."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    """A real `celery worker` process (one task at a time) on the test database."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]

    def assert_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"The worker exited early:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no acknowledgement, whatever it was doing is cut off."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_start(
    *, broker_url: str, smtp_port: int, log: Path, environment: dict[str, str] | None = None
) -> Worker:
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker_url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        **(environment or {}),
    }
    # The log goes to a file: a pipe nobody reads fills up and blocks a chatty worker.
    with log.open("ab") as output:
        process = subprocess.Popen(
            [
                *WORKER_COMMAND,
                "--pool=solo",
                "--loglevel=info",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Worker(process, log)


@pytest.fixture
def worker(
    services: None, smtp_server: tuple[CollectingHandler, int], tmp_path: Path
) -> Iterator[Worker]:
    """A worker on the Redis of REDIS_URL, sending to `smtp_server`."""
    _, port = smtp_server
    started = worker_start(broker_url=settings.REDIS_URL, smtp_port=port, log=tmp_path / "w.log")
    yield started
    started.stop()
