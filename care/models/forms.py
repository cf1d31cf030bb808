from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", "Short text"
    LONG_TEXT = "long_text", "Long text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    YES_NO = "yes_no", "Yes / no"
    CONSENT = "consent", "Consent with typed signature"


CHOICE_KINDS = frozenset({FieldKind.SINGLE_CHOICE, FieldKind.MULTIPLE_CHOICE})


class FormTemplate(models.Model):
    """A smart form a clinic builds once and assigns to patients."""

    clinic = models.ForeignKey("clinics.Clinic", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Shown above the questions.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "smart form"
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class FormField(models.Model):
    template = models.ForeignKey(FormTemplate, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField("type", max_length=20, choices=FieldKind.choices)
    label = models.CharField(
        max_length=300, help_text="The question; for a consent, what the patient agrees to."
    )
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    choices = models.TextField(
        blank=True, help_text="Single and multiple choice: one choice per line."
    )

    class Meta:
        verbose_name = "question"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.kind in CHOICE_KINDS and len(self.choice_list) < 2:
            raise ValidationError({"choices": "Give at least two choices, one per line."})
        if self.kind not in CHOICE_KINDS and self.choices.strip():
            raise ValidationError({"choices": "Only single and multiple choice take choices."})


class AssignmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class FormStatus(models.TextChoices):
    """What the portal and staff see: the stored status, or Overdue past the due date."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    OVERDUE = "overdue", "Overdue"


class FormAssignment(models.Model):
    """A smart form given to one patient to fill in."""

    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.PROTECT, related_name="form_assignments"
    )
    template = models.ForeignKey(
        FormTemplate, on_delete=models.PROTECT, related_name="assignments", verbose_name="form"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.NOT_STARTED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "assigned form"
        ordering = ["-assigned_at", "-id"]
        constraints = [
            # One open copy of a form per patient; once completed it may be assigned again.
            models.UniqueConstraint(
                fields=["patient", "template"],
                condition=~Q(status="completed"),
                name="unique_open_form_assignment",
                violation_error_message="The patient already has this form to fill in.",
            )
        ]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"{self.template} for {self.patient}"

    def status_on(self, today: date) -> FormStatus:
        """Overdue once the due date has passed without a submission."""
        if self.status != AssignmentStatus.COMPLETED and self.due_date and self.due_date < today:
            return FormStatus.OVERDUE
        return FormStatus(self.status)

    @property
    def is_completed(self) -> bool:
        return self.status == AssignmentStatus.COMPLETED


class FormAnswer(models.Model):
    """One answer; the question's label and type are copied so it reads the same later."""

    assignment = models.ForeignKey(FormAssignment, on_delete=models.CASCADE, related_name="answers")
    field = models.ForeignKey(
        FormField, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=FieldKind.choices)
    value = models.JSONField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "field"], name="unique_answer_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.display_value}"

    @property
    def display_value(self) -> str:
        return answer_display(self.kind, self.value)


def answer_display(kind: str, value: Any) -> str:
    """An answer as a person reads it."""
    if kind == FieldKind.MULTIPLE_CHOICE:
        return ", ".join(value)
    if kind == FieldKind.YES_NO:
        return "Yes" if value == "yes" else "No"
    if kind == FieldKind.CONSENT:
        return f"Agreed — signed “{value['signature']}”" if value.get("agreed") else "Not agreed"
    if kind == FieldKind.DATE:
        day = date.fromisoformat(value)
        return f"{day:%B} {day.day}, {day.year}"
    return str(value)
