"""Every answer from /api/ is JSON, HTTP Basic is refused there, and bodies are capped.

DRF already answers its own errors in JSON; this covers what happens outside a DRF view: an
unknown URL, a body Django refuses, an unexpected error. It sits near the top of the stack so
it sees every response and refuses an oversized body before anything reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

API_PREFIX = "/api/"
# Headers of an error response that still mean something once its body is JSON.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")
_BEARER_CHALLENGE = 'Bearer realm="api"'
_DETAILS: dict[int, str] = {
    HTTPStatus.BAD_REQUEST: "Bad request: the request could not be read.",
    HTTPStatus.NOT_FOUND: "Not found: no such API address.",
    HTTPStatus.INTERNAL_SERVER_ERROR: "Server error: nothing was saved; please try again.",
}


def _error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    patch_cache_control(response, no_store=True)
    return response


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _json_error_for(response: HttpResponse) -> JsonResponse:
    status = response.status_code
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    detail = _DETAILS.get(status, phrase)
    replacement = _error(status, detail)
    for header in _KEPT_HEADERS:
        if header in response:
            replacement[header] = response[header]
    return replacement


class ApiJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        scheme = request.META.get("HTTP_AUTHORIZATION", "").split(" ", 1)[0].lower()
        if scheme == "basic":
            # Refused before any password is looked at, whatever the address: no guessing oracle.
            refusal = _error(
                HTTPStatus.UNAUTHORIZED,
                "HTTP Basic is not accepted: send “Authorization: Bearer <API token>”.",
            )
            refusal["WWW-Authenticate"] = _BEARER_CHALLENGE
            return refusal
        if _content_length(request) > settings.API_MAX_BODY_BYTES:
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The body is too large: at most {settings.API_MAX_BODY_BYTES // 1024} KB.",
            )
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = _json_error_for(response)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
