"""Accepting an invitation to the practitioner portal.

Opening the link (GET) changes nothing, so mail scanners cannot use it up. Sending the form
(POST) uses the invitation, creates the account and signs in that new account only (the one
rule for invitations, accounts.http.sign_in_created_account).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from accounts.http import sign_in_created_account
from prescribers.errors import InvitationUnusable, PrescriberError
from prescribers.forms import InvitationAcceptForm
from prescribers.selectors import practitioner_invitation_usable
from prescribers.services.invitations import practitioner_invitation_accept


def _unusable(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practitioner/invitation_unusable.html",
        {"ttl_days": settings.PRESCRIBER_INVITATION_TTL.days},
        status=410,
    )


# Reached from an email before the account exists; the token is the key.
@login_not_required
@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = practitioner_invitation_usable(raw_token=token)
    if invitation is None:
        return _unusable(request)
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, invitation=invitation
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = practitioner_invitation_accept(
                raw_token=token, password=form.cleaned_data["password1"]
            )
        except InvitationUnusable:
            return _unusable(request)
        except PrescriberError as error:
            form.add_error(None, error.message)
        else:
            sign_in_created_account(request, account=user)
            messages.success(
                request,
                f"Your practitioner account is ready. From now on, sign in with {user.email} "
                "and your new password.",
            )
            return HttpResponseRedirect(reverse("practitioner:home"))
    return render(
        request,
        "practitioner/invitation_accept.html",
        {"form": form, "invitation": invitation, "profile": invitation.profile},
    )
