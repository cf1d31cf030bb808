"""Shared fixtures: personas, a fixed clock, a cache per xdist worker, and the gate for tests
that need PostgreSQL and Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models.signals import post_migrate
from django.test.signals import clear_cache_handlers
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from accounts.models import User
from clinics.models import Clinic, Patient
from portal_project.celery import app as celery_app
from tests.factories import ClinicFactory, PatientFactory, UserFactory, staff_member

IN_CI = os.environ.get("CI", "").lower() == "true"
# "gw0", "gw1"... under pytest-xdist; "main" for a run in one process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def pytest_configure(config: pytest.Config) -> None:
    """Each xdist worker keeps its cache keys under a prefix of its own in a shared Redis.

    Clearing "the cache" between tests then empties only this worker's keys: a FLUSHDB would
    reset another worker's rate-limit counters in the middle of its test. (The local-memory
    cache of a run without Redis is private to each worker process already.)
    """
    cache_settings = settings.CACHES["default"]
    cache_settings["KEY_PREFIX"] = f"{cache_settings.get('KEY_PREFIX', '')}test-{XDIST_WORKER}"
    clear_cache_handlers(setting="CACHES")


def cache_clear() -> None:
    """Empties this worker's cache, and only this worker's."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        backend.clear()
        return
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def require_services() -> None:
    """PostgreSQL and Redis: a local run without them skips, a CI run without them fails."""
    missing = []
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        missing.append("PostgreSQL (set DATABASE_URL)")
    if not settings.REDIS_URL:
        missing.append("Redis (set REDIS_URL)")
    if missing:
        reason = "needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)


def require_postgresql() -> None:
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        reason = "needs PostgreSQL (set DATABASE_URL)"
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _staff_groups_survive_flush(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Keeps the staff groups the data migrations made, for every test.

    A transactional test (threads, the browser's live server) ends with a flush that empties
    every table, groups included. The flush then sends post_migrate, so the groups are put back
    right there, from a copy taken once before any test ran.
    """
    with django_db_blocker.unblock():
        snapshot = serializers.serialize(
            "json",
            Group.objects.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )

    def restore(sender: Any, using: str = "default", **kwargs: Any) -> None:
        if Group.objects.using(using).exists():
            return
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0, using=using)
        for deserialized in serializers.deserialize("json", snapshot, using=using):
            deserialized.save(using=using)

    post_migrate.connect(restore, dispatch_uid="tests-staff-groups")
    yield
    post_migrate.disconnect(dispatch_uid="tests-staff-groups")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_inline_and_fresh_cache() -> Iterator[None]:
    """Tests run Celery tasks inline unless they start a real worker themselves."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    cache_clear()
    yield
    celery_app.conf.task_always_eager = previous


# Friday noon in New York, two days before the clocks there (and in Chicago, the factories'
# zone) go back an hour: three days from now is 72 hours but not the same time on the wall.
CLOCK_START = datetime(2026, 10, 30, 16, 0, tzinfo=UTC)


class Clock:
    """A fixed clock (time-machine, at the C level): stands still until the test moves it.

    Every reader of the time agrees with it: `timezone.now()`, `time.time()`, signed cookies,
    the local-memory cache. Not for tests that start other processes: those keep real time.
    """

    def __init__(self, *, start: datetime) -> None:
        self._travel = time_machine.travel(start, tick=False)
        self._traveller = self._travel.start()

    @property
    def now(self) -> datetime:
        return timezone.now()

    def move_to(self, moment: datetime) -> None:
        self._traveller.move_to(moment)

    def advance(self, **delta: float) -> None:
        self._traveller.shift(timedelta(**delta))

    def stop(self) -> None:
        self._travel.stop()


@pytest.fixture
def clock() -> Iterator[Clock]:
    """The test's fixed clock, at `CLOCK_START` until moved."""
    fixed = Clock(start=CLOCK_START)
    yield fixed
    fixed.stop()


@contextmanager
def wsgi_keeps_test_connection() -> Iterator[None]:
    """For requests sent through the real WSGI handler rather than the test client.

    The handler's request signals would close the test's database connection mid-transaction
    (on PostgreSQL); Django's test client unhooks them the same way, around each request.
    """
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def clinic(db: None) -> Clinic:
    return ClinicFactory(name="Northside Family Clinic", phone="(555) 010-2000")


@pytest.fixture
def other_clinic(db: None) -> Clinic:
    return ClinicFactory(name="Lakeside Health Centre")


@pytest.fixture
def clinic_staff(clinic: Clinic) -> User:
    """Front desk of the clinic the test is about."""
    return staff_member(clinic=clinic, email="frontdesk@northside.example")


@pytest.fixture
def other_clinic_staff(other_clinic: Clinic) -> User:
    """Staff of another clinic: must never see the first clinic's records."""
    return staff_member(clinic=other_clinic, email="frontdesk@lakeside.example")


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


@pytest.fixture
def patient(clinic: Clinic) -> Patient:
    return PatientFactory(clinic=clinic, first_name="Laura", last_name="Bennett")


@pytest.fixture
def outsider(db: None) -> User:
    """A portal account with no business with anyone's records."""
    return UserFactory(email="outsider@example.com")
