"""The patient page's Care tab (documents, appointments, plans, forms) and the "Assign a smart
form" action on the patient list.

Registered in `CareConfig.ready()`. The page that opens the tab has already looked the patient
up in the staff member's clinics and asked the staff rule and the tab's permission
(clinics/tabs.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from accounts.roles import signed_in_user
from audit.services import audit_record
from care.events import CareEvent
from care.models import FormTemplate
from care.selectors import form_templates_for_staff, patient_care_overview
from care.services.forms import form_assign
from care.slots import clinic_time_zone, clinic_today
from clinics.models import Patient
from clinics.tabs import PatientAction, PatientTab, patient_tab_render

CARE_TAB = "Care"


def care_view(request: HttpRequest, patient: Patient) -> HttpResponse:
    now = timezone.now()
    care = patient_care_overview(patient=patient, now=now)
    audit_record(
        actor=signed_in_user(request),
        action=CareEvent.VIEWED_BY_STAFF,
        patient=patient,
        target=patient,
        details={
            "documents": [document.pk for document in care.documents],
            "appointments": [appointment.pk for appointment in care.upcoming + care.past],
            "plans": [plan.pk for plan in care.plans],
            "forms": [row.assignment.pk for row in care.forms],
        },
    )
    return patient_tab_render(
        request,
        patient=patient,
        tab=CARE_TAB,
        template="admin/care/patient_care.html",
        context={
            "care": care,
            "today": clinic_today(clinic=patient.clinic, now=now),
            "clinic_zone": clinic_time_zone(patient.clinic),
        },
    )


class AssignFormForm(forms.Form):
    template = forms.ModelChoiceField(queryset=FormTemplate.objects.none(), label="Smart form")
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Due date"
    )

    def __init__(self, *args: Any, templates: QuerySet[FormTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = templates


def assign_form(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Patient]
) -> HttpResponse | None:
    templates = form_templates_for_staff(user=request.user)
    form = AssignFormForm(request.POST if "apply" in request.POST else None, templates=templates)
    if form.is_valid():
        try:
            result = form_assign(
                template=form.cleaned_data["template"],
                patients=queryset,
                due_date=form.cleaned_data["due_date"],
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            assigned = len(result.assigned)
            if assigned:
                messages.success(
                    request,
                    f"“{form.cleaned_data['template']}” was assigned to {assigned} "
                    f"patient{'s' if assigned != 1 else ''}.",
                )
            if result.already_open:
                names = ", ".join(patient.full_name for patient in result.already_open)
                messages.warning(request, f"Already assigned, not yet completed: {names}.")
            return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "title": "Assign a smart form",
        "form": form,
        "patients": list(queryset),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action": "assign_form",
    }
    return TemplateResponse(request, "admin/care/assign_form.html", context)


CARE = PatientTab(
    title=CARE_TAB, slug="care", view=care_view, order=30, permission="care.view_document"
)
ASSIGN_FORM = PatientAction(
    name="assign_form",
    description="Assign a smart form to the selected patients",
    function=assign_form,
    permission="care.add_formassignment",
)
