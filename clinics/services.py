from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import User
from accounts.roles import group_for_staff_role
from audit.events import AuditAction
from audit.services import audit_record
from clinics.events import ClinicEvent
from clinics.models import (
    Clinic,
    ClinicMembership,
    Patient,
    Practitioner,
    PractitionerClinic,
    StaffRole,
)
from clinics.selectors import practitioner_clinics_beyond_reach


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
        action=ClinicEvent.STAFF_ADDED,
        target=membership,
        details={"clinic": clinic.pk, "user": user.pk, "role": str(role)},
    )
    return membership


# Sent by patient_save inside its transaction, after the save: apps above clinics react to a
# staff edit without clinics importing them (access_control revokes an invitation, family_links
# a Medical Access Link, that went to an email no longer on file). Keyword arguments: patient,
# actor, created. A receiver that revoked something returns a phrase naming it ("2 Medical
# Access Links"), so the page that saved can tell staff; any other receiver returns None.
patient_saved = Signal()


@dataclass(frozen=True)
class PatientSaved:
    patient: Patient
    revoked: list[str]  # what apps above revoked because of the change, one phrase each


@transaction.atomic
def patient_save(
    *, patient: Patient, actor: User | None, changed_fields: list[str] | None = None
) -> PatientSaved:
    """Saves a patient record typed in by staff and notes which fields changed."""
    creating = patient.pk is None
    patient.full_clean()
    patient.save()
    audit_record(
        actor=actor,
        action=ClinicEvent.PATIENT_CREATED if creating else ClinicEvent.PATIENT_UPDATED,
        patient=patient,
        target=patient,
        details={} if creating else {"fields": sorted(changed_fields or [])},
    )
    responses = patient_saved.send(sender=Patient, patient=patient, actor=actor, created=creating)
    return PatientSaved(
        patient=patient,
        revoked=[response for _, response in responses if isinstance(response, str)],
    )


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
        action=ClinicEvent.PRACTITIONER_CLINIC_CREATED,
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
            action=ClinicEvent.PRACTITIONER_CLINIC_UPDATED,
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
        action=ClinicEvent.PRACTITIONER_CLINIC_ARCHIVED
        if archived
        else ClinicEvent.PRACTITIONER_CLINIC_RESTORED,
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
        action=ClinicEvent.PRACTITIONER_ACCOUNT_ATTACHED,
        target=practitioner,
        details={"user": user.pk},
    )
    return practitioner


# --- A practitioner's shared details, kept by clinic admins in the staff admin ----------------

# The same at every clinic where the practitioner works: changing one changes it for all of them.
PRACTITIONER_SHARED_FIELDS = (
    "first_name",
    "last_name",
    "credential_suffix",
    "npi",
    "email",
    "bookable_in_portal",
)


def practitioner_shared_change_refusal(*, actor: User, practitioner: Practitioner) -> str | None:
    """Why `actor` may not change the practitioner's shared details, or None when they may."""
    beyond = practitioner_clinics_beyond_reach(user=actor, practitioner=practitioner)
    if not beyond:
        return None
    names = ", ".join(clinic.name for clinic in beyond)
    return (
        f"{practitioner.display_name} also works at {names}, so their name, NPI, email and online "
        "booking are shared with that clinic. Please ask a superuser, or an admin of every "
        "clinic where they work, to change them."
    )


@transaction.atomic
def practitioner_create(*, actor: User | None, practitioner: Practitioner) -> Practitioner:
    """Saves a new practitioner typed in by staff (their clinics are added right after)."""
    practitioner.full_clean()
    practitioner.save()
    audit_record(
        actor=actor,
        action=ClinicEvent.PRACTITIONER_CREATED,
        target=practitioner,
        details={field: getattr(practitioner, field) for field in PRACTITIONER_SHARED_FIELDS},
    )
    return practitioner


@transaction.atomic
def practitioner_update(
    *, actor: User, practitioner: Practitioner, changes: Mapping[str, Any]
) -> Practitioner:
    """Changes shared details of a practitioner, for every clinic where they work.

    Refused unless `actor` may change them at each of those clinics; the audit event keeps the
    old and new value of every field that changed.
    """
    unknown = sorted(set(changes) - set(PRACTITIONER_SHARED_FIELDS))
    if unknown:
        raise ValidationError(f"These practitioner fields cannot be changed here: {unknown}.")
    # Locked, so a clinic added at the same moment cannot slip past the check below.
    locked = Practitioner.objects.select_for_update().get(pk=practitioner.pk)
    changed = {
        field: (getattr(locked, field), value)
        for field, value in changes.items()
        if getattr(locked, field) != value
    }
    if not changed:
        return locked
    refusal = practitioner_shared_change_refusal(actor=actor, practitioner=locked)
    if refusal is not None:
        raise ValidationError(refusal)
    for field, (_, new) in changed.items():
        setattr(locked, field, new)
    locked.full_clean()
    locked.save(update_fields=sorted(changed))
    audit_record(
        actor=actor,
        action=ClinicEvent.PRACTITIONER_UPDATED,
        target=locked,
        details={
            "changes": {field: [old, new] for field, (old, new) in sorted(changed.items())},
            "clinics": list(
                locked.clinic_links.order_by("clinic_id").values_list("clinic_id", flat=True)
            ),
        },
    )
    return locked


SettingsRow = TypeVar("SettingsRow", bound=Model)


@transaction.atomic
def clinic_settings_save(
    *,
    model: type[SettingsRow],
    clinic: Clinic,
    changes: Mapping[str, Any],
    action: AuditAction,
    actor: User,
) -> SettingsRow:
    """Saves a clinic's row of an app's settings (each app keeps one row a clinic, with a
    `clinic` one-to-one): the row is made on first save, validated, and audited as `action`."""
    # Locked, so two staff saving at once leave one row with the last choice.
    row = model._default_manager.select_for_update().filter(clinic=clinic).first()
    if row is None:
        row = model(clinic=clinic)
    for field, value in changes.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    audit_record(actor=actor, action=action, target=row, details={"clinic": clinic.pk, **changes})
    return row
