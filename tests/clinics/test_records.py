from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clinics.models import Clinic, Patient
from clinics.selectors import patient_search
from clinics.validators import npi_is_valid, validate_npi
from tests.factories import PatientFactory, PractitionerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("npi", ["1234567893", "1245319599"])
def test_it_accepts_an_npi_with_a_correct_check_digit(npi: str) -> None:
    assert npi_is_valid(npi)
    validate_npi(npi)


@pytest.mark.parametrize(
    ("npi", "message"),
    [("1234567890", "check digit"), ("12345", "exactly 10 digits"), ("12345678AB", "10 digits")],
)
def test_it_explains_why_an_npi_is_refused(npi: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_npi(npi)


def test_it_refuses_a_practitioner_with_a_bad_npi() -> None:
    practitioner = PractitionerFactory.build(npi="1234567890")
    with pytest.raises(ValidationError) as error:
        practitioner.full_clean()
    assert "npi" in error.value.message_dict


@pytest.fixture
def people(clinic: Clinic) -> dict[str, Patient]:
    return {
        "laura": PatientFactory(
            clinic=clinic,
            first_name="Laura",
            last_name="Bennett",
            email="laura@example.com",
            date_of_birth=date(1986, 4, 12),
        ),
        "emma": PatientFactory(
            clinic=clinic,
            first_name="Emma",
            last_name="Bennett",
            preferred_name="Em",
            date_of_birth=date(2015, 9, 3),
        ),
        "walter": PatientFactory(
            clinic=clinic, first_name="Walter", last_name="Grimes", date_of_birth=date(1941, 11, 30)
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bennett", {"laura", "emma"}),
        ("Laura Bennett", {"laura"}),
        ("Bennett, Emma", {"emma"}),
        ("em", {"emma"}),
        ("laura@example", {"laura"}),
        ("1941-11-30", {"walter"}),
        ("09/03/2015", {"emma"}),
        ("", {"laura", "emma", "walter"}),
        ("nobody", set()),
    ],
)
def test_it_finds_patients_by_name_email_or_birth_date(
    people: dict[str, Patient], query: str, expected: set[str]
) -> None:
    found = set(patient_search(queryset=Patient.objects.all(), query=query))
    assert found == {people[key] for key in expected}
