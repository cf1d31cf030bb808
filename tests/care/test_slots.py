from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from care.models import AppointmentStatus, ClinicCareSettings
from care.slots import bookable_slot, booking_days, free_slots
from clinics.models import Clinic, Practitioner
from tests.care.factories import AppointmentFactory, clinic_time
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _times(slots: list) -> list[str]:
    return [f"{slot.starts_at:%H:%M}" for slot in slots]


def test_weekly_hours_are_cut_into_slots_in_the_clinics_time_zone(
    clinic: Clinic, patel: Practitioner
) -> None:
    monday = clinic_time(clinic, days_ahead=7, at=time(0))
    while monday.weekday() != 0:
        monday += timedelta(days=1)
    now = monday - timedelta(days=2)

    slots = free_slots(practitioner=patel, clinic=clinic, days=[monday.date()], now=now)

    assert _times(slots[monday.date()]) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    first = slots[monday.date()][0]
    assert first.starts_at.astimezone(UTC).hour in (14, 15)  # 9:00 in Chicago, CDT or CST
    assert first.ends_at - first.starts_at == timedelta(minutes=30)


def test_booked_time_time_off_and_the_past_are_not_free(
    clinic: Clinic, patel: Practitioner
) -> None:
    day = clinic_time(clinic, days_ahead=3, at=time(9))
    AppointmentFactory.create(
        patient=PatientFactory.create(clinic=clinic),
        practitioner=patel,
        starts_at=day.replace(hour=11),
    )
    AppointmentFactory.create(
        patient=PatientFactory.create(clinic=clinic),
        practitioner=patel,
        starts_at=day.replace(hour=10),
        status=AppointmentStatus.CANCELLED,
    )
    patel.time_off.create(starts_at=day.replace(hour=9, minute=15), ends_at=day.replace(hour=10))
    now = day.replace(hour=9, minute=5)  # 9:00 has started

    slots = free_slots(practitioner=patel, clinic=clinic, days=[day.date()], now=now)

    assert _times(slots[day.date()]) == ["10:00", "10:30", "11:30"]


def test_a_day_without_hours_has_no_slots(clinic: Clinic, patel: Practitioner) -> None:
    saturday = clinic_time(clinic, days_ahead=1, at=time(9))
    while saturday.weekday() != 5:
        saturday += timedelta(days=1)
    now = saturday - timedelta(days=1)
    assert free_slots(practitioner=patel, clinic=clinic, days=[saturday.date()], now=now) == {}


def test_patients_book_up_to_the_clinics_horizon(clinic: Clinic) -> None:
    now = datetime(2026, 3, 2, 12, tzinfo=UTC)
    assert len(booking_days(clinic=clinic, now=now)) == 61
    ClinicCareSettings.objects.create(clinic=clinic, booking_horizon_days=7)
    clinic.refresh_from_db()
    days = booking_days(clinic=clinic, now=now)
    assert (days[0].isoformat(), days[-1].isoformat()) == ("2026-03-02", "2026-03-09")


@pytest.mark.parametrize(
    ("shift", "bookable"),
    [
        (timedelta(0), True),
        (timedelta(minutes=10), False),  # not on the half-hour grid
        (timedelta(hours=3), False),  # 12:00, after the hours end
        (timedelta(hours=-1), False),  # 8:00, before they start
    ],
)
def test_only_slots_on_the_weekly_grid_are_bookable(
    clinic: Clinic, patel: Practitioner, shift: timedelta, bookable: bool
) -> None:
    starts_at = clinic_time(clinic, days_ahead=3, at=time(9)) + shift
    now = starts_at - timedelta(days=2)

    slot = bookable_slot(practitioner=patel, clinic=clinic, starts_at=starts_at, now=now)

    assert (slot is not None) is bookable
