from __future__ import annotations

import zoneinfo
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from phonenumber_field.modelfields import PhoneNumberField

from clinics.phones import phone_display, phone_region_default, validate_phone_region
from clinics.validators import validate_npi

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Address(models.Model):
    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (line 2)", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state / province", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)

    class Meta:
        abstract = True

    @property
    def address_one_line(self) -> str:
        parts = [self.address_line1, self.address_line2, self.city, self.region, self.postal_code]
        return ", ".join(part for part in parts if part)


class Clinic(Address):
    name = models.CharField(max_length=200)
    phone = PhoneNumberField(blank=True)
    phone_region = models.CharField(
        "phone numbers' country",
        max_length=2,
        default=phone_region_default,
        validators=[validate_phone_region],
        help_text="Two letters (US, GB, …): numbers typed without a country code are from here.",
    )
    email = models.EmailField(blank=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_line(self) -> str:
        return f"{self.name}, {self.phone_display}" if self.phone else self.name

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone, region=self.phone_region)


class StaffRole(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk"
    CLINIC_ADMIN = "clinic_admin", "Clinic admin"


class ClinicMembership(models.Model):
    """A staff member's membership in a clinic: what they may see in the staff admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_memberships"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.FRONT_DESK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "clinic"], name="unique_membership_per_clinic")
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.clinic} ({self.get_role_display()})"


class Practitioner(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    credential_suffix = models.CharField(
        max_length=40, blank=True, help_text="For example MD, DO, NP, PA-C."
    )
    npi = models.CharField(
        "NPI", max_length=10, blank=True, validators=[validate_npi], help_text="10 digits."
    )
    email = models.EmailField(blank=True)
    bookable_in_portal = models.BooleanField(
        default=True, help_text="Patients may book appointments with this practitioner online."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practitioner",
        verbose_name="portal account",
    )
    clinics = models.ManyToManyField(Clinic, through="PractitionerClinic", related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["npi"], condition=~Q(npi=""), name="unique_practitioner_npi"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.credential_suffix}" if self.credential_suffix else name


class PractitionerClinic(models.Model):
    """A practitioner at one clinic: what sends e-prescriptions and what is booked."""

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="clinic_links"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="practitioner_links")
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Set when the practitioner archives this clinic in the practitioner portal.",
    )

    class Meta:
        verbose_name = "practitioner/clinic combination"
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner", "clinic"], name="unique_practitioner_clinic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} at {self.clinic}"


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Other"
    UNKNOWN = "U", "Unknown"


class Patient(Address):
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    email = models.EmailField(
        "email on file", blank=True, help_text="Portal invitations and access links go here."
    )
    phone = PhoneNumberField(blank=True)
    is_test_profile = models.BooleanField(
        "test profile", default=False, help_text="For training and for checking the portal."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="patient_name_idx"),
            models.Index(fields=["clinic", "email"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.date_of_birth:%Y-%m-%d})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.first_name
        return f"{first} {self.last_name}"

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone, region=self.clinic.phone_region)

    @property
    def short_name(self) -> str:
        """First name and last initial: enough to recognise, little to disclose."""
        return f"{self.first_name} {self.last_name[:1]}."

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday
