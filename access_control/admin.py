"""The patient page's Portal Access tab, and the clinic's portal defaults, in the staff admin.

The Patient admin of clinics is re-registered here with tabs. A tab is a title and an admin URL
name; an app further up (family links: "Medical Access Code") subclasses this admin, appends
its tab to `patient_tabs` and its views to `get_urls()`, and registers the subclass again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from access_control import services
from access_control.forms import AvailablePractitionersForm, ManualAccountForm, YesNoForm
from access_control.models import ClinicPortalSettings, GrantScope, PortalGrant, PortalInvitation
from access_control.policy import available_practitioners_for, staff_may_manage
from access_control.selectors import portal_access_overview
from accounts.roles import signed_in_user
from clinics.admin import PatientAdmin
from clinics.admin_scope import ClinicScopedAdmin
from clinics.models import Patient

PORTAL_ACCESS_TAB = "Portal Access"


def posted_id(request: HttpRequest, name: str) -> int:
    """A row id from the POST body; anything but a whole number is a 404, never a 500."""
    value = request.POST.get(name, "")
    # isdigit() alone lets "²" through, which int() then refuses.
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such record.")
    return int(value)


@dataclass(frozen=True)
class PatientTab:
    title: str
    url_name: str  # an admin URL name taking the patient's id


def _without_field(fieldsets: Any, name: str) -> list[tuple[Any, dict[str, Any]]]:
    """The fieldsets with one field taken out (also from a row of fields)."""
    result = []
    for title, options in fieldsets:
        fields = []
        for entry in options["fields"]:
            if isinstance(entry, tuple):
                row = tuple(field for field in entry if field != name)
                if row:
                    fields.append(row)
            elif entry != name:
                fields.append(entry)
        result.append((title, {**options, "fields": tuple(fields)}))
    return result


class PortalAccessPatientAdmin(PatientAdmin):
    patient_tabs: ClassVar[list[PatientTab]] = [
        PatientTab("General", "clinics_patient_change"),
        PatientTab(PORTAL_ACCESS_TAB, "clinics_patient_portal_access"),
    ]

    # --- tabs -----------------------------------------------------------------------------

    def tabs_for(self, object_id: str, active: str) -> list[dict[str, Any]]:
        return [
            {
                "title": tab.title,
                "url": reverse(f"admin:{tab.url_name}", args=[object_id]),
                "active": tab.title == active,
            }
            for tab in self.patient_tabs
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "patient_tabs": self.tabs_for(object_id, "General"),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        # On an existing record the test-profile switch lives on the Portal Access tab.
        return _without_field(fieldsets, "is_test_profile") if obj is not None else fieldsets

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/portal-access/",
                wrap(self.portal_access_view),
                name="clinics_patient_portal_access",
            ),
            path(
                "<path:object_id>/portal-access/<slug:action>/",
                wrap(self.portal_access_action),
                name="clinics_patient_portal_access_action",
            ),
        ]
        return urls + super().get_urls()

    # --- the Portal Access tab ------------------------------------------------------------

    def _managed_patient(self, request: HttpRequest, object_id: str) -> Patient:
        patient: Patient = self.get_object(request, object_id)  # 404 outside the staff's clinics
        if not staff_may_manage(user=request.user, patient=patient):
            raise PermissionDenied
        return patient

    def _page_url(self, patient: Patient) -> str:
        return reverse("admin:clinics_patient_portal_access", args=[patient.pk])

    def _render(
        self, request: HttpRequest, patient: Patient, bound: dict[str, Form] | None = None
    ) -> HttpResponse:
        forms: dict[str, Form] = {
            "practitioners_form": AvailablePractitionersForm(
                patient=patient,
                initial={"practitioners": list(available_practitioners_for(patient=patient))},
            ),
            "account_form": ManualAccountForm(initial={"username": patient.email}),
            **(bound or {}),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": patient,
            "patient": patient,
            "clinic": patient.clinic,
            "title": PORTAL_ACCESS_TAB,
            "subtitle": str(patient),
            "has_view_permission": True,
            "patient_tabs": self.tabs_for(str(patient.pk), PORTAL_ACCESS_TAB),
            "overview": portal_access_overview(patient=patient),
            "invitation_ttl_days": settings.PORTAL_INVITATION_TTL.days,
            "account_form_open": bool(bound and "account_form" in bound),
            **forms,
        }
        return TemplateResponse(request, "admin/clinics/patient/portal_access.html", context)

    def portal_access_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        patient = self._managed_patient(request, object_id)
        return self._render(request, patient)

    def portal_access_action(
        self, request: HttpRequest, object_id: str, action: str
    ) -> HttpResponse:
        handler = self._actions().get(action)
        if handler is None:
            raise Http404("No such action.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        patient = self._managed_patient(request, object_id)
        try:
            return handler(request, patient)
        except services.PortalAccessError as error:
            messages.error(request, str(error))
        return HttpResponseRedirect(self._page_url(patient))

    def _actions(self) -> dict[str, Callable[[HttpRequest, Patient], HttpResponse]]:
        return {
            "invite": self._invite,
            "revoke-invitation": self._revoke_invitation,
            "revoke-grant": self._revoke_grant,
            "block": self._block,
            "practitioners": self._practitioners,
            "account": self._account,
            "test-profile": self._test_profile,
        }

    def _done(self, request: HttpRequest, patient: Patient, message: str) -> HttpResponse:
        messages.success(request, message)
        return HttpResponseRedirect(self._page_url(patient))

    def _invite(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        sent = services.invitation_send(patient=patient, actor=signed_in_user(request))
        return self._done(
            request, patient, f"A portal invitation was sent to {sent.invitation.email}."
        )

    def _revoke_invitation(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        invitation = PortalInvitation.objects.filter(
            patient=patient, pk=posted_id(request, "invitation")
        ).first()
        if invitation is None:
            raise Http404("No such invitation.")
        services.invitation_revoke(invitation=invitation, actor=signed_in_user(request))
        return self._done(request, patient, "The invitation was revoked; its link no longer works.")

    def _revoke_grant(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        grant = (
            PortalGrant.objects.filter(patient=patient, pk=posted_id(request, "grant"))
            .select_related("account")
            .first()
        )
        if grant is None:
            raise Http404("No such access.")
        services.grant_revoke(grant=grant, actor=signed_in_user(request))
        return self._done(
            request, patient, f"{grant.account.sign_in_name} can no longer reach this record."
        )

    def _block(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        form = YesNoForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose Yes or No.")
            return HttpResponseRedirect(self._page_url(patient))
        actor = signed_in_user(request)
        if form.yes:
            services.patient_block(patient=patient, actor=actor)
            return self._done(request, patient, "Portal access is blocked for this patient.")
        services.patient_unblock(patient=patient, actor=actor)
        return self._done(request, patient, "Portal access is no longer blocked.")

    def _practitioners(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        form = AvailablePractitionersForm(request.POST, patient=patient)
        if form.is_valid():
            services.available_practitioners_set(
                patient=patient,
                practitioners=form.cleaned_data["practitioners"],
                actor=signed_in_user(request),
            )
            return self._done(request, patient, "Available Practitioners were saved.")
        return self._render(request, patient, {"practitioners_form": form})

    def _account(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        form = ManualAccountForm(request.POST)
        if form.is_valid():
            try:
                grant = services.account_create_manually(
                    patient=patient,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    scope=GrantScope(form.cleaned_data["scope"]),
                    actor=signed_in_user(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return self._done(
                    request,
                    patient,
                    f"The account “{grant.account.sign_in_name}” was created. Give the patient "
                    "the username and temporary password; they choose their own at first sign-in.",
                )
        return self._render(request, patient, {"account_form": form})

    def _test_profile(self, request: HttpRequest, patient: Patient) -> HttpResponse:
        form = YesNoForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose Yes or No.")
            return HttpResponseRedirect(self._page_url(patient))
        services.test_profile_set(
            patient=patient, is_test_profile=form.yes, actor=signed_in_user(request)
        )
        label = "is now marked as a test profile" if form.yes else "is no longer a test profile"
        return self._done(request, patient, f"This record {label}.")


admin.site.unregister(Patient)
admin.site.register(Patient, PortalAccessPatientAdmin)


@admin.register(ClinicPortalSettings)
class ClinicPortalSettingsAdmin(ClinicScopedAdmin):
    list_display = ("clinic", "default_all_practitioners")
    fields = ("clinic", "default_all_practitioners")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("clinic",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: ClinicPortalSettings, form: Any, change: bool
    ) -> None:
        saved = services.clinic_portal_settings_save(
            clinic=obj.clinic,
            default_all_practitioners=obj.default_all_practitioners,
            actor=signed_in_user(request),
        )
        obj.pk = saved.pk
