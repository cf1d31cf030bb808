"""Smart forms in the staff admin: build templates, assign them, read and print the answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseFormSet, ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.roles import signed_in_user
from care.admin.base import RowsSavedByServiceAdminMixin, ServiceErrorsAdminMixin, inline_rows
from care.models import AssignmentStatus, FieldKind, FormAssignment, FormField, FormTemplate
from care.selectors import form_templates_for_staff
from care.services.forms import FormFieldData, form_answers_print, form_assign, form_template_save
from care.slots import clinic_today
from clinics.admin_scope import ClinicScopedAdmin, ClinicScopedInline


class FormFieldInline(ClinicScopedInline):
    model = FormField
    extra = 1
    fields = ("position", "kind", "label", "help_text", "required", "choices")
    verbose_name_plural = "Questions (in the order of their position)"
    # A compact box for the choices, one per line.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


@admin.register(FormTemplate)
class FormTemplateAdmin(RowsSavedByServiceAdminMixin, ServiceErrorsAdminMixin, ClinicScopedAdmin):
    list_display = ("title", "clinic", "updated_at")
    list_filter = (("clinic", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("title",)
    inlines = [FormFieldInline]
    fields = ("clinic", "title", "description")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("clinic",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[FormTemplate],
        formsets: list[BaseFormSet[Any]],
        change: bool,
    ) -> None:
        fields = [
            FormFieldData(
                kind=FieldKind(row["kind"]),
                label=row["label"],
                help_text=row["help_text"],
                required=row["required"],
                choices=row["choices"],
                pk=row["pk"],
            )
            for formset in formsets
            for row in inline_rows(formset)
        ]
        form_template_save(template=form.instance, fields=fields, actor=signed_in_user(request))


class FormAssignmentForm(forms.ModelForm):
    class Meta:
        model = FormAssignment
        fields = ("patient", "template", "due_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        patient, template = cleaned.get("patient"), cleaned.get("template")
        if patient and template:
            if patient.clinic_id != template.clinic_id:
                raise ValidationError("Choose a form of the patient's clinic.")
            open_already = FormAssignment.objects.filter(patient=patient, template=template)
            if open_already.exclude(status=AssignmentStatus.COMPLETED).exists():
                raise ValidationError(f"{patient.full_name} already has “{template}” to fill in.")
        return cleaned


@admin.register(FormAssignment)
class FormAssignmentAdmin(ServiceErrorsAdminMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    form = FormAssignmentForm
    list_display = (
        "template",
        "patient",
        "current_status",
        "due_date",
        "submitted_at",
        "print_link",
    )
    list_filter = ("status", ("template", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("template", "patient__clinic")
    search_fields = ("template__title", "patient__last_name", "patient__first_name")
    autocomplete_fields = ("patient",)

    @admin.display(description="Status")
    def current_status(self, obj: FormAssignment) -> str:
        return obj.status_on(clinic_today(clinic=obj.patient.clinic, now=timezone.now())).label

    @admin.display(description="Answers")
    def print_link(self, obj: FormAssignment) -> str:
        if obj.status == AssignmentStatus.NOT_STARTED:
            return "—"
        url = reverse("admin:care_formassignment_print", args=[obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">Print</a>', url)

    @admin.display(description="Answers")
    def answers(self, obj: FormAssignment) -> str:
        return render_to_string("admin/care/_answers.html", {"assignment": obj})

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("patient", "template", "due_date")
        return ("patient", "template", "due_date", "current_status", "submitted_at", "answers")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj) if obj is not None else ()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # answers are the patient's; staff read them

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "template":
            kwargs["queryset"] = form_templates_for_staff(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: FormAssignment, form: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        result = form_assign(
            template=data["template"],
            patients=[data["patient"]],
            due_date=data["due_date"],
            actor=signed_in_user(request),
        )
        if not result.assigned:
            raise ValidationError(f"{data['patient'].full_name} already has this form to fill in.")
        obj.pk = result.assigned[0].pk

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "<path:object_id>/print/",
                self.admin_site.admin_view(self.print_view),
                name="care_formassignment_print",
            )
        ]
        return urls + super().get_urls()

    def print_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        assignment: FormAssignment = self.get_object(request, object_id)  # 404 outside scope
        if not self.has_view_permission(request, assignment):
            raise Http404("No such form.")
        form_answers_print(assignment=assignment, actor=signed_in_user(request))
        context = {
            "assignment": assignment,
            "patient": assignment.patient,
            "clinic": assignment.patient.clinic,
            "answers": list(assignment.answers.all()),
            "status": self.current_status(assignment),
        }
        return TemplateResponse(request, "admin/care/form_answers_print.html", context)
