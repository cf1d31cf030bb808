"""The patient page's Care tab (documents, appointments, plans, forms) and the "Assign a smart
form" action on the patient list.

access_control re-registers the Patient admin with tabs; its docstring asks apps above it to
subclass the registered admin, append a tab, and register the subclass again. The class
subclassed here is whichever Patient admin is registered when this module loads, so a tab added
by another app before this one (family links' "Medical Access Code") is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from access_control.admin import PatientTab
from accounts.roles import signed_in_user
from audit.services import audit_record
from care.models import FormTemplate
from care.selectors import form_templates_for_staff, patient_care_overview
from care.services.forms import form_assign
from care.slots import clinic_time_zone, clinic_today
from clinics.models import Patient

CARE_TAB = "Care"

if TYPE_CHECKING:
    from access_control.admin import PortalAccessPatientAdmin as _RegisteredPatientAdmin
else:
    _RegisteredPatientAdmin = type(admin.site.get_model_admin(Patient))


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


class CarePatientAdmin(_RegisteredPatientAdmin):
    patient_tabs: ClassVar[list[PatientTab]] = [
        *_RegisteredPatientAdmin.patient_tabs,
        PatientTab(CARE_TAB, "clinics_patient_care"),
    ]
    actions = [*(getattr(_RegisteredPatientAdmin, "actions", None) or []), "assign_form"]

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<path:object_id>/care/",
                self.admin_site.admin_view(self.care_view),
                name="clinics_patient_care",
            )
        ]
        return urls + super().get_urls()

    def care_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        patient: Patient = self.get_object(request, object_id)  # 404 outside the staff's clinics
        if not request.user.has_perm("care.view_document"):
            raise PermissionDenied
        now = timezone.now()
        care = patient_care_overview(patient=patient, now=now)
        audit_record(
            actor=signed_in_user(request),
            action="care.viewed_by_staff",
            patient=patient,
            target=patient,
            details={
                "documents": [document.pk for document in care.documents],
                "appointments": [appointment.pk for appointment in care.upcoming + care.past],
                "plans": [plan.pk for plan in care.plans],
                "forms": [row.assignment.pk for row in care.forms],
            },
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": patient,
            "patient": patient,
            "clinic": patient.clinic,
            "title": CARE_TAB,
            "subtitle": str(patient),
            "has_view_permission": True,
            "patient_tabs": self.tabs_for(str(patient.pk), CARE_TAB),
            "care": care,
            "today": clinic_today(clinic=patient.clinic, now=now),
            "clinic_zone": clinic_time_zone(patient.clinic),
        }
        return TemplateResponse(request, "admin/care/patient_care.html", context)

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("care.add_formassignment"))

    @admin.action(
        description="Assign a smart form to the selected patients", permissions=["assign"]
    )
    def assign_form(self, request: HttpRequest, queryset: QuerySet[Patient]) -> HttpResponse | None:
        templates = form_templates_for_staff(user=request.user)
        form = AssignFormForm(
            request.POST if "apply" in request.POST else None, templates=templates
        )
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
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Assign a smart form",
            "form": form,
            "patients": list(queryset),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action": "assign_form",
        }
        return TemplateResponse(request, "admin/care/assign_form.html", context)


admin.site.unregister(Patient)
admin.site.register(Patient, CarePatientAdmin)
