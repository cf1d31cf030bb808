from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts.http import client_ip
from audit.context import current_actor, current_ip_address


class AuditContextMiddleware:
    """Remembers the client address and the user of the request, so audit events can say where
    from and who (the user stays lazy: nothing is read unless an event needs it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip_address.set(client_ip(request))
        actor_token = current_actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(actor_token)
            current_ip_address.reset(token)
