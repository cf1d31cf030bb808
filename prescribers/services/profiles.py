"""Prescriber profiles: save, link, disconnect, archive, restore, review, merge.

Locks are always taken in one order: the practitioner/clinic combination first, then profiles by
id. The combination's row is what makes two links to one combination queue up; the database
constraint (one active profile per combination) is the last word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
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
from prescribers.selectors import prescriber_active_profile_for, prescriber_link_plan


@dataclass(frozen=True)
class LinkRequest:
    """The link asked for on the profile's page: an account and one of its clinics, or none."""

    account: User | None
    practitioner_clinic: PractitionerClinic | None
    move_link: bool = False
    npi_mismatch_confirmed: bool = False


@dataclass(frozen=True)
class MergeResult:
    kept: PrescriberProfile
    prescription_ids: list[int]
    patient_ids: list[int]
    link_moved: bool


def _lock(
    *profiles: PrescriberProfile, practitioner_clinic_id: int | None = None
) -> list[PrescriberProfile]:
    """Locks the combination (if given), then the profiles by id; returns them re-read."""
    if practitioner_clinic_id is not None:
        list(
            PractitionerClinic.objects.select_for_update()
            .filter(pk=practitioner_clinic_id)
            .values_list("pk", flat=True)
        )
    ids = sorted({profile.pk for profile in profiles})
    locked = {
        profile.pk: profile
        for profile in PrescriberProfile.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
    }
    return [locked[profile.pk] for profile in profiles]


def _save_keeping_one_link(*, profile: PrescriberProfile, fields: list[str]) -> None:
    """Saves; a combination that another active profile took meanwhile is a LinkConflict."""
    try:
        with transaction.atomic():
            profile.save(update_fields=[*fields, "updated_at"])
    except IntegrityError:
        other = (
            prescriber_active_profile_for(practitioner_clinic=profile.practitioner_clinic)
            if profile.practitioner_clinic is not None
            else None
        )
        if other is None:
            raise
        raise LinkConflict(other=other) from None


def _disconnect(
    *, profile: PrescriberProfile, actor: User | None, reason: str, moved_to: int | None = None
) -> None:
    combination_id = profile.practitioner_clinic_id
    profile.previous_practitioner_clinic_id = combination_id
    profile.practitioner_clinic = None
    profile.linked_at = None
    profile.linked_by = None
    profile.save(
        update_fields=[
            "previous_practitioner_clinic",
            "practitioner_clinic",
            "linked_at",
            "linked_by",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_DISCONNECTED,
        target=profile,
        details={"practitioner_clinic": combination_id, "moved_to": moved_to, "reason": reason},
    )


@transaction.atomic
def prescriber_link(
    *,
    profile: PrescriberProfile,
    account: User,
    practitioner_clinic: PractitionerClinic,
    move_link: bool = False,
    npi_mismatch_confirmed: bool = False,
    actor: User | None,
    reason: str = "",
) -> PrescriberProfile:
    """Links the profile to one of the account's clinics: its prescriptions and patients follow.

    A combination already linked to another active profile is moved only when `move_link` says
    so; an NPI that differs from the account's needs `npi_mismatch_confirmed`.
    """
    _lock(practitioner_clinic_id=practitioner_clinic.pk)
    combination = PractitionerClinic.objects.select_related("practitioner", "clinic").get(
        pk=practitioner_clinic.pk
    )
    holder = prescriber_active_profile_for(practitioner_clinic=combination)
    locked = _lock(profile, *([holder] if holder and holder.pk != profile.pk else []))
    profile = locked[0]
    plan = prescriber_link_plan(
        profile=profile,
        account=account,
        practitioner_clinic=combination,
        move_link=move_link,
        npi_mismatch_confirmed=npi_mismatch_confirmed,
    )
    if profile.practitioner_clinic_id == combination.pk:
        return profile
    if plan.move_from is not None:
        _disconnect(profile=locked[1], actor=actor, reason=reason, moved_to=profile.pk)
    previous = profile.practitioner_clinic_id
    profile.practitioner_clinic = combination
    profile.linked_at = timezone.now()
    profile.linked_by = actor
    _save_keeping_one_link(
        profile=profile, fields=["practitioner_clinic", "linked_at", "linked_by"]
    )
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_LINKED,
        target=profile,
        details={
            "practitioner_clinic": combination.pk,
            "account": account.pk,
            "clinic": combination.clinic.name,
            "previous_practitioner_clinic": previous,
            "moved_from": plan.move_from.pk if plan.move_from else None,
            "npi_mismatch_confirmed": plan.npi_mismatch,
            "reason": reason,
        },
    )
    return profile


@transaction.atomic
def prescriber_disconnect(
    *, profile: PrescriberProfile, actor: User | None, reason: str = ""
) -> PrescriberProfile:
    """Removes the link: the account no longer sees this profile's patients."""
    (profile,) = _lock(profile)
    if profile.practitioner_clinic_id is None:
        raise PrescriberError("This profile is not linked to a portal account.")
    _disconnect(profile=profile, actor=actor, reason=reason)
    return profile


@transaction.atomic
def prescriber_profile_save(
    *,
    profile: PrescriberProfile,
    changed_fields: Sequence[str],
    licences_saved: Sequence[PrescriberLicence] = (),
    licences_deleted: Sequence[PrescriberLicence] = (),
    link: LinkRequest | None = None,
    actor: User | None,
    reason: str = "",
) -> PrescriberProfile:
    """Saves a profile typed in by pharmacy staff, its licences and, if asked, its link."""
    creating = profile.pk is None
    if creating:
        profile.save()
    elif changed_fields:
        profile.save(update_fields=[*changed_fields, "updated_at"])
    for licence in licences_saved:
        licence.profile = profile
        licence.save()
    for licence in licences_deleted:
        licence.delete()
    if creating or changed_fields or licences_saved or licences_deleted:
        audit_record(
            actor=actor,
            action=PrescriberEvent.PROFILE_CREATED if creating else PrescriberEvent.PROFILE_UPDATED,
            target=profile,
            details={
                "fields": sorted(changed_fields),
                "licences_saved": [str(licence) for licence in licences_saved],
                "licences_deleted": [str(licence) for licence in licences_deleted],
            },
        )
    if link is not None and link.account is not None and link.practitioner_clinic is not None:
        return prescriber_link(
            profile=profile,
            account=link.account,
            practitioner_clinic=link.practitioner_clinic,
            move_link=link.move_link,
            npi_mismatch_confirmed=link.npi_mismatch_confirmed,
            actor=actor,
            reason=reason,
        )
    if link is not None and profile.practitioner_clinic_id is not None:
        return prescriber_disconnect(profile=profile, actor=actor, reason=reason)
    return profile


@transaction.atomic
def prescriber_archive(
    *, profile: PrescriberProfile, actor: User | None, reason: str = ""
) -> PrescriberProfile:
    """Archives the profile: kept, but it receives no prescriptions and its patients are hidden."""
    (profile,) = _lock(profile)
    if not profile.is_active:
        raise PrescriberError("This profile is already archived.")
    profile.status = ProfileStatus.ARCHIVED
    profile.archived_at = timezone.now()
    profile.needs_review = False
    profile.save(update_fields=["status", "archived_at", "needs_review", "updated_at"])
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_ARCHIVED,
        target=profile,
        details={"reason": reason},
    )
    return profile


@transaction.atomic
def prescriber_restore(
    *, profile: PrescriberProfile, actor: User | None, reason: str = ""
) -> PrescriberProfile:
    """Undoes an archive, unless its combination has meanwhile been linked to another profile."""
    (profile,) = _lock(profile, practitioner_clinic_id=profile.practitioner_clinic_id)
    if profile.is_active:
        raise PrescriberError("This profile is not archived.")
    holder = (
        prescriber_active_profile_for(practitioner_clinic=profile.practitioner_clinic)
        if profile.practitioner_clinic is not None
        else None
    )
    if holder is not None:
        raise LinkConflict(other=holder)
    profile.status = ProfileStatus.ACTIVE
    profile.archived_at = None
    profile.merged_into = None
    _save_keeping_one_link(profile=profile, fields=["status", "archived_at", "merged_into"])
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_RESTORED,
        target=profile,
        details={"reason": reason},
    )
    return profile


@transaction.atomic
def prescriber_review_complete(
    *, profile: PrescriberProfile, actor: User | None, reason: str = ""
) -> PrescriberProfile:
    """The pharmacy has checked an automatically created profile and its likely duplicates."""
    (profile,) = _lock(profile)
    if not profile.needs_review:
        raise PrescriberError("This profile is not awaiting review.")
    profile.needs_review = False
    profile.save(update_fields=["needs_review", "updated_at"])
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_REVIEWED,
        target=profile,
        details={"reason": reason},
    )
    return profile


@transaction.atomic
def prescriber_merge(
    *, duplicate: PrescriberProfile, keep: PrescriberProfile, actor: User | None, reason: str = ""
) -> MergeResult:
    """Moves a duplicate's prescriptions and patients to the profile kept, then archives it.

    When the profile kept has no link, the duplicate's link moves with them.
    """
    if duplicate.pk == keep.pk:
        raise PrescriberError("A profile cannot be merged into itself.", field="keep")
    duplicate, keep = _lock(
        duplicate, keep, practitioner_clinic_id=duplicate.practitioner_clinic_id
    )
    if not keep.is_active:
        raise PrescriberError("The profile to keep is archived; choose another.", field="keep")
    if duplicate.merged_into_id is not None:
        raise PrescriberError("This profile has already been merged.")

    prescription_ids = list(duplicate.prescriptions.order_by("pk").values_list("pk", flat=True))
    EPrescription.objects.filter(pk__in=prescription_ids).update(
        profile=keep, updated_at=timezone.now()
    )
    links = ProfilePatient.objects.filter(profile=duplicate)
    patient_ids = list(links.order_by("patient_id").values_list("patient_id", flat=True))
    attached_already = ProfilePatient.objects.filter(profile=keep, patient_id__in=patient_ids)
    links.filter(patient_id__in=attached_already.values("patient_id")).delete()
    links.update(profile=keep)

    combination_id = duplicate.practitioner_clinic_id
    link_moved = combination_id is not None and keep.practitioner_clinic_id is None
    if combination_id is not None:
        _disconnect(
            profile=duplicate,
            actor=actor,
            reason=f"Merged into profile #{keep.pk}",
            moved_to=keep.pk if link_moved else None,
        )
    if link_moved:
        keep.practitioner_clinic_id = combination_id
        keep.linked_at = timezone.now()
        keep.linked_by = actor
        _save_keeping_one_link(
            profile=keep, fields=["practitioner_clinic", "linked_at", "linked_by"]
        )
    duplicate.status = ProfileStatus.ARCHIVED
    duplicate.archived_at = timezone.now()
    duplicate.merged_into = keep
    duplicate.needs_review = False
    duplicate.save(
        update_fields=["status", "archived_at", "merged_into", "needs_review", "updated_at"]
    )
    moved = {
        "prescriptions": prescription_ids,
        "patients": patient_ids,
        "link_moved": link_moved,
        "reason": reason,
    }
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_MERGED,
        target=duplicate,
        details={"kept": keep.pk, **moved},
    )
    audit_record(
        actor=actor,
        action=PrescriberEvent.PROFILE_MERGE_RECEIVED,
        target=keep,
        details={"duplicate": duplicate.pk, **moved},
    )
    return MergeResult(
        kept=keep, prescription_ids=prescription_ids, patient_ids=patient_ids, link_moved=link_moved
    )
