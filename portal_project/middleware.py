"""Project-wide HTTP hardening: response headers every page gets, and a cap on request bodies.

Both sit just below WhiteNoise, so static files (public, cacheable) pass untouched while every
page, API answer and redirect built by Django goes through them.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

Handler = Callable[[HttpRequest], HttpResponse]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class SecurityHeadersMiddleware:
    """`Cache-Control: no-store` on every answer (pages hold patient data, tokens, CSRF tokens;
    neither the browser nor a proxy may keep them), Permissions-Policy, and `Referrer-Policy:
    strict-origin` on pages whose URL carries a secret token (the URL never leaves the page)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )
        self.token_urls = frozenset(settings.TOKEN_URL_NAMES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, no_store=True)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        match = request.resolver_match
        if match is not None and match.view_name in self.token_urls:
            # SecurityMiddleware (same-origin) only fills the header in when it is missing.
            response["Referrer-Policy"] = "strict-origin"
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is over REQUEST_MAX_BODY_BYTES before anything
    reads it (the CSRF check would read a whole 60 MB upload into temporary files first).

    Django never reads past Content-Length, and a request without one has an empty body, so
    the declared length is the most the server will ever read.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit: int = settings.REQUEST_MAX_BODY_BYTES
        if length > limit:
            return self._too_large(request, length=length)
        return self.get_response(request)

    def _too_large(self, request: HttpRequest, *, length: int) -> HttpResponse:
        page = render_to_string(
            "request_too_large.html",
            {
                "size": _megabytes(length),
                "document_limit": _megabytes(settings.DOCUMENT_MAX_BYTES),
                "back": request.path,
            },
            request=request,
        )
        return HttpResponse(page, status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
