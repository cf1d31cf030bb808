"""The access policy: may this account see or act on this patient record, and how?

Every portal view, download, API endpoint and booking asks here, on every request; nothing is
remembered in the session, so a block or a revoked grant takes effect on the very next request.
Deny by default: anonymous users and anything not explicitly granted get nothing.

- A grant is active until revoked; a blocked record is hidden from every account.
- An account whose own ("self") record is blocked may not use the portal at all.
- A "forms only" grant reaches that patient's forms and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from access_control.models import (
    GrantScope,
    PatientPortalSettings,
    PortalGrant,
    Relationship,
)
from access_control.selectors import clinic_bookable_practitioners, clinic_default_practitioners
from clinics.models import Patient, Practitioner
from clinics.selectors import staff_may_manage_patient


def _blocked_self_grants(*, user: Any) -> QuerySet[PortalGrant]:
    return PortalGrant.objects.filter(
        account=user,
        relationship=Relationship.SELF,
        revoked_at__isnull=True,
        patient__portal_settings__blocked=True,
    )


def portal_grants_for(*, user: Any) -> QuerySet[PortalGrant]:
    """The account's active grants to records that are not blocked, of any scope.

    Empty for anonymous users and for an account whose own record is blocked. One query.
    """
    if not getattr(user, "is_authenticated", False):
        return PortalGrant.objects.none()
    return (
        PortalGrant.objects.filter(account=user, revoked_at__isnull=True)
        .exclude(patient__portal_settings__blocked=True)
        .filter(~Exists(_blocked_self_grants(user=user)))
    )


def portal_patients_for(*, user: Any) -> QuerySet[Patient]:
    """The records this account may open in the portal: documents, appointments, profile."""
    grants = portal_grants_for(user=user).filter(scope=GrantScope.FULL)
    return Patient.objects.filter(pk__in=grants.values("patient_id"))


def portal_form_patients_for(*, user: Any) -> QuerySet[Patient]:
    """The records whose forms this account may fill in: full and forms-only grants."""
    return Patient.objects.filter(pk__in=portal_grants_for(user=user).values("patient_id"))


def portal_access_refusal(user: Any) -> str | None:
    """The neutral message for an account whose own record is blocked; None when it may enter.

    Also the sign-in hook named in settings.SIGN_IN_REFUSAL_HOOKS.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    grant = _blocked_self_grants(user=user).select_related("patient__clinic").first()
    if grant is None:
        return None
    return (
        f"Your portal access is not available. Please contact {grant.patient.clinic.contact_line}."
    )


def staff_may_manage(*, user: Any, patient: Patient) -> bool:
    """Whether this member of staff may change the patient's portal access."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    return bool(user.has_perm("clinics.change_patient")) and staff_may_manage_patient(
        user=user, patient=patient
    )


def available_practitioners_for(*, patient: Patient) -> QuerySet[Practitioner]:
    """The practitioners this patient may be offered and may book in the portal.

    Those staff chose (or the clinic's default for a record without portal settings), that
    still work at the patient's clinic and are still bookable online.
    """
    bookable = clinic_bookable_practitioners(clinic_id=patient.clinic_id)
    portal_settings = PatientPortalSettings.objects.filter(patient_id=patient.pk).first()
    if portal_settings is None:
        return clinic_default_practitioners(clinic_id=patient.clinic_id)
    chosen = PatientPortalSettings.available_practitioners.through.objects.filter(
        patientportalsettings_id=portal_settings.pk
    )
    return bookable.filter(Exists(chosen.filter(practitioner_id=OuterRef("pk"))))


def portal_may_book(*, user: Any, patient: Patient, practitioner: Practitioner) -> bool:
    """Whether this account may book an appointment for this record with this practitioner."""
    return (
        portal_patients_for(user=user).filter(pk=patient.pk).exists()
        and available_practitioners_for(patient=patient).filter(pk=practitioner.pk).exists()
    )
