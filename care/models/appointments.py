from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from clinics.models import PractitionerClinic


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


SLOT_MINUTES_CHOICES = [(minutes, f"{minutes} minutes") for minutes in (10, 15, 20, 30, 45, 60)]


class ClinicCareSettings(models.Model):
    """A clinic's booking rules. A clinic without a row uses the field defaults."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="care_settings"
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        "cancellation cut-off (hours)",
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text="Patients may cancel in the portal until this many hours before the start.",
    )
    booking_horizon_days = models.PositiveSmallIntegerField(
        "book up to (days ahead)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="How far ahead patients may book in the portal.",
    )

    class Meta:
        verbose_name = "clinic booking settings"
        verbose_name_plural = "clinic booking settings"

    def __str__(self) -> str:
        return f"Booking settings of {self.clinic}"

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)


def _practitioner_works_at(practitioner_id: int, clinic_id: int) -> bool:
    return PractitionerClinic.objects.filter(
        practitioner_id=practitioner_id, clinic_id=clinic_id
    ).exists()


class Availability(models.Model):
    """A practitioner's weekly hours at one clinic, cut into bookable slots."""

    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.CASCADE, related_name="availabilities"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField(help_text="In the clinic's time zone.")
    end_time = models.TimeField(help_text="In the clinic's time zone.")
    slot_minutes = models.PositiveSmallIntegerField(
        "slot length", choices=SLOT_MINUTES_CHOICES, default=30
    )

    class Meta:
        verbose_name = "weekly availability"
        verbose_name_plural = "weekly availability"
        ordering = ["practitioner", "weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="availability_starts_before_end"
            )
        ]
        indexes = [models.Index(fields=["practitioner", "clinic", "weekday"])]

    def __str__(self) -> str:
        return (
            f"{self.get_weekday_display()} {self.start_time:%H:%M} to {self.end_time:%H:%M} "
            f"({self.slot_minutes} min)"
        )

    def clean(self) -> None:
        if self.start_time is None or self.end_time is None:
            return
        start = datetime.combine(date.min, self.start_time)
        end = datetime.combine(date.min, self.end_time)
        if end <= start:
            raise ValidationError({"end_time": "The end must be after the start."})
        if end - start < timedelta(minutes=self.slot_minutes):
            raise ValidationError({"end_time": "The hours must fit at least one slot."})
        if self.practitioner_id is None or self.clinic_id is None:
            return
        if not _practitioner_works_at(self.practitioner_id, self.clinic_id):
            raise ValidationError({"clinic": "This practitioner does not work at this clinic."})
        overlapping = Availability.objects.filter(
            practitioner_id=self.practitioner_id,
            weekday=self.weekday,
            start_time__lt=self.end_time,
            end_time__gt=self.start_time,
        ).exclude(pk=self.pk)
        if overlapping.exists():
            raise ValidationError(
                "These hours overlap other hours of this practitioner on the same day."
            )


class TimeOff(models.Model):
    """A time the practitioner is away, at every clinic: no slot is offered then."""

    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True, help_text="Seen by staff only.")

    class Meta:
        verbose_name = "time off"
        verbose_name_plural = "time off"
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="time_off_starts_before_end"
            )
        ]
        indexes = [models.Index(fields=["practitioner", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.practitioner} away {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start."})


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class AppointmentSource(models.TextChoices):
    STAFF = "staff", "Staff"
    PORTAL = "portal", "Patient portal"


class Appointment(models.Model):
    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.PROTECT, related_name="appointments"
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.PROTECT, related_name="appointments"
    )
    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    source = models.CharField(max_length=10, choices=AppointmentSource.choices)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            # The double-booking guard: of many requests racing for one slot, one row wins.
            models.UniqueConstraint(
                fields=["practitioner", "starts_at"],
                condition=Q(status="booked"),
                name="unique_booked_appointment_per_practitioner_start",
                violation_error_message="The practitioner already has an appointment then.",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointment_starts_before_end"
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "starts_at"]),
            models.Index(fields=["practitioner", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.practitioner} at {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_booked(self) -> bool:
        return self.status == AppointmentStatus.BOOKED
