from __future__ import annotations

from collections.abc import Callable

import pytest

from access_control.models import Relationship
from accounts.models import User
from clinics.models import Clinic, Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PatientFactory, UserFactory


@pytest.fixture
def account_with_records(clinic: Clinic) -> Callable[[int], User]:
    """An account holding its own record and `count - 1` children's records."""

    def make(count: int) -> User:
        account = UserFactory.create()
        for index in range(count):
            PortalGrantFactory.create(
                account=account,
                patient=PatientFactory.create(clinic=clinic),
                relationship=Relationship.SELF if index == 0 else Relationship.PARENT,
            )
        return account

    return make


@pytest.fixture
def own_account(patient: Patient) -> User:
    account = UserFactory.create(email="laura@example.com", first_name="Laura")
    PortalGrantFactory.create(account=account, patient=patient)
    return account
