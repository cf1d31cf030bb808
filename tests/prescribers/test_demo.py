"""The demo data shows the Joe Smith workflow and can be loaded twice."""

from __future__ import annotations

from django.contrib.auth import authenticate

from clinics.demo import DEMO_PASSWORD
from clinics.demo import seed as seed_clinics
from prescribers.demo import seed
from prescribers.models import PrescriberProfile
from prescribers.selectors import prescriber_likely_duplicates, prescription_patients_for


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
