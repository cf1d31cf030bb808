"""Smart forms: staff build templates and assign them; portal accounts fill them in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access_control.policy import portal_form_patients_for
from accounts.models import User
from audit.services import audit_record
from care.errors import CareError
from care.events import CareEvent
from care.models import (
    AssignmentStatus,
    FieldKind,
    FormAnswer,
    FormAssignment,
    FormField,
    FormTemplate,
)
from care.slots import clinic_today
from clinics.models import Patient

# A field's answer by the field's id: text, a number or date as text, a list of choices,
# "yes"/"no", or {"agreed": bool, "signature": str} for a consent.
Answers = Mapping[int, Any]


@dataclass(frozen=True)
class FormFieldData:
    kind: FieldKind
    label: str
    help_text: str = ""
    required: bool = False
    choices: str = ""
    pk: int | None = None  # an existing question of the template, kept (and its answers)


_FIELD_COLUMNS = ["position", "kind", "label", "help_text", "required", "choices"]


@dataclass(frozen=True)
class FormAssignResult:
    assigned: list[FormAssignment]
    already_open: list[Patient]


@transaction.atomic
def form_template_save(
    *, template: FormTemplate, fields: Sequence[FormFieldData], actor: User
) -> FormTemplate:
    """Saves a template and its questions, in the order given; questions left out are removed.

    Answers already given keep their question's wording (each answer holds a copy).
    """
    creating = template.pk is None
    if creating:
        template.created_by = actor
    template.full_clean()
    if creating:
        template.save()
    else:
        template.save(update_fields=["title", "description", "updated_at"])
    existing = {field.pk: field for field in template.fields.all()}
    kept: list[int] = []
    for position, data in enumerate(fields, start=1):
        field = existing.get(data.pk) if data.pk is not None else None
        if data.pk is not None and field is None:
            raise ValidationError("A question was changed elsewhere; please reload the page.")
        field = field or FormField(template=template)
        field.position = position
        field.kind = data.kind
        field.label = data.label.strip()
        field.help_text = data.help_text.strip()
        field.required = data.required
        field.choices = data.choices.strip()
        field.full_clean()
        if field.pk is None:
            field.save()
        else:
            field.save(update_fields=_FIELD_COLUMNS)
        kept.append(field.pk)
    template.fields.exclude(pk__in=kept).delete()
    audit_record(
        actor=actor,
        action=CareEvent.FORM_TEMPLATE_CREATED if creating else CareEvent.FORM_TEMPLATE_UPDATED,
        target=template,
        details={"clinic": template.clinic_id, "title": template.title, "fields": len(kept)},
    )
    return template


@transaction.atomic
def form_assign(
    *,
    template: FormTemplate,
    patients: Iterable[Patient],
    due_date: date | None,
    actor: User,
) -> FormAssignResult:
    """Gives the form to each patient; one who has it open already is skipped, not doubled."""
    patients = list(patients)
    foreign = [patient for patient in patients if patient.clinic_id != template.clinic_id]
    if foreign:
        raise ValidationError(
            f"“{template}” belongs to another clinic than "
            f"{', '.join(patient.full_name for patient in foreign)}."
        )
    if due_date is not None and due_date < clinic_today(clinic=template.clinic, now=timezone.now()):
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    assigned, already_open = [], []
    for patient in patients:
        try:
            with transaction.atomic():
                assignment = FormAssignment.objects.create(
                    patient=patient, template=template, due_date=due_date, assigned_by=actor
                )
        except IntegrityError:
            already_open.append(patient)
            continue
        assigned.append(assignment)
        audit_record(
            actor=actor,
            action=CareEvent.FORM_ASSIGNED,
            patient=patient,
            target=assignment,
            details={
                "template": template.pk,
                "due_date": due_date.isoformat() if due_date else None,
            },
        )
    return FormAssignResult(assigned=assigned, already_open=already_open)


def _answer_given(kind: str, value: Any) -> bool:
    if kind == FieldKind.CONSENT:
        return bool(value and value.get("agreed") and value.get("signature"))
    return value not in (None, "", [])


def _answers_replace(*, assignment: FormAssignment, answers: Answers) -> None:
    fields = list(assignment.template.fields.all())
    assignment.answers.all().delete()
    FormAnswer.objects.bulk_create(
        FormAnswer(
            assignment=assignment,
            field=field,
            position=field.position,
            label=field.label,
            kind=field.kind,
            value=answers[field.pk],
        )
        for field in fields
        if _answer_given(field.kind, answers.get(field.pk))
    )


def _fillable(*, account: User, assignment: FormAssignment) -> None:
    if not portal_form_patients_for(user=account).filter(pk=assignment.patient_id).exists():
        raise CareError("This form is not one you can fill in.")


@transaction.atomic
def form_save_progress(*, assignment: FormAssignment, answers: Answers, account: User) -> None:
    """Keeps the answers so far; required questions may still be empty."""
    _fillable(account=account, assignment=assignment)
    started = FormAssignment.objects.filter(pk=assignment.pk).exclude(
        status=AssignmentStatus.COMPLETED
    )
    if not started.update(status=AssignmentStatus.IN_PROGRESS, updated_at=timezone.now()):
        raise CareError("This form was already submitted; its answers can no longer change.")
    assignment.status = AssignmentStatus.IN_PROGRESS
    _answers_replace(assignment=assignment, answers=answers)
    audit_record(
        actor=account,
        action=CareEvent.FORM_PROGRESS_SAVED,
        patient=assignment.patient,
        target=assignment,
    )


@transaction.atomic
def form_submit(*, assignment: FormAssignment, answers: Answers, account: User) -> None:
    """Submits the answers; every required question must be answered. Submitted is final."""
    _fillable(account=account, assignment=assignment)
    missing = [
        field.label
        for field in assignment.template.fields.all()
        if field.required and not _answer_given(field.kind, answers.get(field.pk))
    ]
    if missing:
        raise ValidationError(f"Please answer: {'; '.join(missing)}.")
    now = timezone.now()
    submitted = (
        FormAssignment.objects.filter(pk=assignment.pk)
        .exclude(status=AssignmentStatus.COMPLETED)
        .update(
            status=AssignmentStatus.COMPLETED,
            submitted_at=now,
            submitted_by=account,
            updated_at=now,
        )
    )
    if not submitted:
        raise CareError("This form was already submitted.")
    assignment.status = AssignmentStatus.COMPLETED
    assignment.submitted_at = now
    assignment.submitted_by = account
    _answers_replace(assignment=assignment, answers=answers)
    audit_record(
        actor=account,
        action=CareEvent.FORM_SUBMITTED,
        patient=assignment.patient,
        target=assignment,
        details={"answers": assignment.answers.count()},
    )


@transaction.atomic
def form_answers_print(*, assignment: FormAssignment, actor: User) -> None:
    """Notes that staff opened a form's answers to print them."""
    audit_record(
        actor=actor,
        action=CareEvent.FORM_ANSWERS_PRINTED,
        patient=assignment.patient,
        target=assignment,
    )
