from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import signed_in_user
from audit.models import AuditEvent
from clinics.admin_scope import ClinicScopedAdmin, ClinicScopedInline
from clinics.models import Clinic, ClinicMembership, Patient, Practitioner, PractitionerClinic
from clinics.selectors import patient_search
from clinics.services import patient_save
from outbox.models import Email

admin.site.site_header = "CareLink Portal · Staff admin"
admin.site.site_title = "CareLink Portal staff admin"
admin.site.index_title = "Clinic & pharmacy administration"


class MembershipInline(ClinicScopedInline):
    model = ClinicMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Clinic)
class ClinicAdmin(ClinicScopedAdmin):
    clinic_lookup = "pk"
    list_display = ("name", "phone", "email", "city", "time_zone")
    search_fields = ("name", "city", "email")
    fieldsets = (
        (None, {"fields": ("name", "phone", "email", "time_zone")}),
        (
            "Address",
            {"fields": ("address_line1", "address_line2", "city", "region", "postal_code")},
        ),
    )

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return [MembershipInline] if request.user.is_superuser else []


class PractitionerClinicInline(ClinicScopedInline):
    model = PractitionerClinic
    extra = 0
    min_num = 1
    verbose_name = "clinic"
    verbose_name_plural = "Clinics where this practitioner works"

    def get_queryset(self, request: HttpRequest) -> QuerySet[PractitionerClinic]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Another clinic's combinations are that clinic's business.
        return queryset.filter(clinic__memberships__user=request.user)


@admin.register(Practitioner)
class PractitionerAdmin(ClinicScopedAdmin):
    clinic_lookup = "clinic_links__clinic"
    list_display = ("display_name", "npi", "email", "bookable_in_portal")
    list_filter = ("bookable_in_portal",)
    search_fields = ("first_name", "last_name", "npi", "email")
    inlines = [PractitionerClinicInline]
    fields = (
        ("first_name", "last_name"),
        "credential_suffix",
        "npi",
        "email",
        "bookable_in_portal",
    )


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdmin):
    list_display = (
        "last_name",
        "first_name",
        "date_of_birth",
        "email",
        "clinic",
        "is_test_profile",
    )
    list_display_links = ("last_name", "first_name")
    list_filter = (("clinic", admin.RelatedOnlyFieldListFilter), "is_test_profile", "sex")
    search_fields = ("last_name", "first_name", "email")
    search_help_text = "Search by name, email or date of birth (YYYY-MM-DD or MM/DD/YYYY)."
    list_select_related = ("clinic",)
    list_per_page = 50
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (
            "General",
            {
                "fields": (
                    "clinic",
                    ("first_name", "last_name"),
                    "preferred_name",
                    ("date_of_birth", "sex"),
                    "email",
                    "phone",
                    "is_test_profile",
                )
            },
        ),
        (
            "Address",
            {"fields": ("address_line1", "address_line2", "city", "region", "postal_code")},
        ),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Patient], search_term: str
    ) -> tuple[QuerySet[Patient], bool]:
        return patient_search(queryset=queryset, query=search_term), False

    def save_model(self, request: HttpRequest, obj: Patient, form: Any, change: bool) -> None:
        patient_save(
            patient=obj, actor=signed_in_user(request), changed_fields=list(form.changed_data)
        )


class ReadOnlyLogAdmin(ClinicScopedAdmin):
    """Logs are written by services only; in the admin they are read, never edited."""

    clinic_lookup = "patient__clinic"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyLogAdmin):
    list_display = ("occurred_at", "action", "actor", "patient", "object_type", "ip_address")
    list_filter = (
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("patient", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("action", "actor__email", "patient__last_name", "patient__first_name")
    list_select_related = ("actor", "patient")
    date_hierarchy = "occurred_at"


@admin.register(Email)
class EmailAdmin(ReadOnlyLogAdmin):
    list_display = ("created_at", "to", "subject", "purpose", "status", "attempts", "patient")
    list_filter = ("status", "purpose", ("patient", admin.RelatedOnlyFieldListFilter))
    search_fields = ("to", "subject")
    list_select_related = ("patient",)
    fields = (
        "to",
        "subject",
        "purpose",
        "patient",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
        "cancelled_at",
        "body_text",
    )

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A body can carry a live invitation or reset link: whoever reads it could use it.
        # Clinic staff read bodies only where OUTBOX_SHOW_BODIES is on (local use by default).
        if request.user.is_superuser or settings.OUTBOX_SHOW_BODIES:
            return tuple(self.fields)
        return tuple(field for field in self.fields if field != "body_text")
