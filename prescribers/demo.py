"""Demo data for the prescriber workflow: Joe Smith, Happy Clinic West, Southern Clinic of Joy.

Joe Smith has a practitioner account with Happy Clinic West (linked to its prescriber profile).
The pharmacy also has an older, unlinked "Southern Clinic of Joy" profile for him with patients
and prescriptions, ready to be linked once he adds that clinic in the portal.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import PHARMACY_STAFF_GROUP
from clinics.demo import DEMO_PASSWORD
from clinics.models import Clinic, Practitioner, PractitionerClinic, Sex
from clinics.validators import npi_with_check_digit
from prescribers.matching import patient_name_key
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PrescriberLicence,
    PrescriberProfile,
    PrescriptionSource,
    PrescriptionStatus,
    ProfilePatient,
)
from prescribers.validators import dea_with_check_digit

JOE_NPI = npi_with_check_digit("176543210")
JOE_DEA = dea_with_check_digit("BS123456")


def _user(*, email: str, first: str, last: str, staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, is_staff=staff
        )
    return user


def _patient(*, first: str, last: str, born: date, sex: Sex, phone: str) -> PharmacyPatient:
    patient, _ = PharmacyPatient.objects.get_or_create(
        name_key=patient_name_key(first_name=first, last_name=last),
        date_of_birth=born,
        defaults={"first_name": first, "last_name": last, "sex": sex, "phone": phone},
    )
    return patient


def _prescription(
    *,
    profile: PrescriberProfile,
    patient: PharmacyPatient,
    medication: tuple[str, str, str],
    quantity: int,
    directions: str,
    status: PrescriptionStatus,
    days_ago: int,
    combination: PractitionerClinic | None = None,
) -> None:
    ProfilePatient.objects.get_or_create(profile=profile, patient=patient)
    name, strength, form = medication
    prescription, created = EPrescription.objects.get_or_create(
        profile=profile,
        patient=patient,
        medication_name=name,
        defaults={
            "strength": strength,
            "dosage_form": form,
            "quantity": Decimal(quantity),
            "refills": 2,
            "directions": directions,
            "days_supply": 30,
            "status": status,
            "practitioner_clinic": combination,
            "submitted_by": combination.practitioner.user if combination else None,
            "source": PrescriptionSource.PORTAL if combination else PrescriptionSource.PHARMACY,
        },
    )
    if created:
        # Spread the demo history over the past weeks.
        EPrescription.objects.filter(pk=prescription.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )


def _happy_clinic_west(joe: Practitioner) -> None:
    happy, _ = Clinic.objects.get_or_create(
        name="Happy Clinic West",
        defaults={
            "phone": "(201) 555-0110",
            "address_line1": "410 Sunset Boulevard",
            "city": "Tucson",
            "region": "AZ",
            "postal_code": "85701",
            "time_zone": "America/Phoenix",
        },
    )
    combination, _ = PractitionerClinic.objects.get_or_create(practitioner=joe, clinic=happy)
    profile, _ = PrescriberProfile.objects.get_or_create(
        practitioner_clinic=combination,
        status="active",
        defaults={
            "first_name": "Joe",
            "last_name": "Smith",
            "credential_suffix": "MD",
            "npi": JOE_NPI,
            "dea_number": JOE_DEA,
            "description": "Happy Clinic West, Tucson",
            "clinic_name": "Happy Clinic West",
            "clinic_phone": "(201) 555-0110",
            "clinic_fax": "(201) 555-0111",
            "address_line1": "410 Sunset Boulevard",
            "city": "Tucson",
            "region": "AZ",
            "postal_code": "85701",
            "linked_at": timezone.now() - timedelta(days=120),
        },
    )
    rosa = _patient(
        first="Rosa", last="Delgado", born=date(1972, 3, 9), sex=Sex.FEMALE, phone="(201) 555-0112"
    )
    _prescription(
        profile=profile,
        patient=rosa,
        medication=("Lisinopril", "10 mg", "tablet"),
        quantity=30,
        directions="Take 1 tablet by mouth once daily.",
        status=PrescriptionStatus.SHIPPED,
        days_ago=21,
        combination=combination,
    )


SOUTHERN_DESCRIPTION = "Southern Clinic of Joy, Main Street office (faxed prescriptions)"


def _southern_clinic_of_joy() -> PrescriberProfile:
    # Found by its own description: trying the README's example (Joe adds the clinic in his
    # portal and prescribes from it) creates a second "Southern Clinic of Joy" profile.
    profile, created = PrescriberProfile.objects.get_or_create(
        description=SOUTHERN_DESCRIPTION,
        created_automatically=False,
        defaults={
            "first_name": "Joe",
            "last_name": "Smith",
            "clinic_name": "Southern Clinic of Joy",
            "credential_suffix": "MD",
            "npi": JOE_NPI,
            "dea_number": JOE_DEA,
            "clinic_phone": "(201) 555-0113",
            "clinic_fax": "(201) 555-0114",
            "address_line1": "77 Main Street",
            "city": "Phoenix",
            "region": "AZ",
            "postal_code": "85004",
        },
    )
    if created:
        PrescriberLicence.objects.create(
            profile=profile,
            state="AZ",
            number="MD-48213",
            expires_on=timezone.localdate() + timedelta(days=400),
        )
    patients = [
        ("Harold", "Benson", date(1948, 7, 2), Sex.MALE, "(201) 555-0121"),
        ("Maria", "Núñez", date(1990, 11, 23), Sex.FEMALE, "(201) 555-0122"),
        ("Chloe", "Park", date(2012, 5, 14), Sex.FEMALE, "(201) 555-0123"),
    ]
    medications = [
        (("Metformin", "500 mg", "tablet"), 60, "Take 1 tablet by mouth twice daily with meals."),
        (
            ("Amoxicillin", "250 mg/5 mL", "oral suspension"),
            100,
            "Take 5 mL by mouth 3 times daily.",
        ),
        (("Albuterol HFA", "90 mcg", "inhaler"), 1, "Inhale 2 puffs every 4 hours as needed."),
    ]
    for index, ((first, last, born, sex, phone), (medication, quantity, directions)) in enumerate(
        zip(patients, medications, strict=True)
    ):
        _prescription(
            profile=profile,
            patient=_patient(first=first, last=last, born=born, sex=sex, phone=phone),
            medication=medication,
            quantity=quantity,
            directions=directions,
            status=PrescriptionStatus.FILLED if index else PrescriptionStatus.SHIPPED,
            days_ago=60 - index * 10,
        )
    return profile


def seed() -> list[str]:
    pharmacist = _user(email="pharmacy@carelink.example", first="Pat", last="Rivera", staff=True)
    pharmacist.groups.add(Group.objects.get(name=PHARMACY_STAFF_GROUP))
    joe_user = _user(email="joe.smith@example.com", first="Joe", last="Smith")
    joe, _ = Practitioner.objects.get_or_create(
        npi=JOE_NPI,
        defaults={
            "first_name": "Joe",
            "last_name": "Smith",
            "credential_suffix": "MD",
            "email": "joe.smith@example.com",
            "user": joe_user,
        },
    )
    _happy_clinic_west(joe)
    _southern_clinic_of_joy()
    return [
        f"Prescribers (password: {DEMO_PASSWORD})",
        "  Pharmacy staff                  pharmacy@carelink.example  {site}/admin/prescribers/",
        "  Joe Smith, MD (practitioner)    joe.smith@example.com      {site}/practitioner/",
        "  Try: as Joe, add the clinic Southern Clinic of Joy and send a prescription from it;",
        "  as pharmacy staff, link the older Southern Clinic of Joy profile to his account.",
    ]
