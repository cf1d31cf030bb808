"""The pharmacy's records: prescriber profiles, their patients, the e-prescriptions they get."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from accounts.tokens import SingleUseToken
from clinics.models import Address, Sex
from clinics.validators import validate_npi
from prescribers.validators import validate_birth_date, validate_dea_number

US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("PR", "Puerto Rico"), ("RI", "Rhode Island"),
    ("SC", "South Carolina"), ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"),
    ("UT", "Utah"), ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"),
    ("WV", "West Virginia"), ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip


class ProfileStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class PrescriberProfile(Address):
    """A prescriber as the pharmacy knows them, at one clinic or location.

    Linked to at most one practitioner/clinic combination; a combination links to at most one
    active profile. Prescriptions from the combination come here, and the combination's portal
    account sees this profile's patients.
    """

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    credential_suffix = models.CharField(
        max_length=40, blank=True, help_text="For example MD, DO, NP, PA-C."
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_npi],
        help_text="10 digits.",
    )
    dea_number = models.CharField(
        "DEA number",
        max_length=9,
        blank=True,
        validators=[validate_dea_number],
        help_text="Two letters and seven digits.",
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="Which clinic or location this profile is for."
    )
    clinic_name = models.CharField(max_length=200, blank=True)
    clinic_phone = PhoneNumberField("clinic phone", blank=True)
    clinic_fax = PhoneNumberField("clinic fax", blank=True)
    status = models.CharField(
        max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.ACTIVE, db_index=True
    )
    created_automatically = models.BooleanField(
        default=False, help_text="Made by the first e-prescription from an unlinked combination."
    )
    needs_review = models.BooleanField(
        "awaiting pharmacy review",
        default=False,
        help_text="Check the likely duplicates, then mark the profile reviewed.",
    )
    practitioner_clinic = models.ForeignKey(
        "clinics.PractitionerClinic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prescriber_profiles",
        verbose_name="linked practitioner/clinic",
    )
    linked_at = models.DateTimeField(null=True, blank=True)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    previous_practitioner_clinic = models.ForeignKey(
        "clinics.PractitionerClinic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The combination this profile was last disconnected from, offered to undo.",
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_duplicates",
    )
    patients: models.ManyToManyField[PharmacyPatient, ProfilePatient] = models.ManyToManyField(
        "PharmacyPatient", through="ProfilePatient", related_name="profiles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "prescriber profile"
        ordering = ["last_name", "first_name", "clinic_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner_clinic"],
                condition=Q(status="active", practitioner_clinic__isnull=False),
                name="one_active_profile_per_practitioner_clinic",
            )
        ]

    def __str__(self) -> str:
        where = self.clinic_name or self.description
        return f"{self.display_name} — {where}" if where else self.display_name

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}"
        return f"{name}, {self.credential_suffix}" if self.credential_suffix else name

    @property
    def is_active(self) -> bool:
        return self.status == ProfileStatus.ACTIVE


class PrescriberLicence(models.Model):
    profile = models.ForeignKey(
        PrescriberProfile, on_delete=models.CASCADE, related_name="licences"
    )
    state = models.CharField(max_length=2, choices=US_STATES)
    number = models.CharField("licence number", max_length=40)
    expires_on = models.DateField("expiry date")

    class Meta:
        verbose_name = "state licence"
        ordering = ["state", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "state", "number"], name="unique_licence_per_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.number} (expires {self.expires_on:%Y-%m-%d})"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


class PharmacyPatient(models.Model):
    """A patient as the pharmacy knows them: matched by name and date of birth."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[validate_birth_date])
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    phone = PhoneNumberField(blank=True)
    email = models.EmailField(blank=True)
    name_key = models.CharField(
        max_length=210, editable=False, help_text="Last and first name without case or accents."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "pharmacy patient"
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["name_key", "date_of_birth"])]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.date_of_birth:%Y-%m-%d})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday


class ProfilePatient(models.Model):
    """A patient attached to a prescriber profile: what the linked account may see."""

    profile = models.ForeignKey(
        PrescriberProfile, on_delete=models.PROTECT, related_name="patient_links"
    )
    patient = models.ForeignKey(
        PharmacyPatient, on_delete=models.PROTECT, related_name="profile_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "patient"], name="unique_profile_patient")
        ]

    def __str__(self) -> str:
        return f"{self.patient} with {self.profile}"


class PrescriptionStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_REVIEW = "in_review", "In review"
    FILLED = "filled", "Filled"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class PrescriptionSource(models.TextChoices):
    PORTAL = "portal", "Practitioner portal"
    API = "api", "API"
    PHARMACY = "pharmacy", "Entered by the pharmacy"


class EPrescription(models.Model):
    profile = models.ForeignKey(
        PrescriberProfile, on_delete=models.PROTECT, related_name="prescriptions"
    )
    patient = models.ForeignKey(
        PharmacyPatient, on_delete=models.PROTECT, related_name="prescriptions"
    )
    practitioner_clinic = models.ForeignKey(
        "clinics.PractitionerClinic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="eprescriptions",
        verbose_name="sent from",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(max_length=10, choices=PrescriptionSource.choices)
    external_id = models.CharField(
        "external ID", max_length=100, blank=True, help_text="The sending system's own reference."
    )
    # SHA-256 of what was submitted with the external ID: a resend must match it.
    submission_digest = models.CharField(max_length=64, blank=True, editable=False)
    medication_name = models.CharField("medication", max_length=200)
    strength = models.CharField(max_length=100)
    dosage_form = models.CharField(max_length=100)
    quantity = models.DecimalField(
        # A Decimal bound: the float 0.01 is a hair above 0.01, which it would then refuse.
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    refills = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(99)])
    directions = models.CharField(max_length=1000)
    days_supply = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=PrescriptionStatus.choices,
        default=PrescriptionStatus.RECEIVED,
        db_index=True,
    )
    created_at = models.DateTimeField("received", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "e-prescription"
        verbose_name_plural = "incoming e-prescriptions"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["profile", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practitioner_clinic", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_per_practitioner_clinic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.medication_name} {self.strength} for {self.patient.full_name}"


class PractitionerInvitation(SingleUseToken):
    """An invitation to the practitioner portal, sent from a prescriber profile.

    Its `used_by` is the portal account made by accepting it.
    """

    USED_LABEL = "Accepted"

    profile = models.ForeignKey(
        PrescriberProfile, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    message = models.ForeignKey(
        "outbox.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "practitioner invitation"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation to {self.email} for {self.profile}"


class ApiToken(models.Model):
    """A practitioner's token for the e-prescription API: shown once, kept only as a hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prescriber_api_tokens"
    )
    name = models.CharField(max_length=100, help_text="Where the token is used, e.g. “Our EHR”.")
    prefix = models.CharField(max_length=8, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
