from __future__ import annotations

from collections.abc import Callable

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
