"""What staff keep so that patients can book: weekly hours, time off, the clinic's rules."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from care.models import Availability, ClinicCareSettings, TimeOff
from clinics.models import Clinic


@transaction.atomic
def clinic_care_settings_save(
    *, clinic: Clinic, cancellation_cutoff_hours: int, booking_horizon_days: int, actor: User
) -> ClinicCareSettings:
    care_settings = ClinicCareSettings.objects.filter(clinic=clinic).first() or ClinicCareSettings(
        clinic=clinic
    )
    care_settings.cancellation_cutoff_hours = cancellation_cutoff_hours
    care_settings.booking_horizon_days = booking_horizon_days
    care_settings.full_clean()
    if care_settings.pk is None:
        care_settings.save()
    else:
        care_settings.save(update_fields=["cancellation_cutoff_hours", "booking_horizon_days"])
    audit_record(
        actor=actor,
        action="care.clinic_settings_saved",
        target=care_settings,
        details={
            "clinic": clinic.pk,
            "cancellation_cutoff_hours": cancellation_cutoff_hours,
            "booking_horizon_days": booking_horizon_days,
        },
    )
    return care_settings


@transaction.atomic
def availability_save(
    *, availability: Availability, actor: User, changed_fields: Sequence[str] = ()
) -> Availability:
    """Saves a practitioner's weekly hours at a clinic (they must not overlap other hours)."""
    creating = availability.pk is None
    availability.full_clean()
    if creating:
        availability.save()
    elif changed_fields:
        availability.save(update_fields=list(changed_fields))
    audit_record(
        actor=actor,
        action="availability.saved",
        target=availability,
        details={
            "practitioner": availability.practitioner_id,
            "clinic": availability.clinic_id,
            "hours": str(availability),
        },
    )
    return availability


@transaction.atomic
def availability_delete(*, availability: Availability, actor: User) -> None:
    """Removes weekly hours; appointments already booked in them stay booked."""
    details = {
        "practitioner": availability.practitioner_id,
        "clinic": availability.clinic_id,
        "hours": str(availability),
    }
    audit_record(actor=actor, action="availability.deleted", target=availability, details=details)
    availability.delete()


@transaction.atomic
def time_off_save(*, time_off: TimeOff, actor: User, changed_fields: Sequence[str] = ()) -> TimeOff:
    """Saves a time the practitioner is away; no slot is offered then. Bookings already made
    stay: the front desk moves or cancels them."""
    creating = time_off.pk is None
    time_off.full_clean()
    if creating:
        time_off.save()
    elif changed_fields:
        time_off.save(update_fields=list(changed_fields))
    audit_record(
        actor=actor,
        action="time_off.saved",
        target=time_off,
        details={
            "practitioner": time_off.practitioner_id,
            "starts_at": time_off.starts_at.isoformat(),
            "ends_at": time_off.ends_at.isoformat(),
        },
    )
    return time_off


@transaction.atomic
def time_off_delete(*, time_off: TimeOff, actor: User) -> None:
    details = {
        "practitioner": time_off.practitioner_id,
        "starts_at": time_off.starts_at.isoformat(),
    }
    audit_record(actor=actor, action="time_off.deleted", target=time_off, details=details)
    time_off.delete()
