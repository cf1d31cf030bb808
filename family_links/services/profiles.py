"""What an account holder changes in the portal: a linked record's demographic details (each
change kept field by field for staff), the email on file, and removing a record."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from access_control.models import PortalGrant, Relationship
from access_control.services import PortalAccessError, grant_revoke
from accounts.models import User, normalize_email_address
from audit.services import audit_record
from clinics.models import Patient
from clinics.services import patient_save
from family_links.events import FamilyLinksEvent
from family_links.models import DemographicChange, DemographicField, EmergencyContact
from family_links.services.base import email_mask, mail_queue

PATIENT_FIELDS = (
    DemographicField.PREFERRED_NAME,
    DemographicField.PHONE,
    DemographicField.ADDRESS_LINE1,
    DemographicField.ADDRESS_LINE2,
    DemographicField.CITY,
    DemographicField.REGION,
    DemographicField.POSTAL_CODE,
)
# The emergency contact's fields, by the name of the EmergencyContact attribute they change.
EMERGENCY_FIELDS = {
    DemographicField.EMERGENCY_NAME: "name",
    DemographicField.EMERGENCY_RELATIONSHIP: "relationship",
    DemographicField.EMERGENCY_PHONE: "phone",
}


def _changes_record(
    *, patient: Patient, account: User, changes: list[tuple[DemographicField, str, str]]
) -> list[DemographicChange]:
    rows = DemographicChange.objects.bulk_create(
        DemographicChange(
            patient=patient, field=field, old_value=old, new_value=new, changed_by=account
        )
        for field, old, new in changes
    )
    audit_record(
        actor=account,
        action=FamilyLinksEvent.DEMOGRAPHICS_UPDATED,
        patient=patient,
        target=patient,
        details={"fields": [str(field) for field, _, _ in changes]},
    )
    return rows


@transaction.atomic
def demographics_update(
    *, patient: Patient, account: User, values: Mapping[str, str]
) -> list[DemographicChange]:
    """Saves the details the account holder typed; returns one change row per field changed.

    `values` holds any of the patient fields and emergency-contact fields above; the email on
    file changes only through `email_on_file_update`.
    """
    unknown = set(values) - set(PATIENT_FIELDS) - set(EMERGENCY_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail the portal may change: {sorted(unknown)}")
    changes: list[tuple[DemographicField, str, str]] = []
    for field in PATIENT_FIELDS:
        if field in values and values[field].strip() != getattr(patient, field):
            changes.append((field, getattr(patient, field), values[field].strip()))
            setattr(patient, field, values[field].strip())
    contact = EmergencyContact.objects.filter(patient=patient).first() or EmergencyContact(
        patient=patient
    )
    contact_changed = False
    for field, attribute in EMERGENCY_FIELDS.items():
        if field in values and values[field].strip() != getattr(contact, attribute):
            changes.append((field, getattr(contact, attribute), values[field].strip()))
            setattr(contact, attribute, values[field].strip())
            contact_changed = True
    if not changes:
        return []
    patient_fields = [str(field) for field, _, _ in changes if field in PATIENT_FIELDS]
    if patient_fields:
        patient_save(patient=patient, actor=account, changed_fields=patient_fields)
    if contact_changed:
        contact.full_clean()
        contact.save()
    return _changes_record(patient=patient, account=account, changes=changes)


@transaction.atomic
def email_on_file_update(*, patient: Patient, account: User, email: str) -> DemographicChange:
    """Changes the record's email on file. The caller has had the account holder sign in again.

    The address it replaces is told, so that a change nobody expected does not go unnoticed.
    """
    old = patient.email
    new = normalize_email_address(email) or ""
    if normalize_email_address(old) == new:
        raise PortalAccessError("This is already the email on file.")
    patient.email = new
    patient_save(patient=patient, actor=account, changed_fields=["email"])
    if old:
        mail_queue(
            to=old,
            subject=f"The email on file at {patient.clinic.name} was changed",
            template="email_changed",
            context={
                "patient": patient,
                "clinic": patient.clinic,
                "masked_new": email_mask(new) if new else "",
            },
            purpose="family_links:email_changed",
            patient=patient,
        )
    (row,) = _changes_record(
        patient=patient, account=account, changes=[(DemographicField.EMAIL, old, new)]
    )
    return row


@transaction.atomic
def grant_remove_by_holder(*, account: User, patient: Patient) -> PortalGrant:
    """The account holder takes a family member's record out of their account."""
    grant = (
        PortalGrant.objects.select_for_update()
        .filter(account=account, patient=patient, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        raise PortalAccessError("This record is not in your account.")
    if grant.relationship == Relationship.SELF:
        raise PortalAccessError(
            f"This is your own record; it stays in your account. Please contact "
            f"{patient.clinic.contact_line} if something is wrong."
        )
    grant_revoke(grant=grant, actor=account)
    return grant
