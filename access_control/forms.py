"""Forms of the Portal Access tab and of the invitation page. Services do the deciding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from access_control.models import GrantScope, Relationship
from access_control.selectors import clinic_bookable_practitioners
from clinics.models import Patient, Practitioner

YES_NO = [("yes", "Yes"), ("no", "No")]


class YesNoForm(forms.Form):
    choice = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)

    @property
    def yes(self) -> bool:
        return bool(self.cleaned_data["choice"] == "yes")


class AvailablePractitionersForm(forms.Form):
    practitioners: forms.ModelMultipleChoiceField[Practitioner] = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Available Practitioners",
        help_text="The patient can book appointments in the portal only with those selected.",
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["practitioners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = clinic_bookable_practitioners(clinic_id=patient.clinic_id)


class ManualAccountForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        help_text=(
            "Use the patient's email address as the username: then “Forgot password” "
            "works for them. Any other username works too, but only staff can reset it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    password = forms.CharField(
        label="Temporary password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "With full portal access, the patient must choose a new password the first time "
            "they sign in. An intake-forms-only account keeps this password: it cannot change it."
        ),
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=GrantScope.choices,
        initial=GrantScope.FULL,
        widget=forms.RadioSelect,
        help_text=(
            "“Intake forms only” is for a tablet at the front desk: the account sees this "
            "patient's forms and nothing else of the patient or the clinic, and cannot add "
            "records or change its password."
        ),
    )


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type it again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        return cleaned


class InvitationConfirmForm(forms.Form):
    relationship = forms.ChoiceField(
        label="Whose record is this?",
        choices=[
            (Relationship.SELF, "My own"),
            (Relationship.PARENT, "My child's (I am a parent)"),
            (Relationship.GUARDIAN, "Someone I am the guardian of"),
            (Relationship.CAREGIVER, "Someone I care for"),
            (Relationship.OTHER, "Someone else's, with their consent"),
        ],
        widget=forms.RadioSelect,
    )
