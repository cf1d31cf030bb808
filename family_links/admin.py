"""The patient page's Medical Access Code tab, "Family at once", the patient list's bulk action,
the portal's demographic changes on the General tab, and the clinic's link settings.

The class subclassed here is whichever Patient admin is registered when this module loads
(access_control's, with the Portal Access tab); care, loading after this app, subclasses this
one in turn, so every app's tab is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from access_control.admin import ClinicPortalSettingsAdmin, PatientTab, posted_id
from accounts.roles import signed_in_user
from clinics.admin import ReadOnlyLogAdmin
from clinics.models import Patient
from family_links import services
from family_links.forms import FamilyLinksForm
from family_links.models import AccessLink, ClinicLinkSettings, DemographicChange
from family_links.selectors import (
    access_code_overview,
    demographic_changes_for,
    family_candidates,
)

ACCESS_CODE_TAB = "Medical Access Code"
_TEMPLATES = "admin/family_links/patient"

if TYPE_CHECKING:
    from access_control.admin import PortalAccessPatientAdmin as _RegisteredPatientAdmin
else:
    _RegisteredPatientAdmin = type(admin.site.get_model_admin(Patient))


def _sent_message(sent: list[services.NewAccessLink]) -> str:
    names = ", ".join(f"{new.link.patient.full_name} → {new.link.sent_to}" for new in sent)
    count = len(sent)
    return f"{count} Medical Access Link{'s' if count != 1 else ''} sent: {names}."


class FamilyLinksPatientAdmin(_RegisteredPatientAdmin):
    patient_tabs: ClassVar[list[PatientTab]] = [
        *_RegisteredPatientAdmin.patient_tabs,
        PatientTab(ACCESS_CODE_TAB, "clinics_patient_access_code"),
    ]
    actions = [*(getattr(_RegisteredPatientAdmin, "actions", None) or []), "send_access_links"]
    change_form_template = f"{_TEMPLATES}/change_form.html"

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/access-code/",
                wrap(self.access_code_view),
                name="clinics_patient_access_code",
            ),
            path(
                "<path:object_id>/access-code/family/",
                wrap(self.access_code_family_view),
                name="clinics_patient_access_code_family",
            ),
            path(
                "<path:object_id>/access-code/generate/",
                wrap(require_POST(self.access_code_generate)),
                name="clinics_patient_access_code_generate",
            ),
            path(
                "<path:object_id>/access-code/send/",
                wrap(require_POST(self.access_code_send)),
                name="clinics_patient_access_code_send",
            ),
            path(
                "<path:object_id>/access-code/revoke/",
                wrap(require_POST(self.access_code_revoke)),
                name="clinics_patient_access_code_revoke",
            ),
        ]
        return urls + super().get_urls()

    # --- the General tab: what the family changed in the portal ---------------------------

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        patient = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "demographic_changes": demographic_changes_for(patient=patient),
            "emergency_contact": getattr(patient, "emergency_contact", None),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- the Medical Access Code tab ------------------------------------------------------

    def _link_patient(self, request: HttpRequest, object_id: str, permission: str) -> Patient:
        patient = self._managed_patient(request, object_id)
        if not request.user.has_perm(f"family_links.{permission}_accesslink"):
            raise PermissionDenied
        return patient

    def _tab_url(self, patient: Patient) -> str:
        return reverse("admin:clinics_patient_access_code", args=[patient.pk])

    def _page(
        self, request: HttpRequest, patient: Patient, template: str, context: dict[str, Any]
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            f"{_TEMPLATES}/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": patient,
                "patient": patient,
                "clinic": patient.clinic,
                "subtitle": str(patient),
                "has_view_permission": True,
                "patient_tabs": self.tabs_for(str(patient.pk), ACCESS_CODE_TAB),
                "title": ACCESS_CODE_TAB,
                "ttl_days": settings.ACCESS_LINK_TTL.days,
                **context,
            },
        )

    def _tab(
        self, request: HttpRequest, patient: Patient, generated: services.NewAccessLink | None
    ) -> TemplateResponse:
        return self._page(
            request,
            patient,
            "access_code.html",
            {
                "overview": access_code_overview(patient=patient),
                "generated": generated,
                "may_send": request.user.has_perm("family_links.add_accesslink"),
            },
        )

    def access_code_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._tab(request, self._link_patient(request, object_id, "view"), None)

    def access_code_generate(self, request: HttpRequest, object_id: str) -> HttpResponse:
        patient = self._link_patient(request, object_id, "add")
        try:
            generated = services.access_link_generate(
                patient=patient, actor=signed_in_user(request)
            )
        except services.AccessLinkError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(self._tab_url(patient))
        # The token and code are shown this once (only their digests are kept): no redirect.
        return self._tab(request, patient, generated)

    def access_code_send(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Step 1 shows the email on file to check; step 2 ("confirm") sends the link."""
        patient = self._link_patient(request, object_id, "add")
        link = AccessLink.objects.filter(patient=patient, pk=posted_id(request, "link")).first()
        if link is None:
            raise Http404("No such link.")
        token = request.POST.get("token", "")
        if "confirm" not in request.POST:
            return self._page(
                request,
                patient,
                "send_confirm.html",
                {"link": link, "token": token, "title": "Send Access Link"},
            )
        try:
            services.access_link_send(link=link, token=token, actor=signed_in_user(request))
        except services.AccessLinkError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"The Medical Access Link was sent to {link.sent_to} through the outbox."
            )
        return HttpResponseRedirect(self._tab_url(patient))

    def access_code_revoke(self, request: HttpRequest, object_id: str) -> HttpResponse:
        patient = self._link_patient(request, object_id, "change")
        link = AccessLink.objects.filter(patient=patient, pk=posted_id(request, "link")).first()
        if link is None:
            raise Http404("No such link.")
        try:
            services.access_link_revoke(link=link, actor=signed_in_user(request))
        except services.AccessLinkError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The link was revoked; it and its code no longer work.")
        return HttpResponseRedirect(self._tab_url(patient))

    # --- a family at once: from one patient, or the patient list's bulk action --------------

    def _family_send(self, request: HttpRequest, form: FamilyLinksForm) -> bool:
        """Generates and sends the chosen records' links; False (errors on the form) if refused."""
        if not form.is_valid():
            return False
        try:
            sent = services.access_links_send_for_family(
                patients=list(form.cleaned_data["patients"]),
                email=form.cleaned_data["email"] or None,
                actor=signed_in_user(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return False
        except services.AccessLinkError as error:
            form.add_error(None, str(error))
            return False
        messages.success(request, _sent_message(sent))
        return True

    def access_code_family_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        patient = self._link_patient(request, object_id, "add")
        query = request.GET.get("q", "")
        candidates = family_candidates(patient=patient, staff=request.user, query=query)
        form = FamilyLinksForm(
            request.POST if request.method == "POST" else None,
            candidates=candidates,
            initial={"patients": [patient.pk], "email": patient.email},
        )
        if request.method == "POST" and self._family_send(request, form):
            return HttpResponseRedirect(self._tab_url(patient))
        return self._page(
            request,
            patient,
            "family.html",
            {"form": form, "query": query, "title": "Family at once"},
        )

    def has_send_access_links_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("family_links.add_accesslink"))

    @admin.action(
        description="Generate and send Medical Access Links to the selected patients",
        permissions=["send_access_links"],
    )
    def send_access_links(
        self, request: HttpRequest, queryset: QuerySet[Patient]
    ) -> HttpResponse | None:
        patients = list(queryset.select_related("clinic"))
        emails = {patient.email.lower() for patient in patients if patient.email}
        form = FamilyLinksForm(
            request.POST if "apply" in request.POST else None,
            candidates=patients,
            initial={
                "patients": [patient.pk for patient in patients],
                "email": emails.pop() if len(emails) == 1 else "",
            },
        )
        if "apply" in request.POST and self._family_send(request, form):
            return None
        return TemplateResponse(
            request,
            f"{_TEMPLATES}/family.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Send Medical Access Links",
                "ttl_days": settings.ACCESS_LINK_TTL.days,
                "form": form,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "action": "send_access_links",
            },
        )


admin.site.unregister(Patient)
admin.site.register(Patient, FamilyLinksPatientAdmin)


@admin.register(AccessLink)
class AccessLinkAdmin(ReadOnlyLogAdmin):
    """Every Medical Access Link of the staff's clinics, to see at a glance who has linked."""

    list_display = ("patient", "status_label", "created_at", "expires_at", "sent_to", "redeemed_by")
    list_select_related = ("patient", "redeemed_by")
    search_fields = ("patient__last_name", "patient__first_name", "sent_to")
    date_hierarchy = "created_at"
    exclude = ("token_digest", "code_digest")

    @admin.display(description="status")
    def status_label(self, obj: AccessLink) -> str:
        return str(obj.status.label)


@admin.register(DemographicChange)
class DemographicChangeAdmin(ReadOnlyLogAdmin):
    list_display = ("changed_at", "patient", "field", "old_value", "new_value", "changed_by")
    list_filter = ("field",)
    list_select_related = ("patient", "changed_by")
    search_fields = ("patient__last_name", "patient__first_name")


@admin.register(ClinicLinkSettings)
class ClinicLinkSettingsAdmin(ClinicPortalSettingsAdmin):
    """Kept like the clinic's portal settings: one row a clinic, saved through a service."""

    list_display = ("clinic", "require_date_of_birth")
    fields = ("clinic", "require_date_of_birth")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.clinic_link_settings_save(
            clinic=obj.clinic,
            require_date_of_birth=obj.require_date_of_birth,
            actor=signed_in_user(request),
        )
        obj.pk = saved.pk
