from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import group_for_staff_role
from audit.services import audit_record
from clinics.models import Clinic, ClinicMembership, Patient, StaffRole


@transaction.atomic
def clinic_staff_add(
    *, clinic: Clinic, user: User, role: StaffRole, actor: User | None
) -> ClinicMembership:
    membership, _ = ClinicMembership.objects.update_or_create(
        user=user, clinic=clinic, defaults={"role": role}
    )
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=group_for_staff_role(role)))
    audit_record(
        actor=actor,
        action="clinic.staff_added",
        target=membership,
        details={"clinic": clinic.pk, "user": user.pk, "role": str(role)},
    )
    return membership


@transaction.atomic
def patient_save(
    *, patient: Patient, actor: User | None, changed_fields: list[str] | None = None
) -> Patient:
    """Saves a patient record typed in by staff and notes which fields changed."""
    creating = patient.pk is None
    patient.full_clean()
    patient.save()
    audit_record(
        actor=actor,
        action="patient.created" if creating else "patient.updated",
        patient=patient,
        target=patient,
        details={} if creating else {"fields": sorted(changed_fields or [])},
    )
    return patient
