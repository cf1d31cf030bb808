"""The incoming prescription queue, pharmacy patients and invitations: read in the admin,
changed only through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts.roles import signed_in_user
from prescribers.models import (
    EPrescription,
    PharmacyPatient,
    PractitionerInvitation,
    PrescriptionStatus,
    ProfilePatient,
)
from prescribers.services.eprescriptions import eprescription_status_set


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by services only: staff read them here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _status_action(status: PrescriptionStatus) -> Callable[..., None]:
    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[EPrescription]
    ) -> None:
        change = eprescription_status_set(
            prescriptions=queryset, status=status, actor=signed_in_user(request)
        )
        if change.changed:
            modeladmin.message_user(
                request, f"{len(change.changed)} marked “{status.label}”.", messages.SUCCESS
            )
        if change.refused:
            modeladmin.message_user(
                request,
                f"{len(change.refused)} left as they were: they cannot move to “{status.label}” "
                "from their current status.",
                messages.WARNING,
            )

    action.__name__ = f"mark_{status.value}"
    return admin.action(description=f"Mark selected as “{status.label}”", permissions=["change"])(
        action
    )


@admin.register(EPrescription)
class EPrescriptionAdmin(admin.ModelAdmin):
    """The incoming queue: Received, In review, Filled, Shipped, Cancelled."""

    list_display = (
        "created_at",
        "patient",
        "medication",
        "profile",
        "source",
        "status",
    )
    list_filter = ("status", ("profile", admin.RelatedOnlyFieldListFilter), "source")
    search_fields = (
        "patient__last_name",
        "patient__first_name",
        "medication_name",
        "profile__last_name",
        "profile__clinic_name",
        "external_id",
    )
    list_select_related = ("patient", "profile")
    list_per_page = 50
    date_hierarchy = "created_at"
    actions = [
        _status_action(status)
        for status in (
            PrescriptionStatus.IN_REVIEW,
            PrescriptionStatus.FILLED,
            PrescriptionStatus.SHIPPED,
            PrescriptionStatus.CANCELLED,
        )
    ]
    fields = (
        "status",
        "profile",
        "patient",
        "practitioner_clinic",
        "submitted_by",
        "source",
        "external_id",
        ("medication_name", "strength", "dosage_form"),
        ("quantity", "refills", "days_supply"),
        "directions",
        "notes",
        ("created_at", "updated_at"),
    )
    readonly_fields = flatten(fields)

    @admin.display(description="medication", ordering="medication_name")
    def medication(self, obj: EPrescription) -> str:
        return f"{obj.medication_name} {obj.strength} {obj.dosage_form}, qty {obj.quantity}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Read-only page: the status moves with the list's actions.
        extra = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra)


class ProfilePatientInline(admin.TabularInline):
    model = ProfilePatient
    fields = ("profile", "created_at")
    readonly_fields = fields
    extra = 0
    verbose_name = "prescriber profile"
    verbose_name_plural = "Attached to prescriber profiles"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PharmacyPatient)
class PharmacyPatientAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "sex", "phone", "email")
    list_display_links = ("last_name", "first_name")
    search_fields = ("last_name", "first_name", "email", "phone")
    list_per_page = 50
    fields = (
        ("first_name", "last_name"),
        ("date_of_birth", "sex"),
        ("phone", "email"),
        "created_at",
    )
    readonly_fields = flatten(fields)
    inlines = [ProfilePatientInline]


@admin.register(PractitionerInvitation)
class PractitionerInvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "profile", "created_at", "expires_at", "status_label", "created_by")
    list_select_related = ("profile", "created_by")
    search_fields = ("email", "profile__last_name")
    fields = (
        "email",
        "profile",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
        "revoked_at",
        "revoke_reason",
    )
    readonly_fields = fields

    @admin.display(description="status")
    def status_label(self, obj: PractitionerInvitation) -> str:
        return obj.status_label
