"""Medical Access Links and Codes, a clinic's choice about them, and the demographic details
families keep up to date in the portal."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import User
from outbox.models import Email


def _user_reference(help_text: str = "") -> models.ForeignKey[User | None, User | None]:
    """Who did something; kept empty if that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


def _email_reference(help_text: str) -> models.ForeignKey[Email | None, Email | None]:
    return models.ForeignKey(
        "outbox.Email",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


class AccessLinkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REDEEMED = "redeemed", "Linked"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"
    LOCKED = "locked", "Locked"


class LinkRevokeReason(models.TextChoices):
    STAFF = "staff", "Revoked by staff"
    SUPERSEDED = "superseded", "Superseded by a newer link"
    EMAIL_CHANGED = "email_changed", "The patient's email changed"
    BLOCKED = "blocked", "The patient was blocked"


class AccessLink(models.Model):
    """A Medical Access Link for one patient record, and its short Medical Access Code.

    Redeeming either adds the record to the signed-in portal account. Only digests are stored:
    the SHA-256 of the link's token, and a keyed hash of the code.
    """

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="access_links"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    code_digest = models.CharField(max_length=64, unique=True)
    created_by = _user_reference()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)
    email_message = _email_reference(
        "The outbox row that carries the link (the latest, when sent again)."
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = _user_reference("The portal account the record was added to.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = _user_reference()
    revoke_reason = models.CharField(max_length=20, choices=LinkRevokeReason.choices, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failed_checks = models.PositiveSmallIntegerField(
        default=0, help_text="Wrong dates of birth entered with this link or its code."
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_message = _email_reference(
        "The outbox row of the reminder sent before the link expires."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-created_at"]),
            models.Index(fields=["expires_at", "reminder_sent_at"]),
        ]

    def __str__(self) -> str:
        return f"Medical Access Link {self.pk} ({self.status_on(timezone.now()).label})"

    def status_on(self, moment: datetime) -> AccessLinkStatus:
        if self.redeemed_at is not None:
            return AccessLinkStatus.REDEEMED
        if self.revoked_at is not None:
            if self.revoke_reason == LinkRevokeReason.SUPERSEDED:
                return AccessLinkStatus.SUPERSEDED
            return AccessLinkStatus.REVOKED
        if self.locked_at is not None:
            return AccessLinkStatus.LOCKED
        if self.expires_at <= moment:
            return AccessLinkStatus.EXPIRED
        return AccessLinkStatus.PENDING

    @property
    def status(self) -> AccessLinkStatus:
        return self.status_on(timezone.now())


class ClinicLinkSettings(models.Model):
    """A clinic's choices for Medical Access Links. A clinic without a row uses the defaults."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="link_settings"
    )
    require_date_of_birth = models.BooleanField(
        "ask for the date of birth when a link is opened",
        default=True,
        help_text=(
            "When on, the person opening a Medical Access Link must enter the record's date of "
            "birth; five wrong answers lock the link. A Medical Access Code always asks for it."
        ),
    )

    class Meta:
        verbose_name = "clinic link settings"
        verbose_name_plural = "clinic link settings"

    def __str__(self) -> str:
        return f"Medical Access Link settings of {self.clinic}"


class EmergencyContact(models.Model):
    """Whom to call about a patient, as the family keeps it in the portal."""

    patient = models.OneToOneField(
        "clinics.Patient", on_delete=models.CASCADE, related_name="emergency_contact"
    )
    name = models.CharField(max_length=200, blank=True)
    relationship = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"Emergency contact of patient {self.patient_id}"


class DemographicField(models.TextChoices):
    """The details a family keeps up to date in the portal."""

    PREFERRED_NAME = "preferred_name", "Preferred name"
    PHONE = "phone", "Phone"
    ADDRESS_LINE1 = "address_line1", "Address"
    ADDRESS_LINE2 = "address_line2", "Address (line 2)"
    CITY = "city", "City"
    REGION = "region", "State / province"
    POSTAL_CODE = "postal_code", "Postal code"
    EMERGENCY_NAME = "emergency_name", "Emergency contact"
    EMERGENCY_RELATIONSHIP = "emergency_relationship", "Emergency contact's relationship"
    EMERGENCY_PHONE = "emergency_phone", "Emergency contact's phone"
    EMAIL = "email", "Email on file"


class DemographicChange(models.Model):
    """One field of a record changed in the portal: what it was, what it became, by whom."""

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="demographic_changes"
    )
    field = models.CharField(max_length=40, choices=DemographicField.choices)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_by = _user_reference()
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.field} of patient {self.patient_id} changed {self.changed_at:%Y-%m-%d}"
