"""The Medical Access Link: /link/<token>/. Opening it (GET) never uses it up, and it never signs
anyone in: a signed-in portal account confirms with a POST, once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from access_control.policy import portal_account_is_staff, portal_link_refusal
from access_control.services import PortalAccessError
from accounts.pages import Page, page_url
from accounts.roles import signed_in_user
from clinics.models import Clinic
from family_links.forms import LinkConfirmForm
from family_links.models import AccessLink
from family_links.selectors import (
    access_link_by_token,
    access_link_usable,
    clinic_requires_date_of_birth,
)
from family_links.services import AccessLinkNotValid, DateOfBirthMismatch, access_link_redeem


def link_not_valid(request: HttpRequest, clinic: Clinic | None) -> HttpResponse:
    """Expired, used, revoked, superseded, locked, blocked or unknown: one page for all."""
    context = {"clinic": clinic, "portal_url": page_url(Page.PORTAL_HOME)}
    return render(request, "family_links/link_not_valid.html", context, status=410)


def date_of_birth_error(error: DateOfBirthMismatch) -> str:
    if not error.attempts_left:
        return (
            "This date of birth does not match the record, and that was the last try: the "
            "code is locked. Please ask your clinic for a new one."
        )
    tries = f"{error.attempts_left} more tr{'y' if error.attempts_left == 1 else 'ies'}"
    return f"This date of birth does not match the record. You have {tries}."


def record_added(request: HttpRequest, patient_id: int, name: str) -> HttpResponse:
    """Where an account lands once a record was added: that record's profile."""
    messages.success(request, f"{name} was added to your portal account.")
    return redirect(page_url(Page.PORTAL_PROFILE, patient_id=patient_id))


def _next_urls(request: HttpRequest) -> dict[str, str]:
    query = urlencode({"next": request.path})
    return {
        "login_url": f"{reverse('account_login')}?{query}",
        "signup_url": f"{reverse('account_signup')}?{query}",
    }


def _refused(request: HttpRequest, context: dict[str, Any], refusal: str) -> HttpResponse:
    """The access policy refused this account the link: the page says why, nothing changed."""
    return render(
        request, "family_links/link_refused.html", {**context, "refusal": refusal}, status=403
    )


def _confirm(request: HttpRequest, token: str, link: AccessLink) -> HttpResponse:
    account = signed_in_user(request)
    patient = link.patient
    context = {"link": link, "patient": patient, "clinic": patient.clinic}
    if portal_account_is_staff(user=account):
        return render(request, "family_links/link_staff_account.html", context, status=403)
    refusal = portal_link_refusal(user=account, patient=patient)
    if refusal is not None:
        return _refused(request, context, refusal)
    form = LinkConfirmForm(
        request.POST or None,
        ask_date_of_birth=clinic_requires_date_of_birth(clinic_id=patient.clinic_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            access_link_redeem(
                token=token,
                account=account,
                relationship=form.relationship_value,
                date_of_birth=form.date_of_birth_value,
            )
        except AccessLinkNotValid:
            return link_not_valid(request, patient.clinic)
        except PortalAccessError as error:
            return _refused(request, context, str(error))
        except DateOfBirthMismatch as error:
            if not error.attempts_left:
                return link_not_valid(request, patient.clinic)
            form.add_error("date_of_birth", date_of_birth_error(error))
        else:
            return record_added(request, patient.pk, patient.short_name)
    return render(request, "family_links/link_confirm.html", {**context, "form": form})


# Reached from an email before anyone signs in; the token is the key.
@login_not_required
@never_cache
def access_link_open(request: HttpRequest, token: str) -> HttpResponse:
    link = access_link_usable(token=token)
    if link is None:
        known = access_link_by_token(token=token)
        return link_not_valid(request, known.patient.clinic if known else None)
    if request.user.is_authenticated:
        return _confirm(request, token, link)
    context = {"link": link, "patient": link.patient, "clinic": link.patient.clinic}
    return render(request, "family_links/link_sign_in.html", {**context, **_next_urls(request)})
