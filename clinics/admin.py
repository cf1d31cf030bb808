from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from accounts.roles import signed_in_user
from audit.models import AuditEvent
from clinics.admin_scope import ClinicScopedAdmin, ClinicScopedInline
from clinics.forms import ClinicAdminForm, PatientAdminForm
from clinics.models import Clinic, ClinicMembership, Patient, Practitioner, PractitionerClinic
from clinics.selectors import patient_search
from clinics.services import (
    PRACTITIONER_SHARED_FIELDS,
    patient_save,
    practitioner_create,
    practitioner_shared_change_refusal,
    practitioner_update,
)
from clinics.tabs import PatientPageMixin
from outbox.models import Email
from outbox.services import EmailResendRefused, email_resend

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
    form = ClinicAdminForm
    list_display = ("name", "phone_shown", "email", "city", "time_zone")
    search_fields = ("name", "city", "email")
    fieldsets = (
        (None, {"fields": ("name", ("phone", "phone_region"), "email", "time_zone")}),
        (
            "Address",
            {"fields": ("address_line1", "address_line2", "city", "region", "postal_code")},
        ),
    )

    @admin.display(description="phone", ordering="phone")
    def phone_shown(self, obj: Clinic) -> str:
        return obj.phone_display

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

    def _refusal(self, request: HttpRequest, obj: Practitioner | None) -> str | None:
        if obj is None or obj.pk is None:
            return None
        return practitioner_shared_change_refusal(actor=signed_in_user(request), practitioner=obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Details shared with a clinic the staff member does not run are shown, not offered.
        if self._refusal(request, obj) is not None:
            return PRACTITIONER_SHARED_FIELDS
        return tuple(super().get_readonly_fields(request, obj))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            refusal = self._refusal(request, self.get_object(request, object_id))
            if refusal is not None:
                messages.info(request, refusal)
        return super().change_view(request, object_id, form_url, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The service refused (e.g. a clinic was added a moment ago): nothing was saved.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Practitioner, form: Any, change: bool) -> None:
        actor = signed_in_user(request)
        if not change:
            practitioner_create(actor=actor, practitioner=obj)
            return
        changes = {
            field: form.cleaned_data[field]
            for field in form.changed_data
            if field in PRACTITIONER_SHARED_FIELDS
        }
        practitioner_update(actor=actor, practitioner=obj, changes=changes)


def revoked_message(revoked: list[str]) -> str:
    """Tells staff what a change of the email on file revoked, and what to do about it."""
    listed = revoked[0] if len(revoked) == 1 else f"{', '.join(revoked[:-1])} and {revoked[-1]}"
    single = len(revoked) == 1 and revoked[0].startswith("1 ")
    return (
        f"Email changed: {listed} {'was' if single else 'were'} revoked; send "
        f"{'a new one' if single else 'new ones'} to the new address."
    )


@admin.register(Patient)
class PatientAdmin(PatientPageMixin, ClinicScopedAdmin):
    form = PatientAdminForm
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
        saved = patient_save(
            patient=obj, actor=signed_in_user(request), changed_fields=list(form.changed_data)
        )
        if saved.revoked:
            messages.warning(request, revoked_message(saved.revoked))


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
    # `action` has the events' choices, so it shows as its label; the stored code is beside it.
    list_display = (
        "occurred_at",
        "action",
        "action_code",
        "actor",
        "patient",
        "object_type",
        "ip_address",
    )
    readonly_fields = ("action_code",)
    list_filter = (
        "action",
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("patient", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("action", "actor__email", "patient__last_name", "patient__first_name")
    list_select_related = ("actor", "patient")
    date_hierarchy = "occurred_at"

    @admin.display(description="Code", ordering="action")
    def action_code(self, obj: AuditEvent) -> str:
        return obj.action


@admin.register(Email)
class EmailAdmin(ReadOnlyLogAdmin):
    """The outbox. Bodies are shown as stored: links and codes sealed, a marker in their place.

    No filter may look inside a body or the sealed secrets, for anyone: a `__contains` lookup
    asked one character at a time would spell out what the page never shows.
    """

    list_display = ("created_at", "to", "subject", "purpose", "status", "attempts", "patient")
    list_filter = ("status", "purpose", ("patient", admin.RelatedOnlyFieldListFilter))
    search_fields = ("to", "subject")
    list_select_related = ("patient",)
    actions = ("resend",)
    fields = (
        "to",
        "subject",
        "purpose",
        "patient",
        "status",
        "attempts",
        "last_error",
        "cancel_reason",
        "created_at",
        "queued_at",
        "next_attempt_at",
        "sent_at",
        "cancelled_at",
        "body_text",
    )
    unsearchable_fields = frozenset({"body_text", "body_html", "sealed_secrets"})

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup.split("__", 1)[0] in self.unsearchable_fields:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # The rows offered are already those of the staff member's clinics.
        return self.has_view_permission(request)

    @admin.action(description="Resend the selected failed emails", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Email]) -> None:
        resent = 0
        for email in queryset:
            try:
                email_resend(email=email, actor=signed_in_user(request))
            except EmailResendRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                resent += 1
        if resent:
            self.message_user(
                request, f"{resent} email(s) queued to be sent again.", messages.SUCCESS
            )
