"""schemathesis against the served OpenAPI schema, with a practitioner's token: every check."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis import Case

from tests.api.conftest import ApiCaller
from tests.conftest import IN_CI, wsgi_keeps_test_connection

# Loaded as any client would: from the served schema, through the project's WSGI application.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@pytest.fixture
def caller_unthrottled(caller: ApiCaller, settings: Any) -> Iterator[ApiCaller]:
    # The throttle has its own test; here it would only cut the run short.
    settings.API_THROTTLE_RATE = "100000/min"
    with wsgi_keeps_test_connection():
        yield caller


def _valid_where_the_schema_cannot_say(case: Case, clinic_id: int) -> None:
    """A schema cannot say "one of your clinics" or "a date of birth in the past".

    Valid (positive) cases get the practitioner's own clinic and a plausible birth date, so
    the API's acceptance of schema-valid data is what is tested. Invalid (negative) cases are
    left as generated.
    """
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    body = case.body
    if not isinstance(body, dict):
        return
    body["clinic"] = clinic_id
    patient = body.get("patient")
    if isinstance(patient, dict):
        patient["date_of_birth"] = "1970-01-01"


@schema.parametrize()
@settings(
    # CI explores deeper; a newcomer's `make test` keeps to its time budget.
    max_examples=150 if IN_CI else 50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_passes_every_schemathesis_check(case: Case, caller_unthrottled: ApiCaller) -> None:
    _valid_where_the_schema_cannot_say(case, caller_unthrottled.practitioner_clinic.clinic_id)
    case.call_and_validate(headers=caller_unthrottled.headers)
