"""Reads for the pharmacy side and the practitioner portal.

`prescriber_profiles_for(user=...)` is the one access decision of the practitioner portal and the
e-prescription API: an account sees the patients and prescriptions of the active prescriber
profiles linked to its practitioner/clinic combinations, and nothing else. Every portal page and
API call asks it afresh, so a disconnect or an archive takes effect on the very next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_digest
from audit.models import AuditEvent
from clinics.models import ClinicMembership, Practitioner, PractitionerClinic
from prescribers.errors import LinkConflict, PrescriberError
from prescribers.matching import clinic_names_similar, fold, patient_name_key
from prescribers.models import (
    ApiToken,
    EPrescription,
    PharmacyPatient,
    PractitionerInvitation,
    PrescriberProfile,
    ProfilePatient,
    ProfileStatus,
)

# --- The practitioner portal and the API: who sees what -------------------------------------


def _active_account(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def practitioner_for(*, user: Any) -> Practitioner | None:
    """The practitioner whose portal account this is; None for everyone else."""
    if not _active_account(user):
        return None
    return Practitioner.objects.filter(user=user).first()


def prescriber_profiles_for(*, user: Any) -> QuerySet[PrescriberProfile]:
    """The active profiles linked to this account's practitioner/clinic combinations."""
    if not _active_account(user):
        return PrescriberProfile.objects.none()
    return PrescriberProfile.objects.filter(
        status=ProfileStatus.ACTIVE, practitioner_clinic__practitioner__user=user
    )


def prescription_patients_for(*, user: Any) -> QuerySet[PharmacyPatient]:
    """The pharmacy patients attached to the profiles this account sees."""
    attached = ProfilePatient.objects.filter(profile__in=prescriber_profiles_for(user=user))
    return PharmacyPatient.objects.filter(pk__in=attached.values("patient_id"))


def eprescriptions_for(*, user: Any) -> QuerySet[EPrescription]:
    """The prescriptions of the profiles this account sees."""
    return EPrescription.objects.filter(profile__in=prescriber_profiles_for(user=user))


def prescription_history_for(*, user: Any) -> QuerySet[PharmacyPatient]:
    """Each visible patient with their visible prescriptions (newest first) in `history`."""
    prescriptions = (
        eprescriptions_for(user=user).select_related("profile").order_by("-created_at", "-id")
    )
    return prescription_patients_for(user=user).prefetch_related(
        Prefetch("prescriptions", queryset=prescriptions, to_attr="history")
    )


def practitioner_clinics_for(
    *, user: Any, include_archived: bool = False
) -> QuerySet[PractitionerClinic]:
    """This account's practitioner/clinic combinations, with `kept_by_staff` for each clinic."""
    if not _active_account(user):
        return PractitionerClinic.objects.none()
    combinations = (
        PractitionerClinic.objects.filter(practitioner__user=user)
        .select_related("clinic")
        .annotate(
            kept_by_staff=Exists(ClinicMembership.objects.filter(clinic=OuterRef("clinic_id")))
        )
        .order_by("clinic__name", "pk")
    )
    if not include_archived:
        combinations = combinations.filter(archived_at__isnull=True)
    return combinations


def practitioner_clinic_for(
    *, user: Any, clinic_id: int, include_archived: bool = False
) -> PractitionerClinic | None:
    return (
        practitioner_clinics_for(user=user, include_archived=include_archived)
        .filter(clinic_id=clinic_id)
        .first()
    )


def api_tokens_for(*, user: Any) -> QuerySet[ApiToken]:
    if not _active_account(user):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_usable(*, raw_token: str) -> ApiToken | None:
    """The unrevoked, unexpired token of an active account, with that account."""
    return (
        ApiToken.objects.filter(
            token_hash=token_digest(raw_token),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )


def practitioner_invitation_usable(*, raw_token: str) -> PractitionerInvitation | None:
    """The pending invitation behind a link; None when unknown, expired, used or revoked."""
    return (
        PractitionerInvitation.objects.filter(
            token_hash=token_digest(raw_token),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
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
