"""Reads for the pharmacy side and the practitioner portal.

Who may see what in the practitioner portal and the API is prescribers.policy's to say; the
reads here take what it already allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Practitioner, PractitionerClinic
from prescribers.errors import LinkConflict, PrescriberError
from prescribers.matching import clinic_names_similar, fold, patient_name_key
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PractitionerInvitation,
    PrescriberProfile,
    ProfileStatus,
)

# --- The practitioner portal: reads of what prescribers.policy already allowed ---------------


def prescription_history(
    *, patients: QuerySet[PharmacyPatient], prescriptions: QuerySet[EPrescription]
) -> QuerySet[PharmacyPatient]:
    """Each patient with their prescriptions among those given (newest first) in `history`."""
    return patients.prefetch_related(
        Prefetch(
            "prescriptions",
            queryset=prescriptions.select_related("profile").order_by("-created_at", "-id"),
            to_attr="history",
        )
    )


def practitioner_invitation_usable(*, raw_token: str) -> PractitionerInvitation | None:
    """The pending invitation behind a link; None when unknown, expired, used or revoked."""
    return (
        PractitionerInvitation.objects.with_token(raw_token)
        .usable()
        .select_related("profile")
        .first()
    )


# --- The pharmacy side -----------------------------------------------------------------------


def portal_accounts_search(*, query: str, limit: int = 20) -> QuerySet[Practitioner]:
    """Practitioners with an active portal account, by name, email or NPI, with their clinics."""
    practitioners = (
        Practitioner.objects.filter(user__isnull=False, user__is_active=True)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "clinic_links",
                queryset=PractitionerClinic.objects.select_related("clinic").order_by(
                    "clinic__name", "pk"
                ),
            )
        )
    )
    for word in query.replace(",", " ").split():
        practitioners = practitioners.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(user__email__icontains=word)
            | Q(npi__startswith=word)
        )
    return practitioners.order_by("last_name", "first_name", "pk")[:limit]


def portal_account_clinics(*, account: User | None) -> QuerySet[PractitionerClinic]:
    """The practitioner/clinic combinations of a portal account: the clinics it may be linked to."""
    if account is None:
        return PractitionerClinic.objects.none()
    return (
        PractitionerClinic.objects.filter(practitioner__user=account)
        .select_related("clinic", "practitioner")
        .order_by("clinic__name", "pk")
    )


def prescriber_active_profile_for(
    *, practitioner_clinic: PractitionerClinic
) -> PrescriberProfile | None:
    return PrescriberProfile.objects.filter(
        status=ProfileStatus.ACTIVE, practitioner_clinic=practitioner_clinic
    ).first()


@dataclass(frozen=True)
class LinkPlan:
    """What linking a profile would do: which profile gives up the link, if any."""

    move_from: PrescriberProfile | None
    npi_mismatch: bool


def prescriber_link_plan(
    *,
    profile: PrescriberProfile,
    account: User,
    practitioner_clinic: PractitionerClinic,
    move_link: bool,
    npi_mismatch_confirmed: bool,
) -> LinkPlan:
    """Checks a link request against the rules; raises PrescriberError naming the problem."""
    if profile.pk is not None and not profile.is_active:
        raise PrescriberError("This profile is archived: restore it before linking it.")
    if practitioner_clinic.practitioner.user_id != account.pk:
        raise PrescriberError(
            "That clinic is not one of the selected portal account's clinics.", field="link_clinic"
        )
    other = (
        PrescriberProfile.objects.filter(
            status=ProfileStatus.ACTIVE, practitioner_clinic=practitioner_clinic
        )
        .exclude(pk=profile.pk)
        .first()
    )
    if other is not None and not move_link:
        raise LinkConflict(other=other)
    account_npi = practitioner_clinic.practitioner.npi
    npi_mismatch = bool(profile.npi and account_npi and profile.npi != account_npi)
    if npi_mismatch and not npi_mismatch_confirmed:
        raise PrescriberError(
            f"This profile's NPI ({profile.npi}) differs from the portal account's NPI "
            f"({account_npi}). Make sure this is the same prescriber, then tick "
            "“Link despite the different NPI”.",
            field="confirm_npi_mismatch",
        )
    return LinkPlan(move_from=other, npi_mismatch=npi_mismatch)


def prescriber_likely_duplicates(*, profile: PrescriberProfile) -> list[PrescriberProfile]:
    """Other active profiles with the same NPI, or the same name and a similar clinic name."""
    same_npi = Q(npi=profile.npi) if profile.npi else Q(pk__in=[])
    candidates = (
        PrescriberProfile.objects.filter(status=ProfileStatus.ACTIVE)
        .exclude(pk=profile.pk)
        .filter(same_npi | Q(last_name__iexact=profile.last_name))
        .select_related("practitioner_clinic__clinic", "practitioner_clinic__practitioner")
    )
    return [
        candidate
        for candidate in candidates
        if (profile.npi and candidate.npi == profile.npi)
        or (
            fold(candidate.first_name) == fold(profile.first_name)
            and clinic_names_similar(candidate.clinic_name, profile.clinic_name)
        )
    ]


def prescriber_merge_candidates(*, profile: PrescriberProfile) -> QuerySet[PrescriberProfile]:
    return PrescriberProfile.objects.filter(status=ProfileStatus.ACTIVE).exclude(pk=profile.pk)


def prescriber_profile_history(*, profile: PrescriberProfile) -> QuerySet[AuditEvent]:
    """The audit events about this profile, newest first."""
    return AuditEvent.objects.filter(
        object_type=PrescriberProfile._meta.label, object_id=str(profile.pk)
    ).select_related("actor")[:50]


def pharmacy_patient_match(
    *, first_name: str, last_name: str, date_of_birth: date
) -> PharmacyPatient | None:
    """The pharmacy patient with this name (ignoring case and accents) and date of birth."""
    return (
        PharmacyPatient.objects.filter(
            name_key=patient_name_key(first_name=first_name, last_name=last_name),
            date_of_birth=date_of_birth,
        )
        .order_by("pk")
        .first()
    )
