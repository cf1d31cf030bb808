"""Reads for Medical Access Links: look-ups by token and code, what staff see on the Medical
Access Code tab, family proposals, links due a reminder, and the portal's profiles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from access_control.models import GrantScope, PortalGrant
from access_control.policy import portal_grants_for
from access_control.selectors import patient_is_blocked
from accounts.tokens import SingleUseTokenQuerySet, TokenStatus
from clinics.models import Patient
from clinics.selectors import patient_search, patients_for_staff
from family_links.codes import code_digest, code_normalize
from family_links.models import AccessLink, ClinicLinkSettings, DemographicChange

if TYPE_CHECKING:
    from accounts.roles import AnyUser


def clinic_requires_date_of_birth(*, clinic_id: int) -> bool:
    value = (
        ClinicLinkSettings.objects.filter(clinic_id=clinic_id)
        .values_list("require_date_of_birth", flat=True)
        .first()
    )
    return True if value is None else value


def access_links_pending(*, patient: Patient) -> SingleUseTokenQuerySet[AccessLink]:
    return AccessLink.objects.filter(patient=patient).usable()


def access_link_by_token(*, token: str) -> AccessLink | None:
    """The link carrying this token, whatever its state."""
    return AccessLink.objects.select_related("patient__clinic").with_token(token).first()


def _usable(link: AccessLink | None) -> AccessLink | None:
    if link is None or link.status != TokenStatus.PENDING:
        return None
    if patient_is_blocked(patient=link.patient):
        return None
    return link


def access_link_usable(*, token: str) -> AccessLink | None:
    """The link this token opens, if it may still be redeemed: pending, record not blocked.

    Reading never uses the link up.
    """
    return _usable(access_link_by_token(token=token))


def access_link_usable_by_code(*, code: str) -> AccessLink | None:
    """The pending link whose Medical Access Code this is, record not blocked."""
    normalized = code_normalize(code)
    if not normalized:
        return None
    link = (
        AccessLink.objects.select_related("patient__clinic")
        .filter(code_digest=code_digest(normalized))
        .first()
    )
    return _usable(link)


@dataclass(frozen=True)
class AccessCodeOverview:
    """What the Medical Access Code tab shows about one patient."""

    links: list[AccessLink]
    pending: AccessLink | None
    redeemed: list[AccessLink]
    requires_date_of_birth: bool
    blocked: bool

    @property
    def linked(self) -> bool:
        return bool(self.redeemed)


def access_code_overview(*, patient: Patient, now: datetime | None = None) -> AccessCodeOverview:
    moment = now or timezone.now()
    links = list(
        AccessLink.objects.filter(patient=patient).select_related(
            "created_by", "used_by", "revoked_by"
        )
    )
    return AccessCodeOverview(
        links=links,
        pending=next((x for x in links if x.status_on(moment) == TokenStatus.PENDING), None),
        redeemed=[x for x in links if x.used_at is not None],
        requires_date_of_birth=clinic_requires_date_of_birth(clinic_id=patient.clinic_id),
        blocked=patient_is_blocked(patient=patient),
    )


def family_candidates(*, patient: Patient, staff: AnyUser, query: str = "") -> list[Patient]:
    """Patients of the same clinic who may be the same family: the same email, last name or
    address, and those a search finds. The patient comes first."""
    same_clinic = patients_for_staff(user=staff).filter(clinic_id=patient.clinic_id)
    alike = Q(pk=patient.pk) | Q(last_name__iexact=patient.last_name)
    if patient.email:
        alike |= Q(email__iexact=patient.email)
    if patient.address_line1:
        alike |= Q(
            address_line1__iexact=patient.address_line1,
            postal_code__iexact=patient.postal_code,
        )
    found = same_clinic.filter(alike)
    if query.strip():
        found = found | patient_search(queryset=same_clinic, query=query)
    candidates = list(found.distinct().order_by("last_name", "first_name", "pk"))
    return sorted(candidates, key=lambda candidate: candidate.pk != patient.pk)


def access_links_due_reminder(*, now: datetime, lead: timedelta) -> QuerySet[AccessLink]:
    """Sent links, still pending, that expire within `lead` and had no reminder yet."""
    return (
        AccessLink.objects.usable(now)
        .filter(
            sent_at__isnull=False,
            reminder_sent_at__isnull=True,
            expires_at__lte=now + lead,
        )
        .exclude(patient__portal_settings__blocked=True)
    )


def demographic_changes_for(*, patient: Patient) -> list[DemographicChange]:
    return list(DemographicChange.objects.filter(patient=patient).select_related("changed_by"))


def profile_grants_for(*, user: AnyUser) -> list[PortalGrant]:
    """The records this account may open as profiles, through the access policy. One query."""
    return list(
        portal_grants_for(user=user)
        .filter(scope=GrantScope.FULL)
        .select_related("patient__clinic", "patient__emergency_contact")
        .order_by("patient__first_name", "patient__last_name", "patient_id")
    )
