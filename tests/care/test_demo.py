from __future__ import annotations

import pytest

from care import demo
from care.models import (
    Appointment,
    Availability,
    Document,
    FieldKind,
    FormAssignment,
    TreatmentPlan,
)
from care.services.documents import document_file_check

pytestmark = pytest.mark.django_db


def _counts() -> list[int]:
    return [
        model.objects.count()
        for model in (Availability, Appointment, Document, TreatmentPlan, FormAssignment)
    ]


def test_the_demo_shows_the_whole_workflow_and_can_be_loaded_again() -> None:
    demo.seed()
    first = _counts()
    demo.seed()

    assert _counts() == first
    assert all(first)
    assert set(FormAssignment.objects.values_list("patient__last_name", flat=True)) == {"Bennett"}
    template = FormAssignment.objects.first().template
    assert {field.kind for field in template.fields.all()} == set(FieldKind)
    for document in Document.objects.all():
        with document.file.open("rb") as file:
            assert document_file_check(file=file) == document.content_type
