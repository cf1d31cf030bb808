"""Appointments in the staff admin: book, move (change the time or practitioner), cancel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.roles import signed_in_user
from care.admin.base import ServiceErrorsAdminMixin, staff_time_zone
from care.errors import CareError
from care.models import Appointment
from care.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_move,
    appointment_validate,
)
from clinics.admin_scope import ClinicScopedAdmin

_RECORD_FIELDS = ("status", "source", "booked_by", "created_at", "cancelled_at")


class AppointmentForm(forms.ModelForm):
    minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=8 * 60, initial=30
    )

    class Meta:
        model = Appointment
        fields = ("patient", "practitioner", "starts_at")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            length = self.instance.ends_at - self.instance.starts_at
            self.fields["minutes"].initial = int(length.total_seconds() // 60)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        patient = cleaned.get("patient") or getattr(self.instance, "patient", None)
        practitioner = cleaned.get("practitioner")
        starts_at = cleaned.get("starts_at")
        minutes = cleaned.get("minutes")
        if self.instance.pk is not None and not self.instance.is_booked:
            raise ValidationError("A cancelled appointment cannot be changed.")
        if patient and practitioner and starts_at and minutes:
            cleaned["ends_at"] = starts_at + timedelta(minutes=minutes)
            try:
                appointment_validate(
                    patient=patient,
                    practitioner=practitioner,
                    starts_at=starts_at,
                    ends_at=cleaned["ends_at"],
                    moving=self.instance if self.instance.pk is not None else None,
                )
            except CareError as error:
                raise ValidationError(str(error)) from error
        return cleaned


@admin.register(Appointment)
class AppointmentAdmin(ServiceErrorsAdminMixin, ClinicScopedAdmin):
    form = AppointmentForm
    list_display = ("when", "patient", "practitioner", "clinic", "status", "source")
    list_filter = (
        "status",
        "source",
        ("practitioner", admin.RelatedOnlyFieldListFilter),
        ("clinic", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("patient", "practitioner", "clinic")
    search_fields = ("patient__last_name", "patient__first_name")
    date_hierarchy = "starts_at"
    ordering = ("-starts_at",)
    autocomplete_fields = ("patient",)
    actions = ("cancel_appointments",)

    @admin.display(description="When", ordering="starts_at")
    def when(self, obj: Appointment) -> str:
        local = obj.starts_at.astimezone(ZoneInfo(obj.clinic.time_zone))
        return f"{local:%a %b %d, %Y %I:%M %p} {local.tzname()}"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        zone = timezone.get_current_timezone_name()
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [
            (
                None,
                {
                    "fields": ("patient", "practitioner", "starts_at", "minutes"),
                    "description": f"Times are in {zone}. To move the appointment, change its "
                    "practitioner or time; to cancel it, use the action on the list.",
                },
            )
        ]
        if obj is not None:
            fieldsets.append(("Record", {"fields": _RECORD_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The patient of an appointment never changes; another patient gets a new booking.
        return ("patient", *_RECORD_FIELDS) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        appointment = self.get_object(request, object_id) if object_id else None
        zone = staff_time_zone(request, appointment.clinic if appointment else None)
        with timezone.override(zone):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: Appointment, form: AppointmentForm, change: bool
    ) -> None:
        data = form.cleaned_data
        actor = signed_in_user(request)
        if not change:
            booked = appointment_book(
                patient=data["patient"],
                practitioner=data["practitioner"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                actor=actor,
            )
            obj.pk = booked.pk
            return
        if form.has_changed():
            appointment_move(
                appointment=Appointment.objects.select_related("patient").get(pk=obj.pk),
                practitioner=data["practitioner"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                actor=actor,
            )

    @admin.action(description="Cancel the selected appointments", permissions=["change"])
    def cancel_appointments(self, request: HttpRequest, queryset: QuerySet[Appointment]) -> None:
        actor = signed_in_user(request)
        cancelled = 0
        for appointment in queryset.select_related("patient"):
            try:
                appointment_cancel(appointment=appointment, actor=actor)
            except CareError as error:
                messages.warning(request, f"{appointment}: {error}")
            else:
                cancelled += 1
        if cancelled:
            messages.success(
                request, f"{cancelled} appointment{'s' if cancelled != 1 else ''} cancelled."
            )
