"""The portal's Profile section: every linked family member, a switcher, updating a member's
details, removing a record, and entering a Medical Access Code.

Each view reads the account's records through the access policy on every request.
"""

from __future__ import annotations

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from access_control.models import PortalGrant
from access_control.policy import portal_link_refusal
from access_control.services import PortalAccessError
from accounts.http import client_ip
from accounts.roles import signed_in_user
from clinics.selectors import patients_single_clinic
from family_links.forms import AccessCodeForm
from family_links.ratelimit import access_code_attempt_allowed
from family_links.selectors import profile_grants_for
from family_links.services import (
    AccessLinkNotValid,
    DateOfBirthMismatch,
    access_code_redeem,
    demographics_update,
    email_on_file_update,
    grant_remove_by_holder,
)
from family_links.views import date_of_birth_error, record_added
from portal.profiles.forms import DemographicsForm, EmailOnFileForm
from portal.profiles.session import current_grant, current_set


def _context(grants: list[PortalGrant], current: PortalGrant | None) -> dict[str, Any]:
    return {
        "profile_grants": grants,
        "current": current,
        "current_id": current.patient_id if current else None,
        "portal_clinic": patients_single_clinic(patients=[g.patient for g in grants]),
    }


def _profile(request: HttpRequest, patient_id: int) -> tuple[list[PortalGrant], PortalGrant]:
    """The account's profiles and the one asked for; a record it cannot reach is a 404."""
    grants = profile_grants_for(user=signed_in_user(request))
    grant = next((grant for grant in grants if grant.patient_id == patient_id), None)
    if grant is None:
        raise Http404("No such record.")
    return grants, grant


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Everyone on the account, a card each; the profile chosen last, if there is one."""
    grants = profile_grants_for(user=signed_in_user(request))
    current = current_grant(request.session, grants)
    if current is not None:
        return redirect("portal:profiles:profile", patient_id=current.patient_id)
    return render(request, "portal/profiles/index.html", _context(grants, None))


@login_required
def profile(request: HttpRequest, patient_id: int) -> HttpResponse:
    grants, grant = _profile(request, patient_id)
    current_set(request.session, grant.patient_id)
    return render(request, "portal/profiles/profile.html", _context(grants, grant))


@login_required
@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    """The switcher: a record of the account's, or everyone (anything else is everyone too)."""
    grants = profile_grants_for(user=signed_in_user(request))
    wanted = request.POST.get("profile", "")
    chosen = next((grant for grant in grants if str(grant.patient_id) == wanted), None)
    current_set(request.session, chosen.patient_id if chosen else None)
    if chosen is None:
        return redirect("portal:profiles:index")
    return redirect("portal:profiles:profile", patient_id=chosen.patient_id)


@login_required
def edit(request: HttpRequest, patient_id: int) -> HttpResponse:
    grants, grant = _profile(request, patient_id)
    patient = grant.patient
    form = DemographicsForm(
        request.POST or None,
        initial=DemographicsForm.initial_for(patient, getattr(patient, "emergency_contact", None)),
        region=patient.clinic.phone_region,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changes = demographics_update(
                patient=patient, account=signed_in_user(request), values=form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{patient.display_name}'s details were updated."
                if changes
                else "Nothing was changed.",
            )
            return redirect("portal:profiles:profile", patient_id=patient.pk)
    return render(request, "portal/profiles/edit.html", {**_context(grants, grant), "form": form})


@login_required
@reauthentication_required
def email(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The email on file changes only after the account holder entered their password again."""
    grants, grant = _profile(request, patient_id)
    form = EmailOnFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            email_on_file_update(
                patient=grant.patient,
                account=signed_in_user(request),
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except PortalAccessError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, "The email on file was changed.")
            return redirect("portal:profiles:profile", patient_id=grant.patient_id)
    return render(request, "portal/profiles/email.html", {**_context(grants, grant), "form": form})


@login_required
def remove(request: HttpRequest, patient_id: int) -> HttpResponse:
    grants, grant = _profile(request, patient_id)
    if request.method == "POST":
        try:
            grant_remove_by_holder(account=signed_in_user(request), patient=grant.patient)
        except PortalAccessError as error:
            messages.error(request, str(error))
            return redirect("portal:profiles:profile", patient_id=grant.patient_id)
        current_set(request.session, None)
        messages.success(
            request, f"{grant.patient.display_name}'s record was removed from your account."
        )
        return redirect("portal:profiles:index")
    return render(request, "portal/profiles/remove.html", _context(grants, grant))


@login_required
def add_code(request: HttpRequest) -> HttpResponse:
    """Enter a Medical Access Code: code and date of birth, a limited number of tries."""
    account = signed_in_user(request)
    refusal = portal_link_refusal(user=account)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = AccessCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not access_code_attempt_allowed(account_id=account.pk, ip_address=client_ip(request)):
            minutes = int(settings.ACCESS_CODE_ATTEMPT_WINDOW.total_seconds() // 60)
            form.add_error(
                None,
                f"Too many codes were tried. For your security, please wait {minutes} minutes "
                "and try again, or ask your clinic to check the code.",
            )
        else:
            try:
                grant = access_code_redeem(
                    code=form.cleaned_data["code"],
                    date_of_birth=form.cleaned_data["date_of_birth"],
                    account=account,
                    relationship=form.relationship_value,
                )
            except AccessLinkNotValid:
                form.add_error(
                    "code",
                    "This code is not valid: it may be mistyped, used, expired or replaced by "
                    "a newer one. Check it, or ask your clinic for a new one.",
                )
            except DateOfBirthMismatch as error:
                form.add_error("date_of_birth", date_of_birth_error(error))
            except PortalAccessError as error:
                form.add_error(None, str(error))
            else:
                return record_added(request, grant.patient_id, grant.patient.short_name)
    grants = profile_grants_for(user=account)
    return render(
        request,
        "portal/profiles/add_code.html",
        {**_context(grants, None), "form": form},
    )
