"""E-prescription routing: to the pair's linked profile, or to a new one flagged for review."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import User
from audit.models import AuditEvent
from clinics.models import PractitionerClinic
from clinics.services import practitioner_clinic_archive
from prescribers.errors import PrescriberError, SubmissionConflict
from prescribers.events import PrescriberEvent
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PrescriberProfile,
    PrescriptionSource,
    PrescriptionStatus,
    ProfilePatient,
)
from prescribers.policy import prescription_patients_for
from prescribers.selectors import prescriber_likely_duplicates
from prescribers.services.eprescriptions import eprescription_status_set, eprescription_submit
from prescribers.services.profiles import prescriber_archive, prescriber_link
from tests.prescribers.factories import (
    EPrescriptionFactory,
    PharmacyPatientFactory,
    PrescriberProfileFactory,
    medication,
    new_patient,
)


def _send(user: User, pair: PractitionerClinic, **overrides: object) -> EPrescription:
    values: dict[str, object] = {
        "patient": new_patient(),
        "medication": medication(),
        "source": PrescriptionSource.PORTAL,
    }
    values.update(overrides)
    return eprescription_submit(user=user, practitioner_clinic=pair, **values).prescription


def test_a_prescription_goes_to_the_pairs_linked_profile(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    profile = PrescriberProfileFactory(npi=joe.practitioner.npi)
    prescriber_link(profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    prescription = _send(joe, joe_at_happy)

    assert prescription.profile == profile
    assert prescription.practitioner_clinic == joe_at_happy
    assert prescription.submitted_by == joe
    assert prescription.status == PrescriptionStatus.RECEIVED
    assert ProfilePatient.objects.filter(profile=profile, patient=prescription.patient).exists()
    assert PrescriberProfile.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=PrescriberEvent.EPRESCRIPTION_RECEIVED, object_id=str(prescription.pk)
    ).exists()


def test_the_first_prescription_from_an_unlinked_pair_creates_a_profile_for_review(
    joe: User, joe_at_southern: PractitionerClinic, southern_profile: PrescriberProfile
) -> None:
    prescription = _send(joe, joe_at_southern)

    created = prescription.profile
    assert created != southern_profile
    assert created.created_automatically
    assert created.needs_review
    assert created.practitioner_clinic == joe_at_southern
    assert (created.first_name, created.last_name) == ("Joe", "Smith")
    assert created.npi == joe.practitioner.npi
    assert created.clinic_name == "Southern Clinic of Joy"
    assert prescriber_likely_duplicates(profile=created) == [southern_profile]
    event = AuditEvent.objects.get(action=PrescriberEvent.PROFILE_CREATED_AUTOMATICALLY)
    assert event.details["likely_duplicates"] == [southern_profile.pk]
    # The second prescription goes to the same profile.
    assert _send(joe, joe_at_southern, patient=new_patient(first_name="Ann")).profile == created
    assert PrescriberProfile.objects.filter(created_automatically=True).count() == 1


def test_likely_duplicates_are_same_npi_or_same_name_at_a_similar_clinic(db: None) -> None:
    profile = PrescriberProfileFactory(
        first_name="Joe", last_name="Smith", npi="", clinic_name="Southern Clinic of Joy"
    )
    similar = PrescriberProfileFactory(
        first_name="JOE", last_name="smith", npi="", clinic_name="Southern Joy Clinic"
    )
    elsewhere = PrescriberProfileFactory(
        first_name="Joe", last_name="Smith", npi="", clinic_name="Happy Clinic West"
    )
    same_npi = PrescriberProfileFactory(first_name="Joseph", last_name="Smyth")
    other_name = PrescriberProfileFactory(
        first_name="Ann", last_name="Smith", npi="", clinic_name="Southern Clinic of Joy"
    )
    archived = PrescriberProfileFactory(
        first_name="Joe", last_name="Smith", npi="", clinic_name="Southern Clinic of Joy"
    )
    prescriber_archive(profile=archived, actor=None)

    assert prescriber_likely_duplicates(profile=profile) == [similar]
    profile.npi = same_npi.npi
    assert set(prescriber_likely_duplicates(profile=profile)) == {similar, same_npi}
    assert elsewhere not in prescriber_likely_duplicates(profile=profile)
    assert other_name not in prescriber_likely_duplicates(profile=profile)


def test_archive_stops_routing_to_the_profile(joe: User, joe_at_happy: PractitionerClinic) -> None:
    profile = PrescriberProfileFactory(npi=joe.practitioner.npi)
    prescriber_link(profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None)
    prescriber_archive(profile=profile, actor=None)

    prescription = _send(joe, joe_at_happy)

    assert prescription.profile != profile
    assert prescription.profile.created_automatically
    assert not profile.prescriptions.exists()


@pytest.mark.parametrize(
    ("first", "last"),
    [("harold", "BENSON"), ("Hárold", "Bénson"), ("  Harold ", "Benson  ")],
)
def test_the_patient_is_matched_by_name_and_birth_date_ignoring_case_and_accents(
    joe: User, joe_at_happy: PractitionerClinic, first: str, last: str
) -> None:
    known = PharmacyPatientFactory(
        first_name="Harold", last_name="Benson", date_of_birth=date(1948, 7, 2)
    )

    prescription = _send(joe, joe_at_happy, patient=new_patient(first_name=first, last_name=last))

    assert prescription.patient == known
    assert PharmacyPatient.objects.count() == 1
    assert ProfilePatient.objects.filter(profile=prescription.profile, patient=known).exists()


def test_another_birth_date_is_another_patient(joe: User, joe_at_happy: PractitionerClinic) -> None:
    PharmacyPatientFactory(first_name="Harold", last_name="Benson", date_of_birth=date(1950, 1, 1))
    prescription = _send(joe, joe_at_happy)
    assert prescription.patient.date_of_birth == date(1948, 7, 2)
    assert PharmacyPatient.objects.count() == 2


def test_an_existing_patient_must_be_one_of_the_practitioners(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    stranger = EPrescriptionFactory().patient

    with pytest.raises(PrescriberError) as refused:
        _send(joe, joe_at_happy, patient=stranger)

    assert refused.value.field == "patient"
    assert not EPrescription.objects.filter(submitted_by=joe).exists()
    assert not PrescriberProfile.objects.filter(created_automatically=True).exists()


def test_a_visible_patient_can_be_prescribed_again(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    first = _send(joe, joe_at_happy)
    again = _send(joe, joe_at_happy, patient=first.patient, medication=medication(name="Aspirin"))
    assert again.patient == first.patient
    assert list(prescription_patients_for(user=joe)) == [first.patient]


def test_only_the_practitioners_own_active_clinics_can_send(
    joe: User, joe_at_happy: PractitionerClinic, other_practitioner: User
) -> None:
    with pytest.raises(PrescriberError) as refused:
        _send(other_practitioner, joe_at_happy)
    assert refused.value.field == "clinic"

    practitioner_clinic_archive(practitioner_clinic=joe_at_happy, archived=True, actor=joe)
    with pytest.raises(PrescriberError, match="archived"):
        _send(joe, joe_at_happy)
    assert not EPrescription.objects.exists()


def test_the_same_external_id_from_the_same_pair_is_one_prescription_and_a_changed_one_conflicts(
    joe: User, joe_at_happy: PractitionerClinic, joe_at_southern: PractitionerClinic
) -> None:
    first = eprescription_submit(
        user=joe,
        practitioner_clinic=joe_at_happy,
        patient=new_patient(),
        medication=medication(),
        external_id="EHR-1",
        source=PrescriptionSource.API,
    )
    again = eprescription_submit(
        user=joe,
        practitioner_clinic=joe_at_happy,
        patient=new_patient(),
        medication=medication(),
        external_id="EHR-1",
        source=PrescriptionSource.API,
    )
    with pytest.raises(SubmissionConflict) as conflict:
        eprescription_submit(
            user=joe,
            practitioner_clinic=joe_at_happy,
            patient=new_patient(first_name="Someone", last_name="Else"),
            medication=medication(name="Other"),
            external_id="EHR-1",
            source=PrescriptionSource.API,
        )
    elsewhere = eprescription_submit(
        user=joe,
        practitioner_clinic=joe_at_southern,
        patient=new_patient(),
        medication=medication(),
        external_id="EHR-1",
        source=PrescriptionSource.API,
    )

    assert first.created
    assert not again.created
    assert again.prescription == first.prescription
    assert conflict.value.existing == first.prescription
    assert elsewhere.created
    assert EPrescription.objects.count() == 2


def test_bad_medication_details_change_nothing(joe: User, joe_at_happy: PractitionerClinic) -> None:
    with pytest.raises(PrescriberError) as refused:
        _send(joe, joe_at_happy, medication=medication(days_supply=0))
    assert refused.value.field == "days_supply"
    assert not EPrescription.objects.exists()
    assert not PharmacyPatient.objects.exists()
    assert not PrescriberProfile.objects.exists()


def test_the_queue_moves_forward_only(db: None, pharmacy_staff: User) -> None:
    received, shipped = EPrescriptionFactory.create_batch(2)
    EPrescription.objects.filter(pk=shipped.pk).update(status=PrescriptionStatus.SHIPPED)

    change = eprescription_status_set(
        prescriptions=EPrescription.objects.all(),
        status=PrescriptionStatus.IN_REVIEW,
        actor=pharmacy_staff,
    )

    assert change.changed == [received.pk]
    assert change.refused == [shipped.pk]
    received.refresh_from_db()
    assert received.status == PrescriptionStatus.IN_REVIEW
    event = AuditEvent.objects.get(action=PrescriberEvent.EPRESCRIPTION_STATUS_CHANGED)
    assert event.details == {"from": "received", "to": "in_review"}
    assert event.actor == pharmacy_staff
