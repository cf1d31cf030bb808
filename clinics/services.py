from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from accounts.roles import group_for_staff_role
from audit.services import audit_record
from clinics.models import (
    Clinic,
    ClinicMembership,
    Patient,
    Practitioner,
    PractitionerClinic,
    StaffRole,
)


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


# Sent by patient_save inside its transaction, after the save: apps above clinics react to a
# staff edit without clinics importing them (access_control revokes an invitation that went to
# an email no longer on file). Keyword arguments: patient, actor, created.
patient_saved = Signal()


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
    patient_saved.send(sender=Patient, patient=patient, actor=actor, created=creating)
    return patient


# --- A practitioner's own clinics, kept in the practitioner portal ----------------------------

CLINIC_DETAIL_FIELDS = (
    "name",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "phone",
)


def _clinic_details_apply(*, clinic: Clinic, details: Mapping[str, str]) -> list[str]:
    """Copies the given details onto the clinic; returns the names of the fields that changed."""
    changed = []
    for field in CLINIC_DETAIL_FIELDS:
        value = details.get(field, "").strip()
        if getattr(clinic, field) != value:
            setattr(clinic, field, value)
            changed.append(field)
    clinic.full_clean()
    return changed


@transaction.atomic
def practitioner_clinic_create(
    *, practitioner: Practitioner, details: Mapping[str, str], actor: User | None
) -> PractitionerClinic:
    """A practitioner starts working at a new clinic: the clinic and the combination."""
    clinic = Clinic()
    _clinic_details_apply(clinic=clinic, details=details)
    clinic.save()
    combination = PractitionerClinic.objects.create(practitioner=practitioner, clinic=clinic)
    audit_record(
        actor=actor,
        action="practitioner_clinic.created",
        target=combination,
        details={"clinic": clinic.pk, "practitioner": practitioner.pk},
    )
    return combination


@transaction.atomic
def practitioner_clinic_update(
    *, practitioner_clinic: PractitionerClinic, details: Mapping[str, str], actor: User | None
) -> Clinic:
    """A practitioner corrects their clinic's details; a clinic with staff is kept by its staff."""
    clinic = practitioner_clinic.clinic
    if clinic.memberships.exists():
        raise ValidationError(
            "This clinic's details are kept by its staff; please ask them to change them."
        )
    changed = _clinic_details_apply(clinic=clinic, details=details)
    if changed:
        clinic.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="practitioner_clinic.updated",
            target=practitioner_clinic,
            details={"clinic": clinic.pk, "fields": changed},
        )
    return clinic


@transaction.atomic
def practitioner_clinic_archive(
    *, practitioner_clinic: PractitionerClinic, archived: bool, actor: User | None
) -> PractitionerClinic:
    """Archives (or restores) a practitioner's clinic: an archived one sends no prescriptions."""
    practitioner_clinic.archived_at = timezone.now() if archived else None
    practitioner_clinic.save(update_fields=["archived_at"])
    audit_record(
        actor=actor,
        action="practitioner_clinic.archived" if archived else "practitioner_clinic.restored",
        target=practitioner_clinic,
        details={"clinic": practitioner_clinic.clinic_id},
    )
    return practitioner_clinic


@transaction.atomic
def practitioner_account_attach(
    *,
    user: User,
    first_name: str,
    last_name: str,
    credential_suffix: str,
    npi: str,
    actor: User | None,
) -> Practitioner:
    """Makes `user` a practitioner's portal account.

    The practitioner the clinics already know by this NPI is used when they have no account yet
    and their email on file is this account's; otherwise a new practitioner record is made.
    """
    practitioner = Practitioner.objects.select_for_update().filter(npi=npi).first() if npi else None
    if practitioner is not None and practitioner.user_id is not None:
        raise ValidationError(f"The practitioner with NPI {npi} already has a portal account.")
    if practitioner is not None and practitioner.email.lower() != (user.email or ""):
        # The NPI alone is public; only the address the clinic has on file proves it is them.
        raise ValidationError(
            f"The clinics know the practitioner with NPI {npi} under another email address. "
            "Please ask the pharmacy to check the invitation's address."
        )
    if practitioner is None:
        practitioner = Practitioner(
            first_name=first_name,
            last_name=last_name,
            credential_suffix=credential_suffix,
            npi=npi,
            email=user.email or "",
            user=user,
        )
        practitioner.full_clean()
        practitioner.save()
    else:
        practitioner.user = user
        practitioner.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="practitioner.account_attached",
        target=practitioner,
        details={"user": user.pk},
    )
    return practitioner
