from __future__ import annotations

from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from clinics.models import Clinic, Patient, Practitioner, PractitionerClinic, Sex, StaffRole
from clinics.services import clinic_staff_add
from clinics.validators import npi_with_check_digit

PASSWORD = "Correct-Horse-42"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class ClinicFactory(DjangoModelFactory[Clinic]):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    phone = "(555) 010-0000"
    email = factory.Sequence(lambda n: f"clinic{n}@example.com")
    time_zone = "America/Chicago"


class PractitionerFactory(DjangoModelFactory[Practitioner]):
    class Meta:
        model = Practitioner
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    credential_suffix = "MD"
    npi = factory.Sequence(lambda n: npi_with_check_digit(f"{100000000 + n}"))
    email = factory.Sequence(lambda n: f"practitioner{n}@example.com")

    @factory.post_generation
    def clinics(self, create: bool, extracted: list[Clinic] | None, **kwargs: Any) -> None:
        for clinic in extracted or []:
            PractitionerClinic.objects.create(practitioner=self, clinic=clinic)


class PatientFactory(DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1990, 5, 17)
    sex = Sex.FEMALE
    email = factory.Sequence(lambda n: f"patient{n}@example.com")


def staff_member(*, clinic: Clinic, role: StaffRole = StaffRole.FRONT_DESK, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    clinic_staff_add(clinic=clinic, user=user, role=role, actor=None)
    return user
