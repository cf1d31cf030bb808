from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module
from typing import Any

import factory
from django.contrib.auth.models import Group, Permission
from factory.django import DjangoModelFactory

from accounts.models import User
from accounts.roles import PHARMACY_STAFF_GROUP
from clinics.models import Clinic, Practitioner, PractitionerClinic, Sex
from clinics.validators import npi_with_check_digit
from prescribers.matching import patient_name_key
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PrescriberProfile,
    PrescriptionSource,
    ProfilePatient,
)
from prescribers.services.eprescriptions import MedicationDetails, PatientDetails
from prescribers.validators import dea_with_check_digit
from tests.factories import PractitionerFactory, UserFactory


class PrescriberProfileFactory(DjangoModelFactory[PrescriberProfile]):
    class Meta:
        model = PrescriberProfile

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credential_suffix = "MD"
    npi = factory.Sequence(lambda n: npi_with_check_digit(f"{300000000 + n}"))
    dea_number = factory.Sequence(lambda n: dea_with_check_digit(f"BS{100000 + n}"))
    clinic_name = factory.Sequence(lambda n: f"Pharmacy Clinic {n}")
    description = factory.LazyAttribute(lambda o: f"{o.clinic_name} office")
    clinic_phone = "(201) 555-0170"


class PharmacyPatientFactory(DjangoModelFactory[PharmacyPatient]):
    class Meta:
        model = PharmacyPatient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1980, 6, 1)
    sex = Sex.FEMALE
    phone = "(201) 555-0130"
    name_key = factory.LazyAttribute(
        lambda o: patient_name_key(first_name=o.first_name, last_name=o.last_name)
    )


class EPrescriptionFactory(DjangoModelFactory[EPrescription]):
    class Meta:
        model = EPrescription
        skip_postgeneration_save = True

    profile = factory.SubFactory(PrescriberProfileFactory)
    patient = factory.SubFactory(PharmacyPatientFactory)
    source = PrescriptionSource.PHARMACY
    medication_name = "Metformin"
    strength = "500 mg"
    dosage_form = "tablet"
    quantity = Decimal("60")
    refills = 2
    directions = "Take 1 tablet twice daily."
    days_supply = 30

    @factory.post_generation
    def attached(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            ProfilePatient.objects.get_or_create(profile=self.profile, patient=self.patient)


def patient_with_prescription(*, profile: PrescriberProfile, **patient: Any) -> PharmacyPatient:
    """A patient attached to the profile, with one prescription on it."""
    return EPrescriptionFactory(profile=profile, patient=PharmacyPatientFactory(**patient)).patient


def practitioner_account(
    *, clinics: list[Clinic], email: str | None = None, **practitioner: Any
) -> User:
    """A practitioner with a portal account, working at these clinics."""
    user: User = UserFactory(**({"email": email} if email else {}))
    doctor: Practitioner = PractitionerFactory(user=user, clinics=clinics, **practitioner)
    user.practitioner = doctor
    return user


def combination(user: User, clinic: Clinic) -> PractitionerClinic:
    return PractitionerClinic.objects.get(practitioner__user=user, clinic=clinic)


# What the data migration grants the group.
PHARMACY_STAFF_PERMISSIONS: list[str] = import_module(
    "prescribers.migrations.0002_pharmacy_staff_group"
).PHARMACY_STAFF


def pharmacy_staff_group() -> Group:
    """The group made by the data migration; made again after a browser test emptied the tables."""
    group, created = Group.objects.get_or_create(name=PHARMACY_STAFF_GROUP)
    if created:
        for code in PHARMACY_STAFF_PERMISSIONS:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return group


def pharmacy_staff_member(**kwargs: Any) -> User:
    user: User = UserFactory(is_staff=True, **kwargs)
    user.groups.add(pharmacy_staff_group())
    return user


def new_patient(**overrides: Any) -> PatientDetails:
    values: dict[str, Any] = {
        "first_name": "Harold",
        "last_name": "Benson",
        "date_of_birth": date(1948, 7, 2),
        "sex": Sex.MALE,
        "phone": "(555) 302-1001",
    }
    return PatientDetails(**{**values, **overrides})


def medication(**overrides: Any) -> MedicationDetails:
    values: dict[str, Any] = {
        "name": "Lisinopril",
        "strength": "10 mg",
        "dosage_form": "tablet",
        "quantity": Decimal("30"),
        "refills": 1,
        "directions": "Take 1 tablet by mouth once daily.",
        "days_supply": 30,
    }
    return MedicationDetails(**{**values, **overrides})
