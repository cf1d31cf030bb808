"""A record's portal settings (blocked, Available Practitioners, test profile) and the
clinic's default."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import (
    PatientPortalSettings,
)
from access_control.selectors import (
    clinic_bookable_practitioners,
    clinic_default_practitioners,
)
from access_control.services.base import PortalAccessError, patient_lock
from access_control.services.invitations import invitations_revoke_pending
from access_control.signals import patient_blocked
from accounts.models import User
from accounts.tokens import TokenRevokeReason
from audit.services import audit_record
from clinics.models import Patient, Practitioner
from clinics.services import patient_save


def portal_settings_initialize(*, patient: Patient) -> PatientPortalSettings:
    """Gives a patient record its portal settings, starting from the clinic's default.

    Part of creating the patient (which clinics audits), so it writes no event of its own.
    """
    portal_settings, created = PatientPortalSettings.objects.get_or_create(patient=patient)
    if created:
        portal_settings.available_practitioners.set(
            clinic_default_practitioners(clinic_id=patient.clinic_id)
        )
    return portal_settings


@transaction.atomic
def patient_block(*, patient: Patient, actor: User) -> PatientPortalSettings:
    """Hides the record from every account and revokes its pending invitations and links."""
    patient_lock(patient)
    portal_settings = portal_settings_initialize(patient=patient)
    if portal_settings.blocked:
        raise PortalAccessError("Portal access is already blocked for this patient.")
    portal_settings.blocked = True
    portal_settings.blocked_at = timezone.now()
    portal_settings.blocked_by = actor
    portal_settings.save(update_fields=["blocked", "blocked_at", "blocked_by"])
    revoked = invitations_revoke_pending(
        patient=patient, actor=actor, reason=TokenRevokeReason.BLOCKED
    )
    patient_blocked.send(sender=PatientPortalSettings, patient=patient, actor=actor)
    audit_record(
        actor=actor,
        action=AccessControlEvent.PATIENT_BLOCKED,
        patient=patient,
        target=portal_settings,
        details={"invitations_revoked": revoked},
    )
    return portal_settings


@transaction.atomic
def patient_unblock(*, patient: Patient, actor: User) -> PatientPortalSettings:
    """Gives the record's accounts their access back; revoked invitations and links stay revoked."""
    patient_lock(patient)
    portal_settings = portal_settings_initialize(patient=patient)
    if not portal_settings.blocked:
        raise PortalAccessError("Portal access is not blocked for this patient.")
    portal_settings.blocked = False
    portal_settings.blocked_at = None
    portal_settings.blocked_by = None
    portal_settings.save(update_fields=["blocked", "blocked_at", "blocked_by"])
    audit_record(
        actor=actor,
        action=AccessControlEvent.PATIENT_UNBLOCKED,
        patient=patient,
        target=portal_settings,
    )
    return portal_settings


@transaction.atomic
def available_practitioners_set(
    *, patient: Patient, practitioners: Iterable[Practitioner], actor: User
) -> None:
    """Chooses the practitioners the patient may book in the portal."""
    patient_lock(patient)
    chosen = {practitioner.pk for practitioner in practitioners}
    bookable = set(
        clinic_bookable_practitioners(clinic_id=patient.clinic_id).values_list("pk", flat=True)
    )
    if not chosen <= bookable:
        raise ValidationError(
            {"practitioners": "Choose only practitioners who are bookable at this clinic."}
        )
    portal_settings = portal_settings_initialize(patient=patient)
    before = set(portal_settings.available_practitioners.values_list("pk", flat=True))
    portal_settings.available_practitioners.set(chosen)
    audit_record(
        actor=actor,
        action=AccessControlEvent.AVAILABLE_PRACTITIONERS_SET,
        patient=patient,
        target=portal_settings,
        details={"added": sorted(chosen - before), "removed": sorted(before - chosen)},
    )


@transaction.atomic
def test_profile_set(*, patient: Patient, is_test_profile: bool, actor: User) -> Patient:
    """Marks the record as a test profile (training, checking the portal) or as a real one."""
    patient.is_test_profile = is_test_profile
    return patient_save(patient=patient, actor=actor, changed_fields=["is_test_profile"]).patient
