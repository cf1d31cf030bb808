from __future__ import annotations

from django.core.exceptions import ValidationError

# An NPI's check digit is the Luhn digit of the nine leading digits prefixed with 80840.
_NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    return (
        len(npi) == 10 and npi.isdigit() and luhn_check_digit(_NPI_PREFIX + npi[:9]) == int(npi[9])
    )


def validate_npi(value: str) -> None:
    if not (len(value) == 10 and value.isdigit()):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if not npi_is_valid(value):
        raise ValidationError(
            "This NPI's check digit is wrong; please check the number for a typo.",
            code="npi_check_digit",
        )


def npi_with_check_digit(first_nine: str) -> str:
    return first_nine + str(luhn_check_digit(_NPI_PREFIX + first_nine))
