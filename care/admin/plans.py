"""Treatment plans and their items in the staff admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest

from accounts.roles import signed_in_user
from care.admin.base import RowsSavedByServiceAdminMixin, inline_rows
from care.models import PlanItem, TreatmentPlan
from care.services.plans import PlanItemData, plan_save
from clinics.admin_scope import ClinicScopedAdmin, ClinicScopedInline


class PlanItemInline(ClinicScopedInline):
    model = PlanItem
    extra = 1
    fields = ("position", "title", "details")
    verbose_name_plural = "Plan items (in the order of their position)"


@admin.register(TreatmentPlan)
class TreatmentPlanAdmin(RowsSavedByServiceAdminMixin, ClinicScopedAdmin):
    clinic_lookup = "patient__clinic"
    list_display = ("title", "patient", "practitioner", "status", "shared_in_portal", "starts_on")
    list_filter = ("status", "shared_in_portal", ("practitioner", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("patient", "practitioner")
    search_fields = ("title", "patient__last_name", "patient__first_name")
    autocomplete_fields = ("patient",)
    inlines = [PlanItemInline]
    fields = (
        "patient",
        "practitioner",
        "title",
        "goals",
        ("starts_on", "ends_on"),
        "status",
        "shared_in_portal",
    )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm[TreatmentPlan],
        formsets: list[BaseFormSet[Any]],
        change: bool,
    ) -> None:
        items = [
            PlanItemData(title=row["title"], details=row["details"])
            for formset in formsets
            for row in inline_rows(formset)
        ]
        plan_save(
            plan=form.instance,
            items=items,
            actor=signed_in_user(request),
            changed_fields=form.changed_data,
        )
