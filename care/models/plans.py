from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from clinics.models import PractitionerClinic


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class TreatmentPlan(models.Model):
    patient = models.ForeignKey(
        "clinics.Patient", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    practitioner = models.ForeignKey(
        "clinics.Practitioner", on_delete=models.PROTECT, related_name="treatment_plans"
    )
    title = models.CharField(max_length=200)
    goals = models.TextField(blank=True)
    starts_on = models.DateField("start")
    ends_on = models.DateField("end", null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    shared_in_portal = models.BooleanField(
        "share in portal",
        default=False,
        help_text="Shared plans are shown, read-only, to every account linked to the record.",
    )
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
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="treatment_plan_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["patient", "-starts_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end cannot be before the start."})
        if self.patient_id is not None and self.practitioner_id is not None:
            works_here = PractitionerClinic.objects.filter(
                practitioner_id=self.practitioner_id, clinic__patients=self.patient_id
            )
            if not works_here.exists():
                raise ValidationError(
                    {"practitioner": "Choose a practitioner of the patient's clinic."}
                )


class PlanItem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)

    class Meta:
        verbose_name = "plan item"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title
