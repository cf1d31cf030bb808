"""Phone numbers (django-phonenumber-field): stored E.164, typed and shown in the clinic's region.

A number typed without a country code is read in the region of the clinic that owns the record
(`Clinic.phone_region`, by default PHONENUMBER_DEFAULT_REGION); it is shown in that region's
national format, and a number from another country in international format.
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from phonenumber_field.widgets import RegionalPhoneNumberWidget

PHONE_INVALID_MESSAGE = "Enter a valid phone number, for example {example}, or one starting with +."


def phone_region_default() -> str:
    return str(settings.PHONENUMBER_DEFAULT_REGION)


def validate_phone_region(value: str) -> None:
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(
            "Enter a two-letter country code, for example US or GB.", code="phone_region"
        )


def phone_display(number: PhoneNumber | str | None, *, region: str) -> str:
    """National format for the region's own numbers, international for others; as typed when
    not a valid number (a number kept from before validation, or sent through the API)."""
    parsed = to_python(number or "", region=region)
    if not isinstance(parsed, PhoneNumber) or not parsed:
        return ""
    if not parsed.is_valid():
        return str(parsed.raw_input)
    if phonenumbers.region_code_for_number(parsed) == region:
        return str(parsed.as_national)
    return str(parsed.as_international)


def phone_e164(value: PhoneNumber | str | None) -> str:
    """A number as the text services store: E.164, or "" when there is no valid number."""
    number = to_python(value or "")
    return str(number.as_e164) if isinstance(number, PhoneNumber) and number.is_valid() else ""


def phone_fields_use_region(form: forms.BaseForm, *, region: str) -> None:
    """Reads and shows the form's phone numbers in `region`; refusals give an example from there."""
    example = to_python(phonenumbers.example_number(region)).as_national
    for field in form.fields.values():
        if isinstance(field, PhoneNumberField):
            field.region = region
            field.widget = RegionalPhoneNumberWidget(region=region, attrs=field.widget.attrs)
            field.error_messages["invalid"] = PHONE_INVALID_MESSAGE.format(example=example)


def phone_numbers_to_e164(*, model: Any, fields: list[str], region: str) -> int:
    """Rewrites the stored numbers of `fields` as E.164 (data migrations); blanks what does not
    parse as a valid number, and returns how many values were blanked."""
    blanked = 0
    for row in model.objects.all().only("pk", *fields).iterator():
        changed = {}
        for name in fields:
            raw = row.__dict__[name]
            if not raw:
                continue
            try:
                parsed = phonenumbers.parse(str(raw), region)
            except phonenumbers.NumberParseException:
                parsed = None
            if parsed is not None and phonenumbers.is_valid_number(parsed):
                changed[name] = phonenumbers.format_number(
                    parsed, phonenumbers.PhoneNumberFormat.E164
                )
            else:
                changed[name] = ""
                blanked += 1
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)
    return blanked
