"""Staff admin scoping: clinic staff see only their own clinics' records.

Every queryset the admin builds (change lists, change pages, history, autocomplete, and the
choices of foreign keys) goes through these selectors. An object outside the staff member's
clinics is a 404, so the admin never confirms that it exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from accounts.roles import signed_in_user
from audit.events import AuditAction
from clinics.models import Clinic, Patient, Practitioner
from clinics.selectors import clinics_for_staff, patients_for_staff, practitioners_for_staff
from clinics.services import clinic_settings_save

if TYPE_CHECKING:
    from accounts.roles import AnyUser


def _scoped_choices(model: type[Model], user: AnyUser) -> QuerySet[Any] | None:
    if model is Clinic:
        return clinics_for_staff(user=user)
    if model is Patient:
        return patients_for_staff(user=user)
    if model is Practitioner:
        return practitioners_for_staff(user=user)
    return None


class ScopedChoicesMixin:
    """Limits foreign-key and many-to-many choices to the staff member's clinics."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = _scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = _scoped_choices(db_field.related_model, request.user)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class ClinicScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    """A ModelAdmin whose rows are those reaching one of the staff member's clinics.

    `clinic_lookup` is the ORM path from a row to its clinic.
    """

    clinic_lookup = "clinic"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        in_scope = queryset.model._default_manager.filter(
            **{f"{self.clinic_lookup}__in": clinics_for_staff(user=request.user)}
        )
        # A subquery rather than a join: a row reaching two of the clinics is listed once.
        return queryset.filter(pk__in=in_scope.values("pk"))

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record.")
        return obj


class ClinicScopedInline(ScopedChoicesMixin, admin.TabularInline):
    pass


class ClinicSettingsAdmin(ClinicScopedAdmin):
    """A clinic's row of one app's settings: one row a clinic, never deleted, saved through
    clinic_settings_save with the app's `audit_action`."""

    audit_action: ClassVar[AuditAction]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("clinic",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = clinic_settings_save(
            model=type(obj),
            clinic=obj.clinic,
            changes={name: getattr(obj, name) for name in form.cleaned_data if name != "clinic"},
            action=self.audit_action,
            actor=signed_in_user(request),
        )
        obj.pk = saved.pk
