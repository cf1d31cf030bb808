"""A practitioner with one clinic and an API token: who the API tests speak as."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accounts.models import User
from clinics.models import PractitionerClinic
from prescribers.services.api_tokens import api_token_create
from tests.factories import ClinicFactory
from tests.prescribers.factories import combination, practitioner_account


@dataclass(frozen=True)
class ApiCaller:
    user: User
    practitioner_clinic: PractitionerClinic
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def caller(db: None) -> ApiCaller:
    clinic = ClinicFactory(name="Happy Clinic West")
    user = practitioner_account(clinics=[clinic], email="joe.smith@example.com")
    return ApiCaller(
        user=user,
        practitioner_clinic=combination(user, clinic),
        token=api_token_create(user=user, name="EHR").raw_token,
    )
