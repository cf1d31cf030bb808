"""Forms of the practitioner portal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import User
from clinics.models import PractitionerClinic, Sex
from clinics.phones import phone_e164, phone_fields_use_region, phone_region_default
from prescribers.errors import PrescriberError
from prescribers.models import PharmacyPatient, PractitionerInvitation
from prescribers.policy import practitioner_clinics_for, prescription_patients_for
from prescribers.services.eprescriptions import MedicationDetails, PatientDetails
from prescribers.validators import validate_birth_date, validate_phone


def error_to_form(form: forms.BaseForm, error: PrescriberError) -> None:
    """Shows a service's refusal on the form field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class PortalForm(forms.Form):
    """Labels sit above their fields, without a trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ClinicForm(PortalForm):
    name = forms.CharField(max_length=200, label="Clinic name")
    address_line1 = forms.CharField(max_length=200, label="Address")
    address_line2 = forms.CharField(max_length=200, required=False, label="Address (line 2)")
    city = forms.CharField(max_length=100)
    region = forms.CharField(max_length=100, required=False, label="State")
    postal_code = forms.CharField(max_length=20, required=False, label="ZIP code")
    phone = PhoneNumberField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phone_fields_use_region(self, region=phone_region_default())

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])

    @classmethod
    def for_clinic(cls, combination: PractitionerClinic) -> ClinicForm:
        clinic = combination.clinic
        return cls(initial={name: getattr(clinic, name) for name in cls.base_fields})


class _ClinicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.clinic.name)


class _PatientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.last_name}, {obj.first_name} (born {obj.date_of_birth:%Y-%m-%d})"


class PrescriptionForm(PortalForm):
    clinic = _ClinicChoiceField(
        queryset=PractitionerClinic.objects.none(),
        empty_label="— choose the clinic —",
        help_text="The clinic you prescribe from: the pharmacy routes by practitioner and clinic.",
    )
    patient = _PatientChoiceField(
        queryset=PharmacyPatient.objects.none(),
        required=False,
        empty_label="— a new patient: enter their details below —",
        label="Patient",
    )
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    date_of_birth = forms.DateField(
        required=False,
        validators=[validate_birth_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, required=False)
    phone = forms.CharField(max_length=40, required=False, validators=[validate_phone])
    email = forms.EmailField(required=False)
    medication_name = forms.CharField(max_length=200, label="Medication")
    strength = forms.CharField(max_length=100, help_text="For example 500 mg or 10 mg/5 mL.")
    dosage_form = forms.CharField(
        max_length=100, help_text="For example tablet, capsule, oral solution."
    )
    quantity = forms.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("99999")
    )
    refills = forms.IntegerField(min_value=0, max_value=99, initial=0)
    directions = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), help_text="Sig."
    )
    days_supply = forms.IntegerField(min_value=1, max_value=365)
    notes = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Notes to the pharmacy",
    )

    NEW_PATIENT_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "phone", "email")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinics = practitioner_clinics_for(user=user)
        self.fields["clinic"].queryset = clinics  # type: ignore[attr-defined]
        self.fields["patient"].queryset = prescription_patients_for(  # type: ignore[attr-defined]
            user=user
        ).order_by("last_name", "first_name", "pk")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("patient") is None:
            for name in ("first_name", "last_name", "date_of_birth"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, "Needed for a new patient.")
            if not cleaned.get("phone") and not cleaned.get("email") and "phone" not in self.errors:
                self.add_error("phone", "Give a phone number or an email address.")
        return cleaned

    def patient_input(self) -> PatientDetails | PharmacyPatient:
        chosen: PharmacyPatient | None = self.cleaned_data["patient"]
        if chosen is not None:
            return chosen
        data = self.cleaned_data
        return PatientDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            sex=data["sex"] or Sex.UNKNOWN,
            phone=data["phone"],
            email=data["email"],
        )

    def medication(self) -> MedicationDetails:
        data = self.cleaned_data
        return MedicationDetails(
            name=data["medication_name"],
            strength=data["strength"],
            dosage_form=data["dosage_form"],
            quantity=data["quantity"],
            refills=data["refills"],
            directions=data["directions"],
            days_supply=data["days_supply"],
        )


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        max_length=100, help_text="Where the token is used, for example “Our EHR”."
    )


class InvitationAcceptForm(PortalForm):
    password1 = forms.CharField(
        label="Choose a password", strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label="The password again", strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, *args: Any, invitation: PractitionerInvitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            profile = self.invitation.profile
            future_user = User(
                email=self.invitation.email,
                first_name=profile.first_name,
                last_name=profile.last_name,
            )
            try:
                validate_password(first, user=future_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
