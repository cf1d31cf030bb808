from __future__ import annotations

from django.db import models
from django.utils import timezone


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Email(models.Model):
    """One outgoing email. Written in the transaction of the change that caused it."""

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    sealed_secrets = models.TextField(
        blank=True,
        editable=False,
        help_text=(
            "The links and codes hidden from the bodies, encrypted; emptied once the row is final."
        ),
    )
    carries_secrets = models.BooleanField(
        default=False, help_text="Whether the bodies hide a link or code until sending."
    )
    purpose = models.CharField(max_length=80, db_index=True)
    patient = models.ForeignKey(
        "clinics.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emails",
    )
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=255, blank=True)
    queued_at = models.DateTimeField(
        default=timezone.now,
        help_text="When sending began (or staff resent it); retries stop a while after this.",
    )
    next_attempt_at = models.DateTimeField(
        help_text="When the next send is due; the sweeper re-enqueues rows long past it."
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
