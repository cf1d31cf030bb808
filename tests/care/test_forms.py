from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import Relationship
from accounts.models import User
from audit.models import AuditEvent
from care.answer_form import AnswerForm
from care.events import CareEvent
from care.models import (
    CHOICE_KINDS,
    AssignmentStatus,
    FieldKind,
    FormAssignment,
    FormField,
    FormStatus,
)
from care.selectors import form_rows
from care.services.forms import form_submit
from clinics.models import Clinic, Patient
from tests.access_control.factories import PortalGrantFactory
from tests.care.factories import (
    Family,
    FormAssignmentFactory,
    FormFieldFactory,
    FormTemplateFactory,
    forms_only_account,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

FORMS = reverse("portal:care:forms")


def _field(kind: FieldKind, **extra: Any) -> FormField:
    choices = (
        "Red\nGreen\nBlue" if kind in (FieldKind.SINGLE_CHOICE, FieldKind.MULTIPLE_CHOICE) else ""
    )
    return FormFieldFactory.create(kind=kind, label=f"The {kind.label}", choices=choices, **extra)


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        (FieldKind.SHORT_TEXT, {"": "x" * 301}, "at most 300 characters"),
        (FieldKind.LONG_TEXT, {"": "x" * 5001}, "at most 5000 characters"),
        (FieldKind.NUMBER, {"": "twelve"}, "Enter a number."),
        (FieldKind.DATE, {"": "2024-02-31"}, "Enter a valid date."),
        (FieldKind.SINGLE_CHOICE, {"": "Purple"}, "Select a valid choice."),
        (FieldKind.MULTIPLE_CHOICE, {"": ["Red", "Purple"]}, "Select a valid choice."),
        (FieldKind.YES_NO, {"": "maybe"}, "Select a valid choice."),
        (FieldKind.CONSENT, {"": "on"}, "Type your full name to sign."),
        (FieldKind.CONSENT, {"_signature": "Laura Bennett"}, "Tick the box to agree"),
    ],
)
def test_each_question_type_checks_its_answer(
    kind: FieldKind, data: dict[str, Any], error: str
) -> None:
    field = _field(kind)
    form = AnswerForm(
        {f"q{field.pk}{suffix}": value for suffix, value in data.items()}, questions=[field]
    )
    assert not form.is_valid()
    assert any(error in message for messages in form.errors.values() for message in messages)


@pytest.mark.parametrize(
    ("kind", "data", "stored"),
    [
        (FieldKind.SHORT_TEXT, {"": " Ann "}, "Ann"),
        (FieldKind.LONG_TEXT, {"": "Line one\nLine two"}, "Line one\nLine two"),
        (FieldKind.NUMBER, {"": "72.50"}, "72.5"),
        (FieldKind.DATE, {"": "2024-02-29"}, "2024-02-29"),
        (FieldKind.SINGLE_CHOICE, {"": "Green"}, "Green"),
        (FieldKind.MULTIPLE_CHOICE, {"": ["Red", "Blue"]}, ["Red", "Blue"]),
        (FieldKind.YES_NO, {"": "no"}, "no"),
        (
            FieldKind.CONSENT,
            {"": "on", "_signature": "Laura Bennett"},
            {"agreed": True, "signature": "Laura Bennett"},
        ),
    ],
)
def test_each_question_type_stores_a_valid_answer(
    kind: FieldKind, data: dict[str, Any], stored: Any
) -> None:
    field = _field(kind)
    form = AnswerForm(
        {f"q{field.pk}{suffix}": value for suffix, value in data.items()},
        questions=[field],
        submitting=True,
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {field.pk: stored}


@pytest.mark.parametrize("kind", list(FieldKind))
def test_a_required_question_may_wait_while_saving_but_not_when_submitting(
    kind: FieldKind,
) -> None:
    field = _field(kind, required=True)
    assert AnswerForm({}, questions=[field]).is_valid()
    submitted = AnswerForm({}, questions=[field], submitting=True)
    assert not submitted.is_valid()
    assert f"q{field.pk}" in submitted.errors


def test_a_consent_question_needs_both_its_box_and_a_signature() -> None:
    field = _field(FieldKind.CONSENT, required=True)
    form = AnswerForm({f"q{field.pk}": "on"}, questions=[field], submitting=True)
    assert not form.is_valid()
    assert form.errors[f"q{field.pk}_signature"] == ["This field is required."]


def test_the_submit_service_refuses_missing_required_answers(family: Family) -> None:
    assignment = FormAssignmentFactory.create(patient=family.child)
    FormFieldFactory.create(template=assignment.template, label="Allergies", required=True)
    with pytest.raises(ValidationError, match="Please answer: Allergies"):
        form_submit(assignment=assignment, answers={}, account=family.account)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.NOT_STARTED


@pytest.mark.parametrize(
    ("due", "status", "shown"),
    [
        (None, AssignmentStatus.NOT_STARTED, FormStatus.NOT_STARTED),
        (date(2026, 3, 10), AssignmentStatus.IN_PROGRESS, FormStatus.IN_PROGRESS),
        (date(2026, 3, 9), AssignmentStatus.NOT_STARTED, FormStatus.NOT_STARTED),  # due today
        (date(2026, 3, 8), AssignmentStatus.NOT_STARTED, FormStatus.OVERDUE),
        (date(2026, 3, 8), AssignmentStatus.IN_PROGRESS, FormStatus.OVERDUE),
        (date(2026, 3, 8), AssignmentStatus.COMPLETED, FormStatus.COMPLETED),
    ],
)
def test_a_form_is_overdue_once_its_due_date_has_passed(
    patient: Patient, due: date | None, status: AssignmentStatus, shown: FormStatus
) -> None:
    assignment = FormAssignmentFactory.create(patient=patient, due_date=due, status=status)
    # 03:00 UTC on March 10 is still March 9 in Chicago, the clinic's time zone.
    now = datetime(2026, 3, 10, 3, tzinfo=UTC)
    (row,) = form_rows(
        assignments=FormAssignment.objects.select_related("patient__clinic"), now=now
    )
    assert row.status == shown
    assert row.assignment == assignment


@pytest.fixture
def intake(family: Family) -> FormAssignment:
    """An intake form for the child: a required choice, a number, and a required consent."""
    assignment = FormAssignmentFactory.create(
        patient=family.child, due_date=timezone.localdate() + timedelta(days=7)
    )
    template = assignment.template
    FormFieldFactory.create(
        template=template,
        position=1,
        kind=FieldKind.SINGLE_CHOICE,
        label="Overall health",
        choices="Good\nFair\nPoor",
        required=True,
    )
    FormFieldFactory.create(template=template, position=2, kind=FieldKind.NUMBER, label="Weight")
    FormFieldFactory.create(
        template=template, position=3, kind=FieldKind.CONSENT, label="I consent", required=True
    )
    return assignment


def _answers(assignment: FormAssignment, **values: Any) -> dict[str, Any]:
    fields = {field.label: field for field in assignment.template.fields.all()}
    data: dict[str, Any] = {}
    if "health" in values:
        data[f"q{fields['Overall health'].pk}"] = values["health"]
    if "weight" in values:
        data[f"q{fields['Weight'].pk}"] = values["weight"]
    if "signature" in values:
        data[f"q{fields['I consent'].pk}"] = "on"
        data[f"q{fields['I consent'].pk}_signature"] = values["signature"]
    return data


def test_the_portal_lists_forms_of_every_linked_record_with_their_status(
    parent_client: Client, family: Family, intake: FormAssignment, clinic: Clinic
) -> None:
    FormAssignmentFactory.create(
        patient=family.parent, due_date=timezone.localdate() - timedelta(days=3)
    )
    FormAssignmentFactory.create(patient=PatientFactory.create(clinic=clinic))

    page = parent_client.get(FORMS).content.decode()

    assert page.count('class="card care-item"') == 2
    assert "Emma Bennett" in page
    assert "Not started" in page
    assert "Overdue" in page


def test_a_parent_saves_progress_returns_and_submits_a_childs_form(
    parent_client: Client, family: Family, intake: FormAssignment
) -> None:
    url = reverse("portal:care:form", args=[intake.pk])

    saved = parent_client.post(url, {**_answers(intake, weight="31"), "action": "save"})

    assert saved.url == FORMS
    intake.refresh_from_db()
    assert intake.status == AssignmentStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(action=CareEvent.FORM_PROGRESS_SAVED).exists()
    again = parent_client.get(url).content.decode()
    assert 'value="31"' in again

    submitted = parent_client.post(
        url,
        {
            **_answers(intake, health="Good", weight="31", signature="Laura Bennett"),
            "action": "submit",
        },
    )

    assert submitted.url == FORMS
    intake.refresh_from_db()
    assert (intake.status, intake.submitted_by) == (AssignmentStatus.COMPLETED, family.account)
    assert {a.label: a.value for a in intake.answers.all()} == {
        "Overall health": "Good",
        "Weight": "31",
        "I consent": {"agreed": True, "signature": "Laura Bennett"},
    }
    assert AuditEvent.objects.get(action=CareEvent.FORM_SUBMITTED).patient == family.child


def test_submitting_without_required_answers_shows_errors_beside_them_and_changes_nothing(
    parent_client: Client, intake: FormAssignment
) -> None:
    url = reverse("portal:care:form", args=[intake.pk])

    response = parent_client.post(url, {**_answers(intake, weight="heavy"), "action": "submit"})

    assert response.status_code == 200
    page = response.content.decode()
    health = intake.template.fields.get(label="Overall health")
    question = page.split(f'id="question-{health.pk}"')[1].split('class="field question')[0]
    assert "This field is required." in question
    assert "Enter a number." in page
    intake.refresh_from_db()
    assert intake.status == AssignmentStatus.NOT_STARTED
    assert not intake.answers.exists()


def test_submitted_answers_are_read_only(
    parent_client: Client, intake: FormAssignment, family: Family
) -> None:
    url = reverse("portal:care:form", args=[intake.pk])
    parent_client.post(
        url, {**_answers(intake, health="Good", signature="Laura Bennett"), "action": "submit"}
    )

    page = parent_client.get(url).content.decode()
    retry = parent_client.post(url, {**_answers(intake, health="Poor"), "action": "save"})

    assert "can no longer be changed" in page
    assert "<textarea" not in page
    assert 'name="action"' not in page
    assert retry.status_code == 302
    assert intake.answers.get(label="Overall health").value == "Good"


def test_an_intake_only_account_sees_only_its_patients_forms(
    client: Client, family: Family, intake: FormAssignment, clinic: Clinic
) -> None:
    FormAssignmentFactory.create(patient=family.parent)
    tablet = forms_only_account(family.child)
    client.force_login(tablet)

    page = client.get(FORMS).content.decode()

    assert page.count('class="card care-item"') == 1
    assert intake.template.title in page
    assert ">Documents<" not in page.split("<main")[1]


def test_after_an_intake_only_account_submits_the_tablet_shows_the_sign_in_page(
    client: Client, family: Family, intake: FormAssignment
) -> None:
    client.force_login(forms_only_account(family.child))
    url = reverse("portal:care:form", args=[intake.pk])

    response = client.post(
        url, {**_answers(intake, health="Fair", signature="Emma Bennett"), "action": "submit"}
    )

    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in client.session
    follow = client.get(response.url).content.decode()
    assert "Please hand the tablet back to the front desk." in follow
    assert client.get(FORMS).url.startswith(reverse("account_login"))


def test_a_full_account_stays_signed_in_after_submitting(
    parent_client: Client, intake: FormAssignment
) -> None:
    url = reverse("portal:care:form", args=[intake.pk])
    parent_client.post(
        url, {**_answers(intake, health="Good", signature="Laura Bennett"), "action": "submit"}
    )
    assert parent_client.get(FORMS).status_code == 200


def test_a_caregiver_with_forms_only_access_to_one_record_fills_only_that_one(
    client: Client, family: Family, intake: FormAssignment
) -> None:
    other = FormAssignmentFactory.create(patient=family.parent)
    helper = forms_only_account(family.child, username="helper")
    PortalGrantFactory.create(
        account=helper, patient=PatientFactory.create(), relationship=Relationship.CAREGIVER
    )
    client.force_login(helper)
    assert client.get(reverse("portal:care:form", args=[other.pk])).status_code == 404
    assert client.get(reverse("portal:care:form", args=[intake.pk])).status_code == 200


# --- staff side ---------------------------------------------------------------------------


def test_staff_build_a_template_from_ordered_questions_of_every_type(
    staff_client: Client, clinic: Clinic, clinic_staff: User
) -> None:
    kinds = list(FieldKind)
    data: dict[str, Any] = {
        "clinic": clinic.pk,
        "title": "Intake",
        "description": "Before your visit.",
        "fields-TOTAL_FORMS": str(len(kinds)),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "1000",
    }
    for index, kind in enumerate(kinds):
        data[f"fields-{index}-position"] = str(len(kinds) - index)
        data[f"fields-{index}-kind"] = kind.value
        data[f"fields-{index}-label"] = kind.label
        data[f"fields-{index}-help_text"] = ""
        data[f"fields-{index}-required"] = "on" if index % 2 else ""
        data[f"fields-{index}-choices"] = "A\nB" if kind in CHOICE_KINDS else ""

    response = staff_client.post(reverse("admin:care_formtemplate_add"), data)

    assert response.status_code == 302
    template = (
        clinic_staff
        and __import__("care.models", fromlist=["FormTemplate"]).FormTemplate.objects.get()
    )
    assert [field.kind for field in template.fields.all()] == list(reversed(kinds))
    assert AuditEvent.objects.get(action=CareEvent.FORM_TEMPLATE_CREATED).details["fields"] == len(
        kinds
    )


def test_a_choice_question_without_choices_is_refused(staff_client: Client, clinic: Clinic) -> None:
    data = {
        "clinic": clinic.pk,
        "title": "Intake",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-0-position": "1",
        "fields-0-kind": "single_choice",
        "fields-0-label": "Pick one",
    }
    response = staff_client.post(reverse("admin:care_formtemplate_add"), data)
    assert "Give at least two choices, one per line." in response.content.decode()


def test_staff_assign_a_form_to_many_patients_from_the_patient_list(
    staff_client: Client, clinic: Clinic, family: Family
) -> None:
    template = FormTemplateFactory.create(clinic=clinic, title="Intake")
    FormAssignmentFactory.create(patient=family.parent, template=template)  # still open
    selected = [family.parent.pk, family.child.pk]
    changelist = reverse("admin:clinics_patient_changelist")

    page = staff_client.post(
        changelist, {"action": "assign_form", "_selected_action": selected}
    ).content.decode()
    assert "Intake" in page
    response = staff_client.post(
        changelist,
        {
            "action": "assign_form",
            "_selected_action": selected,
            "apply": "1",
            "template": template.pk,
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
        follow=True,
    )

    messages = [str(message) for message in response.context["messages"]]
    assert "“Intake” was assigned to 1 patient." in messages
    assert "Already assigned, not yet completed: Laura Bennett." in messages
    child_form = FormAssignment.objects.get(patient=family.child)
    assert child_form.due_date == timezone.localdate() + timedelta(days=5)


def test_staff_cannot_assign_another_clinics_form(
    staff_client: Client, patient: Patient, other_clinic: Clinic
) -> None:
    foreign = FormTemplateFactory.create(clinic=other_clinic)
    response = staff_client.post(
        reverse("admin:care_formassignment_add"),
        {"patient": patient.pk, "template": foreign.pk},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not FormAssignment.objects.exists()


def test_staff_read_the_answers_on_the_patient_page_and_print_them(
    staff_client: Client,
    parent_client: Client,
    family: Family,
    intake: FormAssignment,
    clinic_staff: User,
) -> None:
    url = reverse("portal:care:form", args=[intake.pk])
    parent_client.post(
        url, {**_answers(intake, health="Fair", signature="Laura Bennett"), "action": "submit"}
    )
    staff_client.force_login(clinic_staff)

    care = staff_client.get(reverse("admin:clinics_patient_care", args=[family.child.pk]))
    printed = staff_client.get(reverse("admin:care_formassignment_print", args=[intake.pk]))

    for page in (care.content.decode(), printed.content.decode()):
        assert "Overall health" in page
        assert "Fair" in page
        assert "Agreed — signed “Laura Bennett”" in page
    assert '<button type="button" data-print>Print</button>' in printed.content.decode()
    assert "js/behaviours.js" in printed.content.decode()
    event = AuditEvent.objects.get(action=CareEvent.FORM_ANSWERS_PRINTED)
    assert (event.actor, event.patient) == (clinic_staff, family.child)
