"""The practitioner policy: who is a practitioner, and what their account may see or act on.

The one place for the practitioner portal's and the e-prescription API's access rules. Every
portal page, API call, form, serializer and service asks here, on every request, so a
disconnect, an archive, a deactivated account or a revoked token takes effect on the very next
request. Deny by default: anonymous and inactive accounts get nothing.

- A practitioner is an active account that a `Practitioner` row points to.
- An account sees the patients and prescriptions of the active prescriber profiles linked to
  its own practitioner/clinic combinations, and nothing else.
- It prescribes only from its own combinations that are not archived.
- Only a practitioner holds API tokens; a token works while unrevoked, unexpired and its owner
  active.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_signed_in
from accounts.tokens import token_digest
from clinics.models import ClinicMembership, Practitioner, PractitionerClinic
from prescribers.models import (
    ApiToken,
    EPrescription,
    PharmacyPatient,
    PrescriberProfile,
    ProfilePatient,
    ProfileStatus,
)

if TYPE_CHECKING:
    from accounts.roles import AnyUser

NOT_YOUR_CLINIC = "Choose one of your clinics."
CLINIC_ARCHIVED = "This clinic is archived; restore it under My clinics to prescribe from it."
NOT_A_PRACTITIONER = "Only practitioners' portal accounts can have API tokens."


def _active_account(user: AnyUser) -> TypeGuard[User]:
    return is_signed_in(user) and user.is_active


def practitioner_for(*, user: AnyUser) -> Practitioner | None:
    """The practitioner whose portal account this is; None for everyone else."""
    if not _active_account(user):
        return None
    return Practitioner.objects.filter(user=user).first()


def prescriber_profiles_for(*, user: AnyUser) -> QuerySet[PrescriberProfile]:
    """The active profiles linked to this account's practitioner/clinic combinations."""
    if not _active_account(user):
        return PrescriberProfile.objects.none()
    return PrescriberProfile.objects.filter(
        status=ProfileStatus.ACTIVE, practitioner_clinic__practitioner__user=user
    )


def prescription_patients_for(*, user: AnyUser) -> QuerySet[PharmacyPatient]:
    """The pharmacy patients attached to the profiles this account sees."""
    attached = ProfilePatient.objects.filter(profile__in=prescriber_profiles_for(user=user))
    return PharmacyPatient.objects.filter(pk__in=attached.values("patient_id"))


def eprescriptions_for(*, user: AnyUser) -> QuerySet[EPrescription]:
    """The prescriptions of the profiles this account sees."""
    return EPrescription.objects.filter(profile__in=prescriber_profiles_for(user=user))


def practitioner_clinics_for(
    *, user: AnyUser, include_archived: bool = False
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
    *, user: AnyUser, clinic_id: int, include_archived: bool = False
) -> PractitionerClinic | None:
    return (
        practitioner_clinics_for(user=user, include_archived=include_archived)
        .filter(clinic_id=clinic_id)
        .first()
    )


def practitioner_clinic_refusal(
    *, user: AnyUser, practitioner_clinic: PractitionerClinic
) -> str | None:
    """Why this account may not prescribe from the combination (read under the caller's lock);
    None when it may."""
    if not _active_account(user) or practitioner_clinic.practitioner.user_id != user.pk:
        return NOT_YOUR_CLINIC
    if practitioner_clinic.archived_at is not None:
        return CLINIC_ARCHIVED
    return None


def api_token_holder_refusal(*, user: AnyUser) -> str | None:
    """Why this account may not hold an API token; None for a practitioner."""
    return None if practitioner_for(user=user) is not None else NOT_A_PRACTITIONER


def api_tokens_for(*, user: AnyUser) -> QuerySet[ApiToken]:
    """The account's own unrevoked tokens: the ones it may see and revoke."""
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
