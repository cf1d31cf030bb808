"""Shared fixtures: personas, and the gate for tests that need PostgreSQL and Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models.signals import post_migrate
from pytest_django import DjangoDbBlocker

from accounts.models import User
from clinics.models import Clinic, Patient
from portal_project.celery import app as celery_app
from tests.factories import ClinicFactory, PatientFactory, UserFactory, staff_member

IN_CI = os.environ.get("CI", "").lower() == "true"


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
    cache.clear()
    yield
    celery_app.conf.task_always_eager = previous


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
