"""Reads for portal access: what staff see on the Portal Access tab, and invitation look-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access_control.models import (
    ClinicPortalSettings,
    PatientPortalSettings,
    PortalGrant,
    PortalInvitation,
    Relationship,
)
from accounts.models import User
from accounts.tokens import SingleUseTokenQuerySet, TokenStatus
from clinics.models import Patient, Practitioner, PractitionerClinic


def clinic_bookable_practitioners(*, clinic_id: int) -> QuerySet[Practitioner]:
    """Practitioners working at the clinic whom patients may book online."""
    works_here = PractitionerClinic.objects.filter(clinic_id=clinic_id, practitioner=OuterRef("pk"))
    return Practitioner.objects.filter(Exists(works_here), bookable_in_portal=True)


def clinic_default_all_practitioners(*, clinic_id: int) -> bool:
    value = (
        ClinicPortalSettings.objects.filter(clinic_id=clinic_id)
        .values_list("default_all_practitioners", flat=True)
        .first()
    )
    return True if value is None else value


def clinic_default_practitioners(*, clinic_id: int) -> QuerySet[Practitioner]:
    """A new patient's Available Practitioners: all bookable ones, unless the clinic says none."""
    if clinic_default_all_practitioners(clinic_id=clinic_id):
        return clinic_bookable_practitioners(clinic_id=clinic_id)
    return Practitioner.objects.none()


def patient_is_blocked(*, patient: Patient) -> bool:
    return PatientPortalSettings.objects.filter(patient_id=patient.pk, blocked=True).exists()


def invitations_pending(*, patient: Patient) -> SingleUseTokenQuerySet[PortalInvitation]:
    return PortalInvitation.objects.filter(patient=patient).usable()


def invitation_by_token(*, token: str) -> PortalInvitation | None:
    """The invitation carrying this token, whatever its state."""
    return PortalInvitation.objects.select_related("patient__clinic").with_token(token).first()


def invitation_usable(*, token: str) -> PortalInvitation | None:
    """The invitation this token opens, if it may still be accepted: pending, patient not blocked.

    Reading never uses the invitation up.
    """
    invitation = invitation_by_token(token=token)
    if invitation is None or invitation.status != TokenStatus.PENDING:
        return None
    if patient_is_blocked(patient=invitation.patient):
        return None
    return invitation


class PortalStatus(models.TextChoices):
    NO_ACCESS = "no_access", "No access"
    INVITED = "invited", "Invited"
    ACTIVE = "active", "Active"
    BLOCKED = "blocked", "Blocked"


@dataclass(frozen=True)
class PortalAccessOverview:
    """Everything the Portal Access tab shows about one patient."""

    status: PortalStatus
    blocked: bool
    blocked_at: datetime | None
    pending_invitation: PortalInvitation | None
    grants: list[PortalGrant]
    invitations: list[PortalInvitation]
    bookable_practitioners: list[Practitioner]


def portal_access_overview(*, patient: Patient) -> PortalAccessOverview:
    portal_settings = PatientPortalSettings.objects.filter(patient=patient).first()
    blocked = bool(portal_settings and portal_settings.blocked)
    grants = list(
        PortalGrant.objects.filter(patient=patient, revoked_at__isnull=True).select_related(
            "account", "granted_by"
        )
    )
    invitations = list(
        PortalInvitation.objects.filter(patient=patient).select_related(
            "created_by", "used_by", "revoked_by"
        )
    )
    now = timezone.now()
    pending = next((inv for inv in invitations if inv.status_on(now) == TokenStatus.PENDING), None)
    if blocked:
        status = PortalStatus.BLOCKED
    elif grants:
        status = PortalStatus.ACTIVE
    elif pending is not None:
        status = PortalStatus.INVITED
    else:
        status = PortalStatus.NO_ACCESS
    return PortalAccessOverview(
        status=status,
        blocked=blocked,
        blocked_at=portal_settings.blocked_at if portal_settings else None,
        pending_invitation=pending,
        grants=grants,
        invitations=invitations,
        bookable_practitioners=list(clinic_bookable_practitioners(clinic_id=patient.clinic_id)),
    )


def sign_in_name_taken(*, name: str) -> bool:
    """Whether an account signs in with this name or address, as its email or its username."""
    return User.objects.filter(Q(email=name) | Q(username=name)).exists()


def portal_grant_held(*, account: User, patient: Patient) -> PortalGrant | None:
    """The account's active grant to the record, of any scope, if it holds one."""
    return PortalGrant.objects.filter(
        account=account, patient=patient, revoked_at__isnull=True
    ).first()


def account_has_own_record(*, account: User) -> bool:
    return PortalGrant.objects.filter(
        account=account, relationship=Relationship.SELF, revoked_at__isnull=True
    ).exists()
