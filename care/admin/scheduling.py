"""Weekly availability, time off and each clinic's booking settings, in the staff admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.roles import signed_in_user
from care.admin.base import staff_time_zone
from care.events import CareEvent
from care.models import Availability, ClinicCareSettings, TimeOff
from care.services.scheduling import (
    availability_delete,
    availability_save,
    time_off_delete,
    time_off_save,
)
from clinics.admin_scope import ClinicScopedAdmin, ClinicSettingsAdmin


@admin.register(ClinicCareSettings)
class ClinicCareSettingsAdmin(ClinicSettingsAdmin):
    list_display = ("clinic", "cancellation_cutoff_hours", "booking_horizon_days")
    fields = ("clinic", "cancellation_cutoff_hours", "booking_horizon_days")
    audit_action = CareEvent.CLINIC_SETTINGS_SAVED


@admin.register(Availability)
class AvailabilityAdmin(ClinicScopedAdmin):
    list_display = ("practitioner", "clinic", "weekday", "start_time", "end_time", "slot_minutes")
    list_filter = (
        ("clinic", admin.RelatedOnlyFieldListFilter),
        ("practitioner", admin.RelatedOnlyFieldListFilter),
        "weekday",
    )
    list_select_related = ("practitioner", "clinic")
    fields = ("practitioner", "clinic", "weekday", ("start_time", "end_time"), "slot_minutes")

    def save_model(self, request: HttpRequest, obj: Availability, form: Any, change: bool) -> None:
        availability_save(
            availability=obj, actor=signed_in_user(request), changed_fields=form.changed_data
        )

    def delete_model(self, request: HttpRequest, obj: Availability) -> None:
        availability_delete(availability=obj, actor=signed_in_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Availability]) -> None:
        for availability in queryset:
            availability_delete(availability=availability, actor=signed_in_user(request))


@admin.register(TimeOff)
class TimeOffAdmin(ClinicScopedAdmin):
    clinic_lookup = "practitioner__clinic_links__clinic"
    list_display = ("practitioner", "starts_at", "ends_at", "reason")
    list_filter = (("practitioner", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("practitioner",)
    date_hierarchy = "starts_at"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        zone = timezone.get_current_timezone_name()
        return [
            (
                None,
                {
                    "fields": ("practitioner", ("starts_at", "ends_at"), "reason"),
                    "description": f"Times are in {zone}. No slot is offered in the portal "
                    "during time off; appointments already booked stay booked.",
                },
            )
        ]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        with timezone.override(staff_time_zone(request)):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        with timezone.override(staff_time_zone(request)):
            return super().changelist_view(request, extra_context)

    def save_model(self, request: HttpRequest, obj: TimeOff, form: Any, change: bool) -> None:
        time_off_save(time_off=obj, actor=signed_in_user(request), changed_fields=form.changed_data)

    def delete_model(self, request: HttpRequest, obj: TimeOff) -> None:
        time_off_delete(time_off=obj, actor=signed_in_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[TimeOff]) -> None:
        for time_off in queryset:
            time_off_delete(time_off=time_off, actor=signed_in_user(request))
