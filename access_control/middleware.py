"""Per-request checks on signed-in sessions: session lifetime and portal refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from access_control.policy import portal_is_kiosk, portal_kiosk_may_open, portal_standing
from accounts.pages import Page, page_url

SESSION_STARTED_KEY = "session_started_at"
# Set on the request by PortalAccessRefusalMiddleware, so that pages ask no second query.
_KIOSK_ATTRIBUTE = "portal_kiosk"
SESSION_SEEN_KEY = "session_seen_at"
# Activity is written to the session at most once a minute, not on every request.
_SEEN_RESOLUTION_SECONDS = 60


def session_stamp(session: Any) -> None:
    """Marks the start of a signed-in session."""
    now = int(timezone.now().timestamp())
    session[SESSION_STARTED_KEY] = now
    session[SESSION_SEEN_KEY] = now


class SessionExpiryMiddleware:
    """Signs a session out after PORTAL_SESSION_IDLE_TIMEOUT without a request, and in any case
    PORTAL_SESSION_MAX_AGE after sign-in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = int(timezone.now().timestamp())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:
                session_stamp(session)
            elif (
                now - seen > settings.PORTAL_SESSION_IDLE_TIMEOUT.total_seconds()
                or now - started > settings.PORTAL_SESSION_MAX_AGE.total_seconds()
            ):
                logout(request)
                messages.info(
                    request, "For your security you were signed out. Please sign in again."
                )
                if request.method == "GET":
                    return redirect_to_login(request.get_full_path(), reverse("account_login"))
                return HttpResponseRedirect(reverse("account_login"))
            elif now - seen >= _SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN_KEY] = now
        return self.get_response(request)


def request_is_kiosk(request: HttpRequest) -> bool:
    """Whether the signed-in account of this request is a kiosk (intake tablet), as the
    middleware found; asks the policy where the middleware did not run."""
    found = getattr(request, _KIOSK_ATTRIBUTE, None)
    if found is None:
        found = portal_is_kiosk(user=getattr(request, "user", None))
        setattr(request, _KIOSK_ATTRIBUTE, found)
    return bool(found)


class PortalAccessRefusalMiddleware:
    """Signs out, on its next request, an account whose own record was blocked, and keeps a
    kiosk account (the intake tablet) to the few pages the access policy allows it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        standing = portal_standing(user=request.user)
        if standing.refusal is not None:
            logout(request)
            messages.error(request, standing.refusal)
            return HttpResponseRedirect(reverse("account_login"))
        setattr(request, _KIOSK_ATTRIBUTE, standing.kiosk)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not request_is_kiosk(request):
            return None
        if portal_kiosk_may_open(url_name=match.view_name):
            return None
        # A page, never a redirect: a refused POST changes nothing and says why.
        context = {"forms_url": page_url(Page.PORTAL_FORMS)}
        return render(request, "access_control/kiosk_refused.html", context, status=403)
