from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Paths a user with a staff-set password may still reach: the change itself, signing out, assets.
_ALLOWED_PREFIXES = ("/accounts/password/change/", "/accounts/logout/", "/static/")


class ForcePasswordChangeMiddleware:
    """Sends a user whose password was chosen by staff to the password-change page first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            return HttpResponseRedirect(reverse("account_change_password"))
        return self.get_response(request)


# What a staff account without a second factor may still reach: enrolment (and the password
# check it may ask for), its own password change, signing out, assets.
_MFA_ENROLMENT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/password/change/",
    "/accounts/logout/",
    "/static/",
)
# A second factor that is asked at every sign-in; recovery codes alone are only a fallback.
_SIGN_IN_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
STAFF_MFA_MESSAGE = (
    "Staff accounts can open patient records, so they need two-factor sign-in. Set up an "
    "authenticator app or a security key below to continue to the staff admin."
)


class StaffMfaRequiredMiddleware:
    """With settings.STAFF_MFA_REQUIRED, sends a staff account without a second factor to enrol.

    Staff, pharmacy staff and superusers (is_staff) reach no page but enrolment until they have
    an authenticator app or a security key; from then on allauth asks for it at every sign-in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.STAFF_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(_MFA_ENROLMENT_PREFIXES)
            and not is_mfa_enabled(user, _SIGN_IN_FACTORS)
        ):
            messages.warning(request, STAFF_MFA_MESSAGE)
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
