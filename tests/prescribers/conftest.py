"""The Joe Smith example as fixtures: his account, his clinics, the pharmacy's profiles."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from clinics.models import Clinic, PractitionerClinic
from prescribers.models import PrescriberProfile
from tests.factories import ClinicFactory
from tests.prescribers.factories import (
    PrescriberProfileFactory,
    combination,
    pharmacy_staff_member,
    practitioner_account,
)


@pytest.fixture
def happy_clinic(db: None) -> Clinic:
    return ClinicFactory(name="Happy Clinic West", address_line1="410 Sunset Blvd", city="Tucson")


@pytest.fixture
def southern_clinic(db: None) -> Clinic:
    return ClinicFactory(name="Southern Clinic of Joy", city="Phoenix")


@pytest.fixture
def joe(happy_clinic: Clinic) -> User:
    """Provider Joe Smith's practitioner account: he works at Happy Clinic West."""
    return practitioner_account(
        clinics=[happy_clinic],
        email="joe.smith@example.com",
        first_name="Joe",
        last_name="Smith",
    )


@pytest.fixture
def joe_at_happy(joe: User, happy_clinic: Clinic) -> PractitionerClinic:
    return combination(joe, happy_clinic)


@pytest.fixture
def joe_at_southern(joe: User, southern_clinic: Clinic) -> PractitionerClinic:
    """Joe starts practising at Southern Clinic of Joy."""
    return PractitionerClinic.objects.create(practitioner=joe.practitioner, clinic=southern_clinic)


@pytest.fixture
def southern_profile(joe: User) -> PrescriberProfile:
    """The pharmacy's existing, unlinked profile for Joe at Southern Clinic of Joy."""
    return PrescriberProfileFactory(
        first_name="Joe",
        last_name="Smith",
        npi=joe.practitioner.npi,
        clinic_name="Southern Clinic of Joy",
    )


@pytest.fixture
def other_practitioner(db: None) -> User:
    """Another practitioner at another clinic: must never see Joe's patients."""
    return practitioner_account(
        clinics=[ClinicFactory(name="Elsewhere Clinic")],
        email="dr.other@example.com",
        first_name="Olive",
        last_name="Other",
    )


@pytest.fixture
def pharmacy_staff(db: None) -> User:
    return pharmacy_staff_member(email="pharmacist@example.com")


@pytest.fixture
def pharmacy_client(pharmacy_staff: User) -> Client:
    client = Client()
    client.force_login(pharmacy_staff)
    return client


@pytest.fixture
def joe_client(joe: User) -> Client:
    client = Client()
    client.force_login(joe)
    return client
