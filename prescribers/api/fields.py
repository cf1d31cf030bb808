"""Fields that take only the JSON type the schema names, so the schema says exactly what passes.

DRF's own fields are lenient: an integer field takes "5" and 5.0, a text field takes 5. A
client generated from the schema never sends those, and a lenient server would accept requests
the schema calls invalid.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# A quantity from 0.01 to 99999.99, at most two decimals, no sign, no leading zeros.
QUANTITY_PATTERN = r"^(?:[1-9][0-9]{0,4}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?))$"
_QUANTITY = re.compile(QUANTITY_PATTERN)
# Text without NUL (no database stores it) ...
TEXT_PATTERN = r"^[^\x00]*$"
# ... and with a character that is not white space. White space is spelled out, because the
# schema's readers (ECMA regex) and Python's `\s` disagree at the edges.
_SPACE = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
NON_BLANK_TEXT_PATTERN = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


class StrictCharField(serializers.CharField):
    """Text taken as sent (not trimmed), so the schema's maxLength and pattern hold exactly."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)
        if self.allow_blank:
            self.validators.append(
                RegexValidator(TEXT_PATTERN, "Enter text without NUL characters.")
            )
        else:
            self.validators.append(
                RegexValidator(NON_BLANK_TEXT_PATTERN, "This field may not be blank.")
            )

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "pattern": QUANTITY_PATTERN,
        "example": "60",
        "description": 'From "0.01" to "99999.99", at most two decimals, e.g. "60" or "2.5".',
    }
)
class QuantityField(serializers.DecimalField):
    default_error_messages = {
        "invalid": (
            'Send the quantity as a string from "0.01" to "99999.99" with at most two '
            'decimals, e.g. "60" or "2.5".'
        )
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_digits=7, decimal_places=2, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or not _QUANTITY.match(data):
            self.fail("invalid")
        return super().to_internal_value(data)
