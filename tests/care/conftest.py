from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from access_control.services import available_practitioners_set
from accounts.models import User
from clinics.models import Clinic, Practitioner
from tests.care.factories import Family, family_on, weekday_hours
from tests.factories import PractitionerFactory


@pytest.fixture(autouse=True)
def documents_folder(settings: Any, tmp_path: Path) -> Path:
    location = tmp_path / "private_media"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def family(clinic: Clinic) -> Family:
    return family_on(clinic)


@pytest.fixture
def parent_client(client: Client, family: Family) -> Client:
    client.force_login(family.account)
    return client


@pytest.fixture
def staff_client(client: Client, clinic_staff: User) -> Client:
    client.force_login(clinic_staff)
    return client


@pytest.fixture
def patel(clinic: Clinic) -> Practitioner:
    """Bookable at the clinic, weekdays 9 to 12."""
    practitioner = PractitionerFactory.create(
        first_name="Maya", last_name="Patel", clinics=[clinic]
    )
    weekday_hours(practitioner, clinic)
    return practitioner


@pytest.fixture
def reyes(clinic: Clinic) -> Practitioner:
    """Works at the clinic with the same hours, but is not one of the child's Available
    Practitioners."""
    practitioner = PractitionerFactory.create(
        first_name="Jordan", last_name="Reyes", clinics=[clinic]
    )
    weekday_hours(practitioner, clinic)
    return practitioner


@pytest.fixture
def booking(family: Family, patel: Practitioner, reyes: Practitioner, clinic_staff: User) -> Family:
    """The child may book Patel only; the parent may book both."""
    available_practitioners_set(patient=family.child, practitioners=[patel], actor=clinic_staff)
    available_practitioners_set(
        patient=family.parent, practitioners=[patel, reyes], actor=clinic_staff
    )
    return family
