"""Demo data for the clinics app: two clinics, their staff, practitioners and patients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from clinics.models import Clinic, Patient, Practitioner, PractitionerClinic, Sex, StaffRole
from clinics.services import clinic_staff_add
from clinics.validators import npi_with_check_digit

DEMO_PASSWORD = "CareLink-demo-2026"  # noqa: S105  (printed by seed_demo on purpose)


@dataclass(frozen=True)
class DemoClinics:
    northside: Clinic
    lakeside: Clinic
    superuser: User


def _user(*, email: str, first: str, last: str, superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(email=email, password=DEMO_PASSWORD, first_name=first, last_name=last)
    return user


def _clinic(*, name: str, **details: str) -> Clinic:
    clinic, _ = Clinic.objects.get_or_create(name=name, defaults=details)
    return clinic


def _practitioner(
    *, first: str, last: str, suffix: str, npi_stem: str, clinics: list[Clinic]
) -> Practitioner:
    practitioner, _ = Practitioner.objects.get_or_create(
        npi=npi_with_check_digit(npi_stem),
        defaults={
            "first_name": first,
            "last_name": last,
            "credential_suffix": suffix,
            "email": f"{first.lower()}.{last.lower()}@example.com",
        },
    )
    for clinic in clinics:
        PractitionerClinic.objects.get_or_create(practitioner=practitioner, clinic=clinic)
    return practitioner


def _patient(
    *, clinic: Clinic, first: str, last: str, born: date, sex: Sex, **extra: object
) -> Patient:
    patient, _ = Patient.objects.get_or_create(
        clinic=clinic,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        defaults={"sex": sex, **extra},
    )
    return patient


def seed_clinics() -> DemoClinics:
    superuser = _user(email="admin@example.com", first="Avery", last="Admin", superuser=True)
    northside = _clinic(
        name="Northside Family Clinic",
        phone="(201) 555-0100",
        email="hello@northside.example",
        address_line1="120 Maple Avenue",
        city="Springfield",
        region="IL",
        postal_code="62701",
        time_zone="America/Chicago",
    )
    lakeside = _clinic(
        name="Lakeside Health Centre",
        phone="(201) 555-0101",
        email="care@lakeside.example",
        address_line1="8 Harbor Road",
        city="Madison",
        region="WI",
        postal_code="53703",
        time_zone="America/Chicago",
    )
    staff = [
        ("frontdesk@northside.example", "Fran", "Desk", northside, StaffRole.FRONT_DESK),
        ("manager@northside.example", "Morgan", "Lee", northside, StaffRole.CLINIC_ADMIN),
        ("frontdesk@lakeside.example", "Lars", "Berg", lakeside, StaffRole.FRONT_DESK),
    ]
    for email, first, last, clinic, role in staff:
        user = _user(email=email, first=first, last=last)
        if not user.clinic_memberships.filter(clinic=clinic).exists():
            clinic_staff_add(clinic=clinic, user=user, role=role, actor=superuser)

    _practitioner(
        first="Maya", last="Patel", suffix="MD", npi_stem="123456789", clinics=[northside]
    )
    _practitioner(
        first="Jordan", last="Reyes", suffix="NP", npi_stem="198765432", clinics=[northside]
    )
    _practitioner(
        first="Samuel",
        last="Okafor",
        suffix="DO",
        npi_stem="154321987",
        clinics=[lakeside, northside],
    )

    family = {
        "email": "laura.bennett@example.com",
        "phone": "(201) 555-0102",
        "address_line1": "42 Elm Street",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62704",
    }
    _patient(
        clinic=northside,
        first="Laura",
        last="Bennett",
        born=date(1986, 4, 12),
        sex=Sex.FEMALE,
        **family,
    )
    _patient(
        clinic=northside,
        first="Emma",
        last="Bennett",
        born=date(2015, 9, 3),
        sex=Sex.FEMALE,
        **{**family, "email": "emma.bennett@example.com"},
    )
    _patient(
        clinic=northside,
        first="Noah",
        last="Bennett",
        born=date(2018, 1, 22),
        sex=Sex.MALE,
        **{**family, "email": ""},
    )
    _patient(
        clinic=northside,
        first="Walter",
        last="Grimes",
        born=date(1941, 11, 30),
        sex=Sex.MALE,
        email="walter.grimes@example.com",
        phone="(201) 555-0103",
    )
    _patient(
        clinic=northside,
        first="Test",
        last="Patient",
        born=date(1990, 1, 1),
        sex=Sex.UNKNOWN,
        email="test.patient@northside.example",
        is_test_profile=True,
    )
    _patient(
        clinic=lakeside,
        first="Priya",
        last="Shah",
        born=date(1979, 6, 17),
        sex=Sex.FEMALE,
        email="priya.shah@example.com",
        phone="(201) 555-0104",
    )
    _patient(
        clinic=lakeside,
        first="Tom",
        last="Nguyen",
        born=date(2001, 2, 8),
        sex=Sex.MALE,
        email="tom.nguyen@example.com",
    )
    return DemoClinics(northside=northside, lakeside=lakeside, superuser=superuser)


def seed() -> list[str]:
    seed_clinics()
    return [
        f"Sign-ins (password for all: {DEMO_PASSWORD})",
        "  Superuser (everything)          admin@example.com",
        "  Northside front desk            frontdesk@northside.example",
        "  Northside clinic admin          manager@northside.example",
        "  Lakeside front desk             frontdesk@lakeside.example",
        "  Staff admin: {site}/admin/",
    ]
