"""Bookable slots: a practitioner's weekly hours at a clinic, less time off, bookings and the past.

Times are computed in the clinic's time zone and compared as instants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from care.models import Appointment, AppointmentStatus, Availability, ClinicCareSettings, TimeOff
from clinics.models import Clinic, Practitioner


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def clinic_care_settings(*, clinic: Clinic) -> ClinicCareSettings:
    """The clinic's booking settings, or the defaults when it has none saved.

    No query when the settings came with the clinic (select_related("clinic__care_settings")).
    """
    try:
        return clinic.care_settings
    except ClinicCareSettings.DoesNotExist:
        return ClinicCareSettings(clinic=clinic)


def clinic_time_zone(clinic: Clinic) -> ZoneInfo:
    return ZoneInfo(clinic.time_zone)


def clinic_today(*, clinic: Clinic, now: datetime) -> date:
    return now.astimezone(clinic_time_zone(clinic)).date()


def _day_slots(windows: Iterable[Availability], day: date, zone: ZoneInfo) -> list[Slot]:
    slots = []
    for window in windows:
        if window.weekday != day.weekday():
            continue
        step = timedelta(minutes=window.slot_minutes)
        start = datetime.combine(day, window.start_time)
        end = datetime.combine(day, window.end_time)
        while start + step <= end:
            slots.append(Slot(start.replace(tzinfo=zone), (start + step).replace(tzinfo=zone)))
            start += step
    return sorted(slots, key=lambda slot: slot.starts_at)


def _overlaps(slot: Slot, busy: list[tuple[datetime, datetime]]) -> bool:
    return any(start < slot.ends_at and slot.starts_at < end for start, end in busy)


def _busy_times(
    *, practitioner: Practitioner, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Time off and booked appointments (at any clinic) overlapping [start, end)."""
    time_off = TimeOff.objects.filter(
        practitioner=practitioner, starts_at__lt=end, ends_at__gt=start
    ).values_list("starts_at", "ends_at")
    booked = Appointment.objects.filter(
        practitioner=practitioner,
        status=AppointmentStatus.BOOKED,
        starts_at__lt=end,
        ends_at__gt=start,
    ).values_list("starts_at", "ends_at")
    return [*time_off, *booked]


def booking_days(*, clinic: Clinic, now: datetime) -> list[date]:
    """The days a patient may book at the clinic: from today to the clinic's horizon."""
    today = clinic_today(clinic=clinic, now=now)
    horizon = clinic_care_settings(clinic=clinic).booking_horizon_days
    return [today + timedelta(days=offset) for offset in range(horizon + 1)]


def free_slots(
    *, practitioner: Practitioner, clinic: Clinic, days: list[date], now: datetime
) -> dict[date, list[Slot]]:
    """The free future slots of each of these days that has any. Three queries."""
    if not days:
        return {}
    zone = clinic_time_zone(clinic)
    windows = list(Availability.objects.filter(practitioner=practitioner, clinic=clinic))
    start = datetime.combine(days[0], time.min, tzinfo=zone)
    end = datetime.combine(days[-1] + timedelta(days=1), time.min, tzinfo=zone)
    busy = _busy_times(practitioner=practitioner, start=start, end=end)
    result = {}
    for day in days:
        free = [
            slot
            for slot in _day_slots(windows, day, zone)
            if slot.starts_at > now and not _overlaps(slot, busy)
        ]
        if free:
            result[day] = free
    return result


def bookable_slot(
    *, practitioner: Practitioner, clinic: Clinic, starts_at: datetime, now: datetime
) -> Slot | None:
    """The slot starting at that instant, if the portal may offer it: within the weekly hours,
    in the future, within the booking horizon and not during time off. Whether someone booked it
    is checked by the booking itself."""
    day = starts_at.astimezone(clinic_time_zone(clinic)).date()
    if day not in booking_days(clinic=clinic, now=now) or starts_at <= now:
        return None
    windows = Availability.objects.filter(
        practitioner=practitioner, clinic=clinic, weekday=day.weekday()
    )
    slot = next(
        (s for s in _day_slots(windows, day, clinic_time_zone(clinic)) if s.starts_at == starts_at),
        None,
    )
    if slot is None:
        return None
    away = TimeOff.objects.filter(
        practitioner=practitioner, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at
    )
    return None if away.exists() else slot
