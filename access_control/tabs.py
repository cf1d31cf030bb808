"""The patient page's Portal Access tab: status, invitation, block, Available Practitioners,
accounts with access, manual accounts and the test-profile switch.

Registered in `AccessControlConfig.ready()`. The page that opens these views has already looked
the patient up in the staff member's clinics and asked the staff rule (clinics/tabs.py).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)

from access_control import services
from access_control.forms import AvailablePractitionersForm, ManualAccountForm, YesNoForm
from access_control.models import GrantScope, PortalGrant, PortalInvitation
from access_control.policy import available_practitioners_for
from access_control.selectors import portal_access_overview
from accounts.roles import signed_in_user
from clinics.models import Patient
from clinics.tabs import PatientTab, PatientTabPage, patient_tab_render, posted_id

PORTAL_ACCESS_TAB = "Portal Access"


def _page_url(patient: Patient) -> str:
    return PORTAL_ACCESS.url(patient)


def _render(
    request: HttpRequest, patient: Patient, bound: dict[str, Form] | None = None
) -> HttpResponse:
    forms: dict[str, Form] = {
        "practitioners_form": AvailablePractitionersForm(
            patient=patient,
            initial={"practitioners": list(available_practitioners_for(patient=patient))},
        ),
        "account_form": ManualAccountForm(initial={"username": patient.email}),
        **(bound or {}),
    }
    return patient_tab_render(
        request,
        patient=patient,
        tab=PORTAL_ACCESS_TAB,
        template="admin/clinics/patient/portal_access.html",
        context={
            "overview": portal_access_overview(patient=patient),
            "invitation_ttl_days": settings.PORTAL_INVITATION_TTL.days,
            "account_form_open": bool(bound and "account_form" in bound),
            **forms,
        },
    )


def portal_access_view(request: HttpRequest, patient: Patient) -> HttpResponse:
    return _render(request, patient)


def portal_access_action(request: HttpRequest, patient: Patient, action: str) -> HttpResponse:
    handler = PORTAL_ACCESS_ACTIONS.get(action)
    if handler is None:
        raise Http404("No such action.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        return handler(request, patient)
    except services.PortalAccessError as error:
        messages.error(request, str(error))
    return HttpResponseRedirect(_page_url(patient))


def _done(request: HttpRequest, patient: Patient, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(_page_url(patient))


def _invite(request: HttpRequest, patient: Patient) -> HttpResponse:
    sent = services.invitation_send(patient=patient, actor=signed_in_user(request))
    return _done(request, patient, f"A portal invitation was sent to {sent.invitation.email}.")


def _revoke_invitation(request: HttpRequest, patient: Patient) -> HttpResponse:
    invitation = PortalInvitation.objects.filter(
        patient=patient, pk=posted_id(request, "invitation")
    ).first()
    if invitation is None:
        raise Http404("No such invitation.")
    services.invitation_revoke(invitation=invitation, actor=signed_in_user(request))
    return _done(request, patient, "The invitation was revoked; its link no longer works.")


def _revoke_grant(request: HttpRequest, patient: Patient) -> HttpResponse:
    grant = (
        PortalGrant.objects.filter(patient=patient, pk=posted_id(request, "grant"))
        .select_related("account")
        .first()
    )
    if grant is None:
        raise Http404("No such access.")
    services.grant_revoke(grant=grant, actor=signed_in_user(request))
    return _done(request, patient, f"{grant.account.sign_in_name} can no longer reach this record.")


def _block(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = YesNoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Yes or No.")
        return HttpResponseRedirect(_page_url(patient))
    actor = signed_in_user(request)
    if form.yes:
        services.patient_block(patient=patient, actor=actor)
        return _done(request, patient, "Portal access is blocked for this patient.")
    services.patient_unblock(patient=patient, actor=actor)
    return _done(request, patient, "Portal access is no longer blocked.")


def _practitioners(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = AvailablePractitionersForm(request.POST, patient=patient)
    if form.is_valid():
        services.available_practitioners_set(
            patient=patient,
            practitioners=form.cleaned_data["practitioners"],
            actor=signed_in_user(request),
        )
        return _done(request, patient, "Available Practitioners were saved.")
    return _render(request, patient, {"practitioners_form": form})


def _account(request: HttpRequest, patient: Patient) -> HttpResponse:
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
            return _done(
                request,
                patient,
                f"The account “{grant.account.sign_in_name}” was created. Give the patient "
                "the username and temporary password; they choose their own at first sign-in.",
            )
    return _render(request, patient, {"account_form": form})


def _test_profile(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = YesNoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose Yes or No.")
        return HttpResponseRedirect(_page_url(patient))
    services.test_profile_set(
        patient=patient, is_test_profile=form.yes, actor=signed_in_user(request)
    )
    label = "is now marked as a test profile" if form.yes else "is no longer a test profile"
    return _done(request, patient, f"This record {label}.")


# The POST actions of the tab, by the slug in their URL.
PORTAL_ACCESS_ACTIONS: dict[str, Callable[[HttpRequest, Patient], HttpResponse]] = {
    "invite": _invite,
    "revoke-invitation": _revoke_invitation,
    "revoke-grant": _revoke_grant,
    "block": _block,
    "practitioners": _practitioners,
    "account": _account,
    "test-profile": _test_profile,
}

PORTAL_ACCESS = PatientTab(
    title=PORTAL_ACCESS_TAB,
    slug="portal-access",
    view=portal_access_view,
    order=10,
    pages=(PatientTabPage(route="<slug:action>/", name="action", view=portal_access_action),),
    owns_fields=("is_test_profile",),
)
