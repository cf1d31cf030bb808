"""The patient page's Medical Access Code tab (generate, Send Access Link, revoke, Family at once),
the patient list's bulk "send links" action, and the General tab's panel of what the family
changed in the portal.

Registered in `FamilyLinksConfig.ready()`. The page that opens these views has already looked
the patient up in the staff member's clinics and asked the staff rule and the tab's or step's
permission (clinics/tabs.py).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from accounts.roles import signed_in_user
from clinics.models import Patient
from clinics.tabs import (
    PatientAction,
    PatientPanel,
    PatientTab,
    PatientTabPage,
    patient_tab_render,
    posted_id,
)
from family_links import services
from family_links.forms import FamilyLinksForm
from family_links.models import AccessLink
from family_links.selectors import (
    access_code_overview,
    demographic_changes_for,
    family_candidates,
)

ACCESS_CODE_TAB = "Medical Access Code"
_TEMPLATES = "admin/family_links/patient"


def _tab_url(patient: Patient) -> str:
    return ACCESS_CODE.url(patient)


def _page(
    request: HttpRequest, patient: Patient, template: str, context: dict[str, Any]
) -> TemplateResponse:
    return patient_tab_render(
        request,
        patient=patient,
        tab=ACCESS_CODE_TAB,
        template=f"{_TEMPLATES}/{template}",
        context={"ttl_days": settings.ACCESS_LINK_TTL.days, **context},
    )


def _tab(
    request: HttpRequest, patient: Patient, generated: services.NewAccessLink | None
) -> TemplateResponse:
    return _page(
        request,
        patient,
        "access_code.html",
        {
            "overview": access_code_overview(patient=patient),
            "generated": generated,
            "may_send": request.user.has_perm("family_links.add_accesslink"),
        },
    )


def access_code_view(request: HttpRequest, patient: Patient) -> HttpResponse:
    return _tab(request, patient, None)


def access_code_generate(request: HttpRequest, patient: Patient) -> HttpResponse:
    try:
        generated = services.access_link_generate(patient=patient, actor=signed_in_user(request))
    except services.AccessLinkError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(_tab_url(patient))
    # The token and code are shown this once (only their digests are kept): no redirect.
    return _tab(request, patient, generated)


def _posted_link(request: HttpRequest, patient: Patient) -> AccessLink:
    link = AccessLink.objects.filter(patient=patient, pk=posted_id(request, "link")).first()
    if link is None:
        raise Http404("No such link.")
    return link


def access_code_send(request: HttpRequest, patient: Patient) -> HttpResponse:
    """Step 1 shows the email on file to check; step 2 ("confirm") sends the link."""
    link = _posted_link(request, patient)
    token = request.POST.get("token", "")
    if "confirm" not in request.POST:
        return _page(
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
    return HttpResponseRedirect(_tab_url(patient))


def access_code_revoke(request: HttpRequest, patient: Patient) -> HttpResponse:
    link = _posted_link(request, patient)
    try:
        services.access_link_revoke(link=link, actor=signed_in_user(request))
    except services.AccessLinkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The link was revoked; it and its code no longer work.")
    return HttpResponseRedirect(_tab_url(patient))


# --- a family at once: from one patient, or the patient list's bulk action ----------------------


def _sent_message(sent: list[services.NewAccessLink]) -> str:
    names = ", ".join(f"{new.link.patient.full_name} → {new.link.sent_to}" for new in sent)
    count = len(sent)
    return f"{count} Medical Access Link{'s' if count != 1 else ''} sent: {names}."


def _family_send(request: HttpRequest, form: FamilyLinksForm) -> bool:
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


def access_code_family_view(request: HttpRequest, patient: Patient) -> HttpResponse:
    query = request.GET.get("q", "")
    candidates = family_candidates(patient=patient, staff=request.user, query=query)
    form = FamilyLinksForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"patients": [patient.pk], "email": patient.email},
    )
    if request.method == "POST" and _family_send(request, form):
        return HttpResponseRedirect(_tab_url(patient))
    return _page(
        request, patient, "family.html", {"form": form, "query": query, "title": "Family at once"}
    )


def send_access_links(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Patient]
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
    if "apply" in request.POST and _family_send(request, form):
        return None
    return TemplateResponse(
        request,
        f"{_TEMPLATES}/family.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.opts,
            "title": "Send Medical Access Links",
            "ttl_days": settings.ACCESS_LINK_TTL.days,
            "form": form,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "action": "send_access_links",
        },
    )


def _portal_changes(patient: Patient) -> dict[str, Any]:
    return {
        "demographic_changes": demographic_changes_for(patient=patient),
        "emergency_contact": getattr(patient, "emergency_contact", None),
    }


ACCESS_CODE = PatientTab(
    title=ACCESS_CODE_TAB,
    slug="access-code",
    view=access_code_view,
    order=20,
    permission="family_links.view_accesslink",
    pages=(
        PatientTabPage(
            route="family/",
            name="family",
            view=access_code_family_view,
            permission="family_links.add_accesslink",
        ),
        PatientTabPage(
            route="generate/",
            name="generate",
            view=access_code_generate,
            permission="family_links.add_accesslink",
            post_only=True,
        ),
        PatientTabPage(
            route="send/",
            name="send",
            view=access_code_send,
            permission="family_links.add_accesslink",
            post_only=True,
        ),
        PatientTabPage(
            route="revoke/",
            name="revoke",
            view=access_code_revoke,
            permission="family_links.change_accesslink",
            post_only=True,
        ),
    ),
)
SEND_ACCESS_LINKS = PatientAction(
    name="send_access_links",
    description="Generate and send Medical Access Links to the selected patients",
    function=send_access_links,
    permission="family_links.add_accesslink",
)
PORTAL_CHANGES = PatientPanel(
    template=f"{_TEMPLATES}/portal_changes.html",
    context=_portal_changes,
    order=10,
    stylesheets=("family_links/admin.css",),
)
