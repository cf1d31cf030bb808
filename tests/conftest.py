"""Shared fixtures: personas, and the gate for tests that need PostgreSQL and Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

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
