from __future__ import annotations

import pytest
from django.test import Client

from access_control.models import PortalGrant
from accounts.models import User
from clinics.models import Clinic, Patient, Practitioner
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PractitionerFactory, UserFactory


@pytest.fixture
def portal_account(patient: Patient) -> User:
    """The patient's own portal account."""
    account = UserFactory.create(email="laura@example.com")
    PortalGrantFactory.create(account=account, patient=patient)
    return account


@pytest.fixture
def portal_grant(portal_account: User, patient: Patient) -> PortalGrant:
    return PortalGrant.objects.get(account=portal_account, patient=patient)


@pytest.fixture
def staff_client(client: Client, clinic_staff: User) -> Client:
    client.force_login(clinic_staff)
    return client


@pytest.fixture
def practitioners(clinic: Clinic, other_clinic: Clinic) -> dict[str, Practitioner]:
    """Two bookable practitioners of the clinic, one not bookable, one of another clinic."""
    return {
        "patel": PractitionerFactory.create(last_name="Patel", clinics=[clinic]),
        "reyes": PractitionerFactory.create(last_name="Reyes", clinics=[clinic]),
        "offline": PractitionerFactory.create(
            last_name="Offline", clinics=[clinic], bookable_in_portal=False
        ),
        "elsewhere": PractitionerFactory.create(last_name="Elsewhere", clinics=[other_clinic]),
    }
