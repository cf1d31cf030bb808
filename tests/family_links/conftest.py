"""Personas of family linking: an account holder (a parent with their own record), a family
member already linked to it, a child about to be linked, an outsider (root conftest), and
staff of another clinic (root conftest)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from access_control.models import Relationship
from accounts.models import User
from clinics.models import Clinic, Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PatientFactory, UserFactory

HOLDER_EMAIL = "laura@example.com"


@pytest.fixture
def holder(patient: Patient) -> User:
    """Laura Bennett's portal account, holding her own record."""
    account = UserFactory.create(email=HOLDER_EMAIL, first_name="Laura", last_name="Bennett")
    PortalGrantFactory.create(account=account, patient=patient, relationship=Relationship.SELF)
    return account


@pytest.fixture
def child(clinic: Clinic) -> Patient:
    """Emma, about to be linked to her mother's account."""
    return PatientFactory.create(
        clinic=clinic,
        first_name="Emma",
        last_name="Bennett",
        date_of_birth=date(2015, 9, 3),
        email="emma.bennett@example.com",
    )


@pytest.fixture
def linked_member(clinic: Clinic, holder: User) -> Patient:
    """Noah, already linked to the account holder."""
    noah = PatientFactory.create(
        clinic=clinic, first_name="Noah", last_name="Bennett", date_of_birth=date(2018, 1, 22)
    )
    PortalGrantFactory.create(account=holder, patient=noah, relationship=Relationship.PARENT)
    return noah


@pytest.fixture
def holder_client(holder: User) -> Client:
    """The account holder's browser (its own client: a test may also use `client`)."""
    client = Client()
    client.force_login(holder)
    return client


@pytest.fixture
def staff_client(clinic_staff: User) -> Client:
    client = Client()
    client.force_login(clinic_staff)
    return client
