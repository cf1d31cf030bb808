"""Phone numbers are validated, stored E.164 and read and shown in the clinic's country."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms import modelform_factory

from clinics.forms import ClinicAdminForm, PatientAdminForm
from clinics.models import Clinic, Patient
from clinics.phones import phone_numbers_to_e164
from tests.factories import ClinicFactory, PatientFactory

pytestmark = pytest.mark.django_db

PatientForm = modelform_factory(
    Patient,
    form=PatientAdminForm,
    fields=["clinic", "first_name", "last_name", "date_of_birth", "sex", "phone"],
)


def _patient_data(clinic: Clinic, phone: str) -> dict[str, Any]:
    return {
        "clinic": clinic.pk,
        "first_name": "Ada",
        "last_name": "Byron",
        "date_of_birth": "1990-05-17",
        "sex": "F",
        "phone": phone,
    }


def test_the_patient_form_refuses_a_number_that_is_not_a_phone_number(clinic: Clinic) -> None:
    form = PatientForm(_patient_data(clinic, "call me"))
    assert not form.is_valid()
    assert form.errors["phone"] == [
        "Enter a valid phone number, for example (201) 555-0123, or one starting with +."
    ]


def test_the_patient_form_refuses_a_number_with_a_valid_shape_but_no_such_area_code(
    clinic: Clinic,
) -> None:
    assert not PatientForm(_patient_data(clinic, "(555) 010-2000")).is_valid()


def test_a_national_number_typed_at_a_us_clinic_is_stored_e164_and_shown_national(
    clinic: Clinic,
) -> None:
    form = PatientForm(_patient_data(clinic, "(201) 555-0123"))
    assert form.is_valid(), form.errors
    patient = form.save()
    stored = Patient.objects.values_list("phone", flat=True).get(pk=patient.pk)
    assert stored == "+12015550123"
    assert Patient.objects.get(pk=patient.pk).phone_display == "(201) 555-0123"


def test_a_clinic_in_great_britain_reads_british_numbers() -> None:
    london = ClinicFactory.create(phone="", phone_region="GB")
    form = PatientForm(_patient_data(london, "020 7946 0018"))
    assert form.is_valid(), form.errors
    patient = form.save()
    assert Patient.objects.values_list("phone", flat=True).get(pk=patient.pk) == "+442079460018"
    assert patient.phone_display == "020 7946 0018"
    refused = PatientForm(_patient_data(london, "call me"))
    assert not refused.is_valid()
    assert "for example 0121 234 5678" in refused.errors["phone"][0]


def test_a_number_from_another_country_is_shown_international(clinic: Clinic) -> None:
    patient = PatientFactory.create(clinic=clinic, phone="+442079460018")
    assert patient.phone_display == "+44 20 7946 0018"


def test_an_existing_patient_is_read_in_its_clinics_country() -> None:
    london = ClinicFactory.create(phone="", phone_region="GB")
    patient = PatientFactory.create(clinic=london)
    form = PatientForm(
        {**_patient_data(london, "020 7946 0018"), "clinic": london.pk}, instance=patient
    )
    assert form.is_valid(), form.errors


def test_a_clinic_reads_its_own_number_in_the_country_it_is_given() -> None:
    ClinicForm = modelform_factory(
        Clinic, form=ClinicAdminForm, fields=["name", "phone", "phone_region", "time_zone"]
    )
    form = ClinicForm(
        {"name": "London", "phone": "020 7946 0018", "phone_region": "GB", "time_zone": "UTC"}
    )
    assert form.is_valid(), form.errors
    assert Clinic.objects.values_list("phone", flat=True).get(pk=form.save().pk) == "+442079460018"


def test_a_clinic_refuses_a_country_code_that_does_not_exist() -> None:
    ClinicForm = modelform_factory(
        Clinic, form=ClinicAdminForm, fields=["name", "phone", "phone_region", "time_zone"]
    )
    form = ClinicForm({"name": "X", "phone": "", "phone_region": "ZZ", "time_zone": "UTC"})
    assert not form.is_valid()
    assert form.errors["phone_region"] == ["Enter a two-letter country code, for example US or GB."]


def test_a_new_clinic_takes_the_default_phone_country(settings: Any) -> None:
    assert ClinicFactory.create().phone_region == "US"


def test_the_data_migration_converts_what_parses_and_blanks_and_counts_the_rest(
    clinic: Clinic,
) -> None:
    good = PatientFactory.create(clinic=clinic)
    bad = PatientFactory.create(clinic=clinic)
    empty = PatientFactory.create(clinic=clinic, phone="")
    Patient.objects.filter(pk=good.pk).update(phone="(201) 555-0123")
    Patient.objects.filter(pk=bad.pk).update(phone="ask the front desk")
    blanked = phone_numbers_to_e164(model=Patient, fields=["phone"], region="US")
    stored = dict(Patient.objects.values_list("pk", "phone"))
    assert blanked == 1
    assert (stored[good.pk], stored[bad.pk], stored[empty.pk]) == ("+12015550123", "", "")
