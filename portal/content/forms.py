"""Smart forms of every linked record (and of forms-only accounts): list, fill in, save
progress, submit. An intake-only account is signed out after it submits, ready for the next
person at the front-desk tablet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from access_control.policy import portal_form_patients_for, portal_patients_for
from accounts.models import User
from accounts.roles import signed_in_user
from audit.services import audit_record_views
from care.answer_form import AnswerForm
from care.errors import CareError
from care.models import FormAssignment
from care.selectors import (
    form_assignment_with_questions,
    form_rows,
    portal_form_assignments,
)
from care.services.forms import form_save_progress, form_submit
from portal.content.common import member_choice
from portal.events import PortalEvent


@login_required
@require_GET
def forms(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    choice = member_choice(request, portal_form_patients_for(user=user))
    rows = form_rows(assignments=portal_form_assignments(patients=choice.shown), now=timezone.now())
    audit_record_views(
        actor=user,
        action=PortalEvent.FORMS_VIEWED,
        patients=choice.shown,
        model=FormAssignment,
        items=[row.assignment for row in rows],
    )
    return render(request, "portal/care/forms.html", {**choice.context(), "rows": rows})


def _after_submit(request: HttpRequest, user: User, assignment: FormAssignment) -> HttpResponse:
    if not portal_patients_for(user=user).exists():
        # An intake-only account on the clinic's tablet: sign out, ready for the next person.
        logout(request)
        messages.success(
            request,
            "Thank you! Your form was sent to the clinic. "
            "Please hand the tablet back to the front desk.",
        )
        return redirect("account_login")
    messages.success(
        request,
        f"Thank you! “{assignment.template.title}” for {assignment.patient.display_name} "
        f"was sent to {assignment.patient.clinic.name}.",
    )
    return redirect("portal:care:forms")


@login_required
@require_http_methods(["GET", "POST"])
def form_fill(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user = signed_in_user(request)
    assignment = form_assignment_with_questions(
        assignments=portal_form_assignments(patients=portal_form_patients_for(user=user)),
        assignment_id=assignment_id,
    )
    if assignment is None:
        raise Http404("No such form.")
    questions = list(assignment.template.fields.all())
    answers = list(assignment.answers.all())
    if request.method == "GET":
        audit_record_views(
            actor=user,
            action=PortalEvent.FORM_VIEWED,
            patients=[assignment.patient],
            model=FormAssignment,
            items=[assignment],
        )
    context = {
        "assignment": assignment,
        "answers": answers,
        "portal_clinic": assignment.patient.clinic,
    }
    if assignment.is_completed:
        if request.method == "POST":
            messages.error(request, "This form was already submitted; its answers cannot change.")
            return redirect("portal:care:form", assignment_id=assignment.pk)
        return render(request, "portal/care/form_fill.html", context)
    if request.method != "POST":
        form = AnswerForm(questions=questions, answers=answers)
        return render(request, "portal/care/form_fill.html", {**context, "form": form})
    submitting = request.POST.get("action") == "submit"
    form = AnswerForm(request.POST, questions=questions, answers=answers, submitting=submitting)
    if form.is_valid():
        service = form_submit if submitting else form_save_progress
        try:
            service(assignment=assignment, answers=form.answers(), account=user)
        except ValidationError as error:
            form.add_error(None, error)
        except CareError as error:
            messages.error(request, str(error))
            return redirect("portal:care:forms")
        else:
            if submitting:
                return _after_submit(request, user, assignment)
            messages.success(
                request, "Your answers are saved. Come back any time to finish and submit the form."
            )
            return redirect("portal:care:forms")
    return render(request, "portal/care/form_fill.html", {**context, "form": form})
