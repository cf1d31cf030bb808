"""The invitation link: /invite/<token>/. Opening it (GET) never uses it up; a POST does, once."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from access_control.forms import InvitationConfirmForm, InvitationPasswordForm
from access_control.models import PortalInvitation, Relationship
from access_control.policy import portal_invitation_refusal
from access_control.selectors import (
    account_has_own_record,
    invitation_by_token,
    invitation_usable,
    sign_in_name_taken,
)
from access_control.services import (
    InvitationNeedsSignIn,
    InvitationNotValid,
    invitation_accept_new_account,
)
from access_control.services import invitation_accept as invitation_accept_service
from accounts.http import sign_in_created_account
from accounts.models import normalize_email_address
from accounts.pages import Page, page_url
from accounts.roles import signed_in_user


def _not_valid(request: HttpRequest, token: str) -> HttpResponse:
    # Expired, used, revoked, superseded: one page, one status, nothing to tell them apart.
    invitation = invitation_by_token(token=token)
    clinic = invitation.patient.clinic if invitation is not None else None
    return render(
        request, "access_control/invitation_not_valid.html", {"clinic": clinic}, status=410
    )


def _sign_in_page(request: HttpRequest, invitation: PortalInvitation) -> HttpResponse:
    login_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
    context = {
        "invitation": invitation,
        "clinic": invitation.patient.clinic,
        "login_url": login_url,
    }
    return render(request, "access_control/invitation_sign_in.html", context)


def _welcome(request: HttpRequest, invitation: PortalInvitation) -> HttpResponse:
    messages.success(
        request,
        f"Welcome! {invitation.patient.display_name}'s record from "
        f"{invitation.patient.clinic.name} is now in your portal.",
    )
    return redirect(page_url(Page.PORTAL_HOME))


def _accept_signed_in(
    request: HttpRequest, token: str, invitation: PortalInvitation
) -> HttpResponse:
    account = signed_in_user(request)
    context: dict[str, Any] = {"invitation": invitation, "clinic": invitation.patient.clinic}
    if normalize_email_address(account.email) != invitation.email:
        return render(request, "access_control/invitation_wrong_account.html", context, status=403)
    refusal = portal_invitation_refusal(user=account, patient=invitation.patient)
    if refusal is not None:
        return render(
            request,
            "access_control/invitation_refused.html",
            {**context, "refusal": refusal},
            status=403,
        )
    initial = {} if account_has_own_record(account=account) else {"relationship": "self"}
    form = InvitationConfirmForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept_service(
                token=token,
                account=account,
                relationship=Relationship(form.cleaned_data["relationship"]),
            )
        except InvitationNotValid:
            return _not_valid(request, token)
        return _welcome(request, invitation)
    return render(request, "access_control/invitation_confirm.html", {**context, "form": form})


# Reached from an email before anyone signs in; the token is the key.
@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_usable(token=token)
    if invitation is None:
        return _not_valid(request, token)
    if request.user.is_authenticated:
        return _accept_signed_in(request, token, invitation)
    if sign_in_name_taken(name=invitation.email):
        return _sign_in_page(request, invitation)
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = invitation_accept_new_account(
                token=token, password=form.cleaned_data["password1"]
            )
        except InvitationNotValid:
            return _not_valid(request, token)
        except InvitationNeedsSignIn:
            return _sign_in_page(request, invitation)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            sign_in_created_account(request, account=grant.account)
            return _welcome(request, invitation)
    context = {"invitation": invitation, "clinic": invitation.patient.clinic, "form": form}
    return render(request, "access_control/invitation_accept.html", context)
