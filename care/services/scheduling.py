"""What staff keep so that patients can book: weekly hours and time off (the clinic's booking
rules are saved by clinics.services.clinic_settings_save)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from care.events import CareEvent
from care.models import Availability, TimeOff


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
        action=CareEvent.AVAILABILITY_SAVED,
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
    audit_record(
        actor=actor, action=CareEvent.AVAILABILITY_DELETED, target=availability, details=details
    )
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
        action=CareEvent.TIME_OFF_SAVED,
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
    audit_record(actor=actor, action=CareEvent.TIME_OFF_DELETED, target=time_off, details=details)
    time_off.delete()
