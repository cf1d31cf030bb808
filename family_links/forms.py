"""Forms of the link page, the Medical Access Code page and the staff's family sending.
Services do the deciding."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms

from access_control.models import Relationship
from clinics.models import Patient
from family_links.codes import CODE_LENGTH, code_normalize

RELATIONSHIP_CHOICES = [
    (Relationship.PARENT, "Parent"),
    (Relationship.GUARDIAN, "Guardian"),
    (Relationship.CAREGIVER, "Caregiver"),
    (Relationship.OTHER, "Other (with their consent)"),
]


class LinkConfirmForm(forms.Form):
    """Confirms adding a record to the signed-in account; asks the date of birth if told to."""

    relationship = forms.ChoiceField(
        label="You are their", choices=RELATIONSHIP_CHOICES, widget=forms.RadioSelect
    )
    date_of_birth = forms.DateField(
        label="Their date of birth",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A second check that this is the right record.",
    )

    def __init__(self, *args: Any, ask_date_of_birth: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_date_of_birth:
            del self.fields["date_of_birth"]

    @property
    def relationship_value(self) -> Relationship:
        return Relationship(self.cleaned_data["relationship"])

    @property
    def date_of_birth_value(self) -> date | None:
        value: date | None = self.cleaned_data.get("date_of_birth")
        return value


class AccessCodeForm(LinkConfirmForm):
    code = forms.CharField(
        label="Medical Access Code",
        max_length=CODE_LENGTH * 2,
        help_text="The code from your clinic, for example ABCD-EFGH-JK.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    field_order = ["code", "relationship", "date_of_birth"]

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(f"A Medical Access Code has {CODE_LENGTH} characters.")
        return code


class _PatientChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Patient) -> str:
        born = obj.date_of_birth
        email = obj.email or "no email on file"
        return f"{obj.full_name}, born {born:%b} {born.day}, {born.year} · {email}"


class FamilyLinksForm(forms.Form):
    """Staff choose the records of a family and, optionally, one address for all their links."""

    patients = _PatientChoices(
        queryset=Patient.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Records to link",
    )
    email = forms.EmailField(
        required=False,
        label="Send every link to",
        help_text=(
            "Optional. This address becomes the email on file of every record chosen, e.g. the "
            "parent's email, so one person gets all the links. Leave it empty to send each link "
            "to the record's own email on file."
        ),
    )

    def __init__(self, *args: Any, candidates: Iterable[Patient], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["patients"]
        assert isinstance(field, _PatientChoices)
        field.queryset = Patient.objects.filter(pk__in=[c.pk for c in candidates])
