"""Link, disconnect, archive, restore, review and merge: the rules of the prescriber profile."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.models import User
from audit.models import AuditEvent
from clinics.models import PractitionerClinic
from prescribers.errors import LinkConflict, PrescriberError
from prescribers.events import PrescriberEvent
from prescribers.models import (
    EPrescription,
    PrescriberLicence,
    PrescriberProfile,
    ProfilePatient,
    ProfileStatus,
)
from prescribers.policy import prescription_patients_for
from prescribers.selectors import LinkPlan
from prescribers.services.profiles import (
    LinkRequest,
    prescriber_archive,
    prescriber_disconnect,
    prescriber_link,
    prescriber_merge,
    prescriber_profile_save,
    prescriber_restore,
    prescriber_review_complete,
)
from tests.prescribers.factories import (
    EPrescriptionFactory,
    PharmacyPatientFactory,
    PrescriberProfileFactory,
    combination,
    patient_with_prescription,
    practitioner_account,
)


def _events(profile: PrescriberProfile, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type="prescribers.PrescriberProfile", object_id=str(profile.pk)
        )
    )


def test_it_links_a_profile_and_the_account_then_sees_its_patients(
    joe: User,
    joe_at_southern: PractitionerClinic,
    southern_profile: PrescriberProfile,
    pharmacy_staff: User,
) -> None:
    patient = patient_with_prescription(profile=southern_profile)
    assert not prescription_patients_for(user=joe).exists()

    linked = prescriber_link(
        profile=southern_profile,
        account=joe,
        practitioner_clinic=joe_at_southern,
        actor=pharmacy_staff,
        reason="Joe now works at Southern Clinic of Joy",
    )

    assert linked.practitioner_clinic == joe_at_southern
    assert linked.linked_by == pharmacy_staff
    assert linked.linked_at is not None
    assert list(prescription_patients_for(user=joe)) == [patient]
    (event,) = _events(southern_profile, PrescriberEvent.PROFILE_LINKED)
    assert event.actor == pharmacy_staff
    assert event.details["reason"] == "Joe now works at Southern Clinic of Joy"
    assert event.details["practitioner_clinic"] == joe_at_southern.pk


def test_it_refuses_a_clinic_of_another_account(
    joe: User, southern_profile: PrescriberProfile, other_practitioner: User, pharmacy_staff: User
) -> None:
    someone_elses = other_practitioner.practitioner.clinic_links.get()

    with pytest.raises(PrescriberError) as refused:
        prescriber_link(
            profile=southern_profile,
            account=joe,
            practitioner_clinic=someone_elses,
            actor=pharmacy_staff,
        )

    assert refused.value.field == "link_clinic"
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None
    assert not _events(southern_profile, PrescriberEvent.PROFILE_LINKED)


def test_it_refuses_a_second_active_profile_for_a_linked_pair_unless_moved(
    joe: User, joe_at_happy: PractitionerClinic, pharmacy_staff: User
) -> None:
    first = PrescriberProfileFactory(npi=joe.practitioner.npi)
    second = PrescriberProfileFactory(npi=joe.practitioner.npi)
    prescriber_link(profile=first, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    with pytest.raises(LinkConflict) as conflict:
        prescriber_link(
            profile=second, account=joe, practitioner_clinic=joe_at_happy, actor=pharmacy_staff
        )
    assert conflict.value.other == first
    assert str(first) in conflict.value.message

    prescriber_link(
        profile=second,
        account=joe,
        practitioner_clinic=joe_at_happy,
        move_link=True,
        actor=pharmacy_staff,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.practitioner_clinic is None
    assert first.previous_practitioner_clinic == joe_at_happy
    assert second.practitioner_clinic == joe_at_happy
    (moved,) = _events(first, PrescriberEvent.PROFILE_DISCONNECTED)
    assert moved.details["moved_to"] == second.pk


def test_the_database_allows_one_active_profile_per_pair(joe_at_happy: PractitionerClinic) -> None:
    PrescriberProfileFactory(practitioner_clinic=joe_at_happy)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrescriberProfileFactory(practitioner_clinic=joe_at_happy)
    # Archived profiles keep their link without counting.
    PrescriberProfileFactory(practitioner_clinic=joe_at_happy, status=ProfileStatus.ARCHIVED)


def test_it_turns_a_constraint_violation_into_a_link_conflict(
    joe: User, joe_at_happy: PractitionerClinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should another transaction slip past the checks, the constraint still has the last word."""
    holder = PrescriberProfileFactory(practitioner_clinic=joe_at_happy)
    profile = PrescriberProfileFactory(npi="")
    # The checks see no holder; after the refused save, the holder is found and named.
    answers = iter([None, holder])
    monkeypatch.setattr(
        "prescribers.services.profiles.prescriber_active_profile_for",
        lambda **kwargs: next(answers),
    )
    monkeypatch.setattr(
        "prescribers.services.profiles.prescriber_link_plan",
        lambda **kwargs: LinkPlan(move_from=None, npi_mismatch=False),
    )

    with pytest.raises(LinkConflict) as conflict:
        prescriber_link(profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    assert conflict.value.other == holder
    profile.refresh_from_db()
    assert profile.practitioner_clinic is None


def test_a_different_npi_needs_an_explicit_confirmation(
    joe: User, joe_at_southern: PractitionerClinic
) -> None:
    profile = PrescriberProfileFactory(first_name="Joe", last_name="Smith")
    assert profile.npi != joe.practitioner.npi

    with pytest.raises(PrescriberError) as refused:
        prescriber_link(
            profile=profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
        )
    assert refused.value.field == "confirm_npi_mismatch"
    assert profile.npi in refused.value.message

    prescriber_link(
        profile=profile,
        account=joe,
        practitioner_clinic=joe_at_southern,
        npi_mismatch_confirmed=True,
        actor=None,
    )
    profile.refresh_from_db()
    assert profile.practitioner_clinic == joe_at_southern
    assert (
        _events(profile, PrescriberEvent.PROFILE_LINKED)[0].details["npi_mismatch_confirmed"]
        is True
    )


def test_disconnect_removes_the_link_and_can_be_undone(
    joe: User, joe_at_southern: PractitionerClinic, southern_profile: PrescriberProfile
) -> None:
    patient_with_prescription(profile=southern_profile)
    prescriber_link(
        profile=southern_profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
    )

    prescriber_disconnect(profile=southern_profile, actor=None, reason="wrong clinic")

    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None
    assert southern_profile.previous_practitioner_clinic == joe_at_southern
    assert not prescription_patients_for(user=joe).exists()
    assert _events(southern_profile, PrescriberEvent.PROFILE_DISCONNECTED)[0].details["reason"] == (
        "wrong clinic"
    )
    with pytest.raises(PrescriberError):
        prescriber_disconnect(profile=southern_profile, actor=None)

    prescriber_link(
        profile=southern_profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
    )
    assert prescription_patients_for(user=joe).count() == 1


def test_archive_hides_the_patients_and_restore_brings_them_back(
    joe: User, joe_at_southern: PractitionerClinic, southern_profile: PrescriberProfile
) -> None:
    patient_with_prescription(profile=southern_profile)
    prescriber_link(
        profile=southern_profile, account=joe, practitioner_clinic=joe_at_southern, actor=None
    )

    prescriber_archive(profile=southern_profile, actor=None, reason="duplicate")
    southern_profile.refresh_from_db()
    assert southern_profile.status == ProfileStatus.ARCHIVED
    assert PrescriberProfile.objects.filter(pk=southern_profile.pk).exists()
    assert not prescription_patients_for(user=joe).exists()
    with pytest.raises(PrescriberError):
        prescriber_archive(profile=southern_profile, actor=None)

    prescriber_restore(profile=southern_profile, actor=None)
    southern_profile.refresh_from_db()
    assert southern_profile.status == ProfileStatus.ACTIVE
    assert prescription_patients_for(user=joe).count() == 1
    assert _events(southern_profile, PrescriberEvent.PROFILE_RESTORED)


def test_restore_is_refused_when_the_pair_has_since_been_linked_elsewhere(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    archived = PrescriberProfileFactory(npi="")
    prescriber_link(profile=archived, account=joe, practitioner_clinic=joe_at_happy, actor=None)
    prescriber_archive(profile=archived, actor=None)
    newer = PrescriberProfileFactory(npi="")
    prescriber_link(profile=newer, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    with pytest.raises(LinkConflict) as conflict:
        prescriber_restore(profile=archived, actor=None)

    assert conflict.value.other == newer
    archived.refresh_from_db()
    assert archived.status == ProfileStatus.ARCHIVED


def test_an_archived_profile_cannot_be_linked(
    joe: User, joe_at_southern: PractitionerClinic, southern_profile: PrescriberProfile
) -> None:
    prescriber_archive(profile=southern_profile, actor=None)
    with pytest.raises(PrescriberError, match="archived"):
        prescriber_link(
            profile=southern_profile,
            account=joe,
            practitioner_clinic=joe_at_southern,
            actor=None,
        )


def test_merge_moves_every_prescription_and_patient_and_loses_nothing(
    joe: User, joe_at_southern: PractitionerClinic, pharmacy_staff: User
) -> None:
    duplicate = PrescriberProfileFactory(first_name="Joe", last_name="Smith")
    keep = PrescriberProfileFactory(first_name="Joe", last_name="Smith")
    shared = PharmacyPatientFactory()
    EPrescriptionFactory(profile=keep, patient=shared)
    moved_prescriptions = [
        EPrescriptionFactory(profile=duplicate, patient=shared),
        *EPrescriptionFactory.create_batch(3, profile=duplicate),
    ]
    prescriber_link(
        profile=duplicate,
        account=joe,
        practitioner_clinic=joe_at_southern,
        npi_mismatch_confirmed=True,
        actor=None,
    )
    before = EPrescription.objects.count()

    result = prescriber_merge(
        duplicate=duplicate, keep=keep, actor=pharmacy_staff, reason="same prescriber"
    )

    assert EPrescription.objects.count() == before
    assert sorted(result.prescription_ids) == sorted(p.pk for p in moved_prescriptions)
    assert set(keep.prescriptions.values_list("pk", flat=True)) >= set(result.prescription_ids)
    assert not duplicate.prescriptions.exists()
    expected_patients = {p.patient_id for p in moved_prescriptions}
    assert set(result.patient_ids) == expected_patients
    assert set(keep.patient_links.values_list("patient_id", flat=True)) == expected_patients
    assert not ProfilePatient.objects.filter(profile=duplicate).exists()
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.status == ProfileStatus.ARCHIVED
    assert duplicate.merged_into == keep
    # The kept profile had no link: the duplicate's link came with the patients.
    assert result.link_moved
    assert keep.practitioner_clinic == joe_at_southern
    assert duplicate.practitioner_clinic is None
    assert prescription_patients_for(user=joe).count() == len(expected_patients)
    (merged,) = _events(duplicate, PrescriberEvent.PROFILE_MERGED)
    assert merged.actor == pharmacy_staff
    assert merged.details["kept"] == keep.pk
    assert merged.details["prescriptions"] == result.prescription_ids
    assert (
        _events(keep, PrescriberEvent.PROFILE_MERGE_RECEIVED)[0].details["duplicate"]
        == duplicate.pk
    )


def test_merge_keeps_the_kept_profiles_own_link(
    joe: User, joe_at_happy: PractitionerClinic, joe_at_southern: PractitionerClinic
) -> None:
    duplicate = PrescriberProfileFactory(npi=joe.practitioner.npi)
    keep = PrescriberProfileFactory(npi=joe.practitioner.npi)
    prescriber_link(profile=duplicate, account=joe, practitioner_clinic=joe_at_happy, actor=None)
    prescriber_link(profile=keep, account=joe, practitioner_clinic=joe_at_southern, actor=None)

    result = prescriber_merge(duplicate=duplicate, keep=keep, actor=None)

    keep.refresh_from_db()
    duplicate.refresh_from_db()
    assert not result.link_moved
    assert keep.practitioner_clinic == joe_at_southern
    assert duplicate.practitioner_clinic is None
    assert duplicate.previous_practitioner_clinic == joe_at_happy


@pytest.mark.parametrize("problem", ["itself", "archived keep", "merged twice"])
def test_merge_refuses_what_makes_no_sense_and_changes_nothing(problem: str, db: None) -> None:
    duplicate = PrescriberProfileFactory()
    EPrescriptionFactory(profile=duplicate)
    keep = PrescriberProfileFactory()
    if problem == "itself":
        keep = duplicate
    elif problem == "archived keep":
        prescriber_archive(profile=keep, actor=None)
    else:
        prescriber_merge(duplicate=duplicate, keep=keep, actor=None)
    prescriptions = list(EPrescription.objects.values_list("pk", "profile_id"))

    with pytest.raises(PrescriberError):
        prescriber_merge(duplicate=duplicate, keep=keep, actor=None)

    assert list(EPrescription.objects.values_list("pk", "profile_id")) == prescriptions


def test_review_clears_the_flag_once(db: None, pharmacy_staff: User) -> None:
    profile = PrescriberProfileFactory(needs_review=True, created_automatically=True)
    prescriber_review_complete(profile=profile, actor=pharmacy_staff)
    profile.refresh_from_db()
    assert not profile.needs_review
    with pytest.raises(PrescriberError):
        prescriber_review_complete(profile=profile, actor=pharmacy_staff)


def test_profile_save_records_fields_licences_and_applies_the_link(
    joe: User, joe_at_southern: PractitionerClinic, southern_profile: PrescriberProfile
) -> None:
    southern_profile.description = "Main Street office"
    licence = PrescriberLicence(state="AZ", number="MD-1", expires_on=date(2030, 1, 31))

    prescriber_profile_save(
        profile=southern_profile,
        changed_fields=["description"],
        licences_saved=[licence],
        link=LinkRequest(account=joe, practitioner_clinic=joe_at_southern),
        actor=None,
    )

    southern_profile.refresh_from_db()
    assert southern_profile.description == "Main Street office"
    assert southern_profile.licences.get().number == "MD-1"
    assert southern_profile.practitioner_clinic == joe_at_southern
    (updated,) = _events(southern_profile, PrescriberEvent.PROFILE_UPDATED)
    assert updated.details["fields"] == ["description"]

    prescriber_profile_save(
        profile=southern_profile,
        changed_fields=[],
        licences_deleted=[southern_profile.licences.get()],
        link=LinkRequest(account=None, practitioner_clinic=None),
        actor=None,
    )
    southern_profile.refresh_from_db()
    assert southern_profile.practitioner_clinic is None
    assert not southern_profile.licences.exists()


def test_a_profile_of_another_practitioner_is_never_visible(
    joe: User, joe_at_happy: PractitionerClinic, other_practitioner: User
) -> None:
    profile = PrescriberProfileFactory(npi=joe.practitioner.npi)
    patient_with_prescription(profile=profile)
    prescriber_link(profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    assert prescription_patients_for(user=joe).count() == 1
    assert not prescription_patients_for(user=other_practitioner).exists()


def test_a_shared_clinic_does_not_share_patients(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    """Two practitioners at one clinic are two combinations: each sees only their own."""
    colleague = practitioner_account(clinics=[joe_at_happy.clinic])
    profile = PrescriberProfileFactory(npi=joe.practitioner.npi)
    patient_with_prescription(profile=profile)
    prescriber_link(profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None)

    assert not prescription_patients_for(user=colleague).exists()
    assert combination(colleague, joe_at_happy.clinic) != joe_at_happy


def test_an_update_that_changes_nothing_records_nothing(
    southern_profile: PrescriberProfile,
) -> None:
    prescriber_profile_save(profile=southern_profile, changed_fields=[], actor=None)
    assert not _events(southern_profile, PrescriberEvent.PROFILE_UPDATED)
