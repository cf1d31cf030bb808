"""What every app's views share about the request: the client's address, read one way
everywhere (rate limits, audit, allauth), and the one sign-in an invitation may cause."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest

if TYPE_CHECKING:
    from accounts.models import User


def _clean_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, honouring only the proxies we run (settings.TRUSTED_PROXY_COUNT).

    Each trusted proxy appends the address it saw to X-Forwarded-For, so the client is the entry
    that many places from the right; anything further left was written by the client and is
    ignored. With no trusted proxy the header is ignored and the peer address is the client.
    A header shorter than the proxy chain did not come through it: the peer address is used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= proxies:
            return _clean_ip(hops[-proxies])
    return _clean_ip(request.META.get("REMOTE_ADDR"))


def sign_in_created_account(request: HttpRequest, *, account: User) -> None:
    """Signs in the account this very request created from an invitation, and nothing else.

    The one rule for every invitation (DESIGN.md rule 4, "a link never signs anyone in"): the
    link only lets its holder create the account it was sent for; what signs them in is the
    password they have just chosen on the invitation page, as after any sign-up. An account
    that already existed is never signed in by an invitation, and a Medical Access Link creates
    no account, so it signs no one in.
    """
    login(request, account, backend="accounts.backends.SignInBackend")
