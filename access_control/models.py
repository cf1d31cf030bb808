"""Who may reach which patient record through the portal, and the invitations that grant it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.tokens import SingleUseToken


class Relationship(models.TextChoices):
    SELF = "self", "Self"
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Guardian"
    CAREGIVER = "caregiver", "Caregiver"
    OTHER = "other", "Other"


class GrantScope(models.TextChoices):
    FULL = "full", "Full portal"
    FORMS_ONLY = "forms_only", "Intake forms only"


class GrantSource(models.TextChoices):
    INVITATION = "invitation", "Portal invitation"
    ACCESS_LINK = "access_link", "Medical Access Link"
    STAFF = "staff", "Created manually by staff"


class PortalGrant(models.Model):
    """A portal account's access to one patient record."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_grants"
    )
    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="portal_grants"
    )
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    scope = models.CharField(max_length=20, choices=GrantScope.choices, default=GrantScope.FULL)
    source = models.CharField(max_length=20, choices=GrantSource.choices)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of staff who gave it; empty when the patient accepted a link.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "patient"],
                condition=Q(revoked_at__isnull=True),
                name="unique_active_portal_grant",
            )
        ]
        indexes = [models.Index(fields=["account", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.account} → patient {self.patient_id} ({self.get_relationship_display()})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ClinicPortalSettings(models.Model):
    """A clinic's portal defaults. A clinic without a row uses the field defaults."""

    clinic = models.OneToOneField(
        "clinics.Clinic", on_delete=models.CASCADE, related_name="portal_settings"
    )
    default_all_practitioners = models.BooleanField(
        "new patients may book every bookable practitioner",
        default=True,
        help_text=(
            "When on, a new patient's Available Practitioners start as all of the clinic's "
            "bookable practitioners; when off, they start empty and staff choose."
        ),
    )

    class Meta:
        verbose_name = "clinic portal settings"
        verbose_name_plural = "clinic portal settings"

    def __str__(self) -> str:
        return f"Portal settings of {self.clinic}"


class PatientPortalSettings(models.Model):
    """One patient's portal settings: blocked or not, and the practitioners they may book."""

    patient = models.OneToOneField(
        "clinics.Patient", on_delete=models.CASCADE, related_name="portal_settings"
    )
    blocked = models.BooleanField(default=False)
    blocked_at = models.DateTimeField(null=True, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    available_practitioners = models.ManyToManyField(
        "clinics.Practitioner", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "patient portal settings"
        verbose_name_plural = "patient portal settings"

    def __str__(self) -> str:
        return f"Portal settings of patient {self.patient_id}"


class PortalInvitation(SingleUseToken):
    """An emailed invitation to the portal for one patient record.

    Only the SHA-256 of the token is stored; the token itself exists only in the email.
    """

    USED_LABEL = "Accepted"

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.CASCADE, related_name="portal_invitations"
    )
    email = models.EmailField()
    email_message = models.ForeignKey(
        "outbox.Email",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The outbox row that carries this invitation.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return f"Invitation to {self.email} ({self.status_label})"
