"""The demo data shows the Joe Smith workflow and can be loaded twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import authenticate

from accounts.models import User
from clinics.demo import DEMO_PASSWORD
from clinics.demo import seed as seed_clinics
from clinics.services import practitioner_clinic_create
from prescribers.demo import seed
from prescribers.models import PrescriberProfile, PrescriptionSource
from prescribers.policy import prescription_patients_for
from prescribers.selectors import prescriber_likely_duplicates
from prescribers.services.eprescriptions import (
    MedicationDetails,
    PatientDetails,
    eprescription_submit,
)
from prescribers.services.profiles import prescriber_link


def test_the_demo_has_ready_sign_ins_and_an_unlinked_southern_clinic_profile(db: None) -> None:
    seed_clinics()
    lines = seed()
    seed()

    assert any("joe.smith@example.com" in line for line in lines)
    joe = authenticate(username="joe.smith@example.com", password=DEMO_PASSWORD)
    pharmacist = authenticate(username="pharmacy@carelink.example", password=DEMO_PASSWORD)
    assert joe is not None
    assert pharmacist is not None
    assert pharmacist.has_perm("prescribers.change_prescriberprofile")
    assert list(joe.practitioner.clinic_links.values_list("clinic__name", flat=True)) == [
        "Happy Clinic West"
    ]
    southern = PrescriberProfile.objects.get(clinic_name="Southern Clinic of Joy")
    assert southern.practitioner_clinic is None
    assert southern.patients.count() == 3
    assert southern.prescriptions.count() == 3
    happy = PrescriberProfile.objects.get(clinic_name="Happy Clinic West")
    assert prescriber_likely_duplicates(profile=happy) == [southern]
    visible = set(prescription_patients_for(user=joe))
    assert visible == set(happy.patients.all())
    assert PrescriberProfile.objects.count() == 2


def test_the_demo_seeds_again_after_trying_the_readme_joe_smith_example(db: None) -> None:
    """Joe adds Southern Clinic of Joy and prescribes from it; the pharmacy links the older
    profile; a second `make run` (seed again) still works and keeps one demo profile."""
    seed_clinics()
    seed()
    joe = User.objects.get(email="joe.smith@example.com")
    pharmacist = User.objects.get(email="pharmacy@carelink.example")
    combination = practitioner_clinic_create(
        practitioner=joe.practitioner,
        details={"name": "Southern Clinic of Joy", "phone": "(201) 555-0113"},
        actor=joe,
    )
    eprescription_submit(
        user=joe,
        practitioner_clinic=combination,
        patient=PatientDetails(
            first_name="Harold", last_name="Benson", date_of_birth=date(1948, 7, 2), sex="M"
        ),
        medication=MedicationDetails(
            name="Metformin",
            strength="500 mg",
            dosage_form="tablet",
            quantity=Decimal(60),
            refills=1,
            directions="Take 1 tablet by mouth twice daily with meals.",
            days_supply=30,
        ),
        source=PrescriptionSource.PORTAL,
    )
    older = PrescriberProfile.objects.get(
        clinic_name="Southern Clinic of Joy", created_automatically=False
    )
    prescriber_link(
        profile=older,
        account=joe,
        practitioner_clinic=combination,
        move_link=True,
        actor=pharmacist,
    )

    seed_clinics()
    seed()

    southern = PrescriberProfile.objects.filter(clinic_name="Southern Clinic of Joy")
    assert southern.count() == 2
    assert southern.filter(created_automatically=False).get().practitioner_clinic == combination
