from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models

from care.storage import documents_storage


class DocumentCategory(models.TextChoices):
    VISIT_SUMMARY = "visit_summary", "Visit summary"
    LAB_RESULT = "lab_result", "Lab result"
    IMAGING = "imaging", "Imaging"
    LETTER = "letter", "Letter"
    CONSENT = "consent", "Consent"
    OTHER = "other", "Other"


def document_upload_to(document: Document, filename: str) -> str:
    """A random name per file: the original name (which may say a lot) stays in the database."""
    suffix = PurePath(filename).suffix.lower()
    return f"patients/{document.patient_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A file staff keep on a patient's record, optionally shared in the portal."""

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(max_length=200)
    category = models.CharField(
        max_length=20, choices=DocumentCategory.choices, default=DocumentCategory.OTHER
    )
    file = models.FileField(storage=documents_storage, upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField("size (bytes)", editable=False)
    shared_in_portal = models.BooleanField(
        "share in portal",
        default=False,
        help_text="Shared documents are listed in the portal for every account linked to it.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["patient", "-created_at"])]

    def __str__(self) -> str:
        return self.title
