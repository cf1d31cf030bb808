"""The form a patient fills in, built from a smart form's questions.

"Save progress" checks each answer's type but lets required questions wait; "Submit" requires
them. Errors show beside the question they concern.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.html import format_html

from care.models import FieldKind, FormAnswer, FormField

YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


def _name(field: FormField) -> str:
    return f"q{field.pk}"


def _signature_name(field: FormField) -> str:
    return f"q{field.pk}_signature"


def _label(field: FormField) -> str:
    """The question, starred when the smart form needs it to submit (the form field itself is
    required only on submitting, so that saving progress can leave it empty)."""
    if not field.required:
        return field.label
    return format_html('{} <span class="required" aria-label="required">*</span>', field.label)


def _form_field(field: FormField, required: bool) -> forms.Field:
    common: dict[str, Any] = {"label": _label(field), "help_text": field.help_text}
    kind = field.kind
    if kind == FieldKind.SHORT_TEXT:
        return forms.CharField(max_length=300, required=required, **common)
    if kind == FieldKind.LONG_TEXT:
        return forms.CharField(
            max_length=5000,
            required=required,
            widget=forms.Textarea(attrs={"rows": 4}),
            **common,
        )
    if kind == FieldKind.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=4, required=required, **common)
    if kind == FieldKind.DATE:
        return forms.DateField(
            required=required, widget=forms.DateInput(attrs={"type": "date"}), **common
        )
    choices = [(choice, choice) for choice in field.choice_list]
    if kind == FieldKind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=choices, required=required, widget=forms.RadioSelect, **common
        )
    if kind == FieldKind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, required=required, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == FieldKind.YES_NO:
        return forms.ChoiceField(
            choices=YES_NO_CHOICES, required=required, widget=forms.RadioSelect, **common
        )
    if kind == FieldKind.CONSENT:
        return forms.BooleanField(
            required=required, error_messages={"required": "Tick the box to agree."}, **common
        )
    raise ValueError(f"Unknown question type {kind!r}")


def _as_json(value: Any) -> Any:
    if value in (None, "", []):
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


class AnswerForm(forms.Form):
    """The questions of a smart form, with the answers given so far as initial values."""

    label_suffix = ""

    def __init__(
        self,
        data: Any = None,
        *,
        questions: Sequence[FormField],
        answers: Sequence[FormAnswer] = (),
        submitting: bool = False,
    ) -> None:
        given = {answer.field_id: answer.value for answer in answers}
        initial: dict[str, Any] = {}
        for question in questions:
            value = given.get(question.pk)
            if question.kind == FieldKind.CONSENT and value:
                initial[_name(question)] = bool(value.get("agreed"))
                initial[_signature_name(question)] = value.get("signature", "")
            elif value is not None:
                initial[_name(question)] = value
        super().__init__(data, initial=initial)
        self.questions = list(questions)
        self.submitting = submitting
        for question in self.questions:
            required = submitting and question.required
            self.fields[_name(question)] = _form_field(question, required)
            if question.kind == FieldKind.CONSENT:
                self.fields[_signature_name(question)] = forms.CharField(
                    label="Type your full name to sign",
                    max_length=200,
                    required=required,
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            if question.kind != FieldKind.CONSENT:
                continue
            agreed = cleaned.get(_name(question))
            signature = (cleaned.get(_signature_name(question)) or "").strip()
            if agreed and not signature and _signature_name(question) not in self.errors:
                self.add_error(_signature_name(question), "Type your full name to sign.")
            if signature and not agreed and _name(question) not in self.errors:
                self.add_error(_name(question), "Tick the box to agree, or clear the signature.")
        return cleaned

    def rows(self) -> list[tuple[FormField, forms.BoundField, forms.BoundField | None]]:
        """Each question with its field and, for a consent, its signature field."""
        return [
            (
                question,
                self[_name(question)],
                self[_signature_name(question)] if question.kind == FieldKind.CONSENT else None,
            )
            for question in self.questions
        ]

    def answers(self) -> dict[int, Any]:
        """The valid answers by question id, as stored (empty ones left out)."""
        result: dict[int, Any] = {}
        for question in self.questions:
            value = self.cleaned_data.get(_name(question))
            if question.kind == FieldKind.CONSENT:
                signature = (self.cleaned_data.get(_signature_name(question)) or "").strip()
                if value and signature:
                    result[question.pk] = {"agreed": True, "signature": signature}
                continue
            stored = _as_json(value)
            if stored is not None:
                result[question.pk] = stored
        return result
