"""Medical Access Links and Codes, a clinic's choice about them, and the demographic details
families keep up to date in the portal."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from accounts.models import user_reference
from accounts.tokens import SingleUseToken
from clinics.phones import phone_display
from outbox.models import Email


def _email_reference(help_text: str) -> models.ForeignKey[Email | None, Email | None]:
    return models.ForeignKey(
        "outbox.Email",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


class AccessLink(SingleUseToken):
    """A Medical Access Link for one patient record, and its short Medical Access Code.

    Redeeming either adds the record to the signed-in portal account (its `used_by`). Only
    digests are stored: the SHA-256 of the link's token, and a keyed hash of the code.
    """

    LOCKED_AT_FIELD = "locked_at"
    USED_LABEL = "Linked"

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="access_links"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(blank=True)
    email_message = _email_reference(
        "The outbox row that carries the link (the latest, when sent again)."
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
        return f"Medical Access Link {self.pk} ({self.status_label})"


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
    phone = PhoneNumberField(blank=True)

    def __str__(self) -> str:
        return f"Emergency contact of patient {self.patient_id}"

    @property
    def phone_display(self) -> str:
        return phone_display(self.phone, region=self.patient.clinic.phone_region)


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
    changed_by = user_reference()
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["patient", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.field} of patient {self.patient_id} changed {self.changed_at:%Y-%m-%d}"
