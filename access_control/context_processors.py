"""Template context from the access policy, for every page rendered with a request."""

from __future__ import annotations

from django.http import HttpRequest

from access_control.middleware import request_is_kiosk


def portal_kiosk(request: HttpRequest) -> dict[str, bool]:
    """`portal_kiosk`: the menu of an intake-tablet account shows its forms only."""
    return {"portal_kiosk": request_is_kiosk(request)}
