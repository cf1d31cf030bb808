"""E-prescriptions: received from a practitioner/clinic combination, routed to its profile."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from clinics.models import PractitionerClinic
from prescribers.errors import PrescriberError, SubmissionConflict
from prescribers.events import PrescriberEvent
from prescribers.matching import patient_name_key
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PrescriberProfile,
    PrescriptionSource,
    PrescriptionStatus,
    ProfilePatient,
)
from prescribers.policy import (
    NOT_YOUR_CLINIC,
    practitioner_clinic_refusal,
    prescription_patients_for,
)
from prescribers.selectors import (
    pharmacy_patient_match,
    prescriber_active_profile_for,
    prescriber_likely_duplicates,
)


@dataclass(frozen=True)
class PatientDetails:
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class MedicationDetails:
    name: str
    strength: str
    dosage_form: str
    quantity: Decimal
    refills: int
    directions: str
    days_supply: int


@dataclass(frozen=True)
class Submission:
    prescription: EPrescription
    created: bool


# Where the pharmacy may move a prescription from each status.
_NEXT_STATUSES: dict[str, frozenset[str]] = {
    PrescriptionStatus.RECEIVED: frozenset(
        {PrescriptionStatus.IN_REVIEW, PrescriptionStatus.FILLED, PrescriptionStatus.CANCELLED}
    ),
    PrescriptionStatus.IN_REVIEW: frozenset(
        {PrescriptionStatus.FILLED, PrescriptionStatus.CANCELLED}
    ),
    PrescriptionStatus.FILLED: frozenset({PrescriptionStatus.SHIPPED}),
    PrescriptionStatus.SHIPPED: frozenset(),
    PrescriptionStatus.CANCELLED: frozenset(),
}


def _full_clean(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> None:
    """Model validation, as a PrescriberError naming the first field at fault."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise PrescriberError(
            messages[0], field=None if field == NON_FIELD_ERRORS else field
        ) from error


def _submission_digest(
    *, patient: PatientDetails | PharmacyPatient, medication: MedicationDetails, notes: str
) -> str:
    """SHA-256 of a submission's content, normalised as it is stored, to tell resends apart."""
    if isinstance(patient, PharmacyPatient):
        patient_part: dict[str, str] = {"pharmacy_patient": str(patient.pk)}
    else:
        patient_part = {
            "first_name": patient.first_name.strip(),
            "last_name": patient.last_name.strip(),
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "phone": patient.phone.strip(),
            "email": patient.email.strip().lower(),
        }
    content = {
        "patient": patient_part,
        "medication": {
            "name": medication.name.strip(),
            "strength": medication.strength.strip(),
            "dosage_form": medication.dosage_form.strip(),
            # 60, 60.0 and 60.00 are one quantity.
            "quantity": format(medication.quantity.normalize(), "f"),
            "refills": medication.refills,
            "directions": medication.directions.strip(),
            "days_supply": medication.days_supply,
        },
        "notes": notes.strip(),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _profile_create_for(*, combination: PractitionerClinic) -> PrescriberProfile:
    """The first prescription from an unlinked combination: a new profile, flagged for review."""
    practitioner, clinic = combination.practitioner, combination.clinic
    profile = PrescriberProfile.objects.create(
        first_name=practitioner.first_name,
        last_name=practitioner.last_name,
        credential_suffix=practitioner.credential_suffix,
        npi=practitioner.npi,
        description=f"{clinic.name} (from the practitioner portal)",
        clinic_name=clinic.name,
        clinic_phone=clinic.phone,
        address_line1=clinic.address_line1,
        address_line2=clinic.address_line2,
        city=clinic.city,
        region=clinic.region,
        postal_code=clinic.postal_code,
        created_automatically=True,
        needs_review=True,
        practitioner_clinic=combination,
        linked_at=timezone.now(),
    )
    audit_record(
        actor=None,
        action=PrescriberEvent.PROFILE_CREATED_AUTOMATICALLY,
        target=profile,
        details={
            "practitioner_clinic": combination.pk,
            "likely_duplicates": [
                duplicate.pk for duplicate in prescriber_likely_duplicates(profile=profile)
            ],
        },
    )
    return profile


def _patient_find_or_create(*, details: PatientDetails) -> PharmacyPatient:
    existing = pharmacy_patient_match(
        first_name=details.first_name,
        last_name=details.last_name,
        date_of_birth=details.date_of_birth,
    )
    if existing is not None:
        return existing
    patient = PharmacyPatient(
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        phone=details.phone.strip(),
        email=details.email.strip().lower(),
        name_key=patient_name_key(first_name=details.first_name, last_name=details.last_name),
    )
    # A prescription's phone is kept as the practitioner's software sent it (the API's contract):
    # E.164 when it is a valid number, the text as sent otherwise.
    _full_clean(patient, exclude=("phone",))
    patient.save()
    return patient


@transaction.atomic
def eprescription_submit(
    *,
    user: User,
    practitioner_clinic: PractitionerClinic,
    patient: PatientDetails | PharmacyPatient,
    medication: MedicationDetails,
    notes: str = "",
    external_id: str = "",
    source: PrescriptionSource,
) -> Submission:
    """Receives a prescription from one of the user's clinics and routes it to the pharmacy.

    It goes to the combination's linked active profile; the first one from an unlinked
    combination creates that profile. The same `external_id` from the same combination returns
    the prescription already received when the content matches, and is refused otherwise.
    """
    # The combination's row serialises its submissions: one new profile, one prescription per id.
    combination = (
        PractitionerClinic.objects.select_for_update(of=("self",))
        .select_related("practitioner", "clinic")
        .filter(pk=practitioner_clinic.pk)
        .first()
    )
    if combination is None:
        raise PrescriberError(NOT_YOUR_CLINIC, field="clinic")
    refusal = practitioner_clinic_refusal(user=user, practitioner_clinic=combination)
    if refusal is not None:
        raise PrescriberError(refusal, field="clinic")
    external_id = external_id.strip()
    digest = _submission_digest(patient=patient, medication=medication, notes=notes)
    if external_id:
        existing = EPrescription.objects.filter(
            practitioner_clinic=combination, external_id=external_id
        ).first()
        if existing is not None:
            # Rows received before digests were kept have nothing to compare: resends match.
            if existing.submission_digest and existing.submission_digest != digest:
                raise SubmissionConflict(existing=existing)
            return Submission(prescription=existing, created=False)
    if (
        isinstance(patient, PharmacyPatient)
        and not prescription_patients_for(user=user).filter(pk=patient.pk).exists()
    ):
        raise PrescriberError("Choose one of your patients.", field="patient")

    profile = prescriber_active_profile_for(practitioner_clinic=combination) or _profile_create_for(
        combination=combination
    )
    pharmacy_patient = (
        patient
        if isinstance(patient, PharmacyPatient)
        else _patient_find_or_create(details=patient)
    )
    ProfilePatient.objects.get_or_create(profile=profile, patient=pharmacy_patient)
    prescription = EPrescription(
        profile=profile,
        patient=pharmacy_patient,
        practitioner_clinic=combination,
        submitted_by=user,
        source=source,
        external_id=external_id,
        medication_name=medication.name.strip(),
        strength=medication.strength.strip(),
        dosage_form=medication.dosage_form.strip(),
        quantity=medication.quantity,
        refills=medication.refills,
        directions=medication.directions.strip(),
        days_supply=medication.days_supply,
        notes=notes.strip(),
        submission_digest=digest if external_id else "",
    )
    _full_clean(prescription)
    prescription.save()
    audit_record(
        actor=user,
        action=PrescriberEvent.EPRESCRIPTION_RECEIVED,
        target=prescription,
        details={
            "profile": profile.pk,
            "practitioner_clinic": combination.pk,
            "patient": pharmacy_patient.pk,
            "source": str(source),
        },
    )
    return Submission(prescription=prescription, created=True)


@dataclass(frozen=True)
class StatusChange:
    changed: list[int]
    refused: list[int]


@transaction.atomic
def eprescription_status_set(
    *, prescriptions: QuerySet[EPrescription], status: PrescriptionStatus, actor: User | None
) -> StatusChange:
    """Moves prescriptions along the queue; any that cannot move to `status` stay as they are."""
    changed, refused = [], []
    for prescription in prescriptions.select_for_update().order_by("pk"):
        if status not in _NEXT_STATUSES[prescription.status]:
            refused.append(prescription.pk)
            continue
        previous = prescription.status
        prescription.status = status
        prescription.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=PrescriberEvent.EPRESCRIPTION_STATUS_CHANGED,
            target=prescription,
            details={"from": previous, "to": str(status)},
        )
        changed.append(prescription.pk)
    return StatusChange(changed=changed, refused=refused)
