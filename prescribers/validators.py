"""Validators for pharmacy records: DEA numbers and dates of birth."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

# Registrant type, then the registrant's last-name initial (or 9 for a business), then 7 digits.
_DEA_FORMAT = re.compile(r"^[A-Z][A-Z9][0-9]{7}$")


def _dea_check_digit(six_digits: str) -> int:
    digits = [int(char) for char in six_digits]
    return (digits[0] + digits[2] + digits[4] + 2 * (digits[1] + digits[3] + digits[5])) % 10


def dea_is_valid(value: str) -> bool:
    return bool(_DEA_FORMAT.match(value)) and _dea_check_digit(value[2:8]) == int(value[8])


def validate_dea_number(value: str) -> None:
    if not _DEA_FORMAT.match(value):
        raise ValidationError(
            "A DEA number is two letters and seven digits, for example AB1234563.",
            code="dea_format",
        )
    if not dea_is_valid(value):
        raise ValidationError(
            "This DEA number's check digit is wrong; please check the number for a typo.",
            code="dea_check_digit",
        )


def dea_with_check_digit(first_eight: str) -> str:
    """Two letters and six digits, completed with their check digit."""
    return first_eight + str(_dea_check_digit(first_eight[2:8]))


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("A date of birth cannot be in the future.", code="birth_date_future")
    if value.year < 1900:
        raise ValidationError("Please check the year of birth.", code="birth_date_too_old")


def validate_phone(value: str) -> None:
    digits = sum(char.isdigit() for char in value)
    if not 7 <= digits <= 15 or not all(char.isdigit() or char in " ()+-.x" for char in value):
        raise ValidationError(
            "Enter a phone number, for example (555) 010-2000.", code="phone_format"
        )
