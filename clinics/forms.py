"""Staff admin forms of clinics: phone numbers are read in the record's clinic's country."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import forms

from clinics.models import Clinic
from clinics.phones import phone_fields_use_region, phone_region_default


class ClinicAdminForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posted = str(self.data.get(self.add_prefix("phone_region"), "")).strip().upper()
        region = posted if posted in phonenumbers.SUPPORTED_REGIONS else self.instance.phone_region
        phone_fields_use_region(self, region=region)


class PatientAdminForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clinic_id = (
            self.data.get(self.add_prefix("clinic"))
            or self.initial.get("clinic")
            or self.instance.clinic_id
        )
        clinic = Clinic.objects.filter(pk=clinic_id).first() if str(clinic_id).isdigit() else None
        phone_fields_use_region(
            self, region=clinic.phone_region if clinic else phone_region_default()
        )
