"""Forms of the portal's Profile section. The family_links services do the deciding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from phonenumber_field.formfields import PhoneNumberField

from clinics.models import Patient
from clinics.phones import phone_e164, phone_fields_use_region
from family_links.models import EmergencyContact


def _text(
    model_field: str, label: str, *, on: type[models.Model] = Patient, autocomplete: str = ""
) -> forms.CharField:
    max_length = getattr(on._meta.get_field(model_field), "max_length", None)
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    return forms.CharField(
        label=label, max_length=max_length, required=False, widget=forms.TextInput(attrs=attrs)
    )


class DemographicsForm(forms.Form):
    preferred_name = _text("preferred_name", "Preferred name", autocomplete="nickname")
    phone = PhoneNumberField(label="Phone", required=False)
    address_line1 = _text("address_line1", "Address", autocomplete="address-line1")
    address_line2 = _text("address_line2", "Address (line 2)", autocomplete="address-line2")
    city = _text("city", "City", autocomplete="address-level2")
    region = _text("region", "State / province", autocomplete="address-level1")
    postal_code = _text("postal_code", "Postal code", autocomplete="postal-code")
    emergency_name = _text("name", "Emergency contact's name", on=EmergencyContact)
    emergency_relationship = _text("relationship", "Their relationship", on=EmergencyContact)
    emergency_phone = PhoneNumberField(label="Their phone", required=False)

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        """`region`: the record's clinic's country, for numbers typed without a country code."""
        super().__init__(*args, **kwargs)
        phone_fields_use_region(self, region=region)
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])

    def clean_emergency_phone(self) -> str:
        return phone_e164(self.cleaned_data["emergency_phone"])

    @staticmethod
    def initial_for(patient: Patient, contact: EmergencyContact | None) -> dict[str, str]:
        initial = {
            name: getattr(patient, name)
            for name in DemographicsForm.base_fields
            if not name.startswith("emergency_")
        }
        if contact is not None:
            initial.update(
                emergency_name=contact.name,
                emergency_relationship=contact.relationship,
                emergency_phone=contact.phone,
            )
        return initial


class EmailOnFileForm(forms.Form):
    email = forms.EmailField(
        label="New email on file",
        help_text="The clinic's messages and Medical Access Links for this record go here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
