"""Practitioners' API tokens: `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from prescribers.models import ApiToken
from prescribers.policy import api_token_usable

KEYWORD = b"bearer"
UNUSABLE = (
    "Invalid, expired or revoked token (a password change revokes every token): "
    "create a new one in the practitioner portal under API tokens."
)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Send the header as “Authorization: Bearer <token>”.")
        try:
            raw_token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(UNUSABLE) from None
        token = api_token_usable(raw_token=raw_token)
        if token is None:
            raise AuthenticationFailed(UNUSABLE)
        # The token rides along as `request.auth`, so the throttle counts per token.
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes a missing or bad token a 401 that says how to authenticate.
        return 'Bearer realm="api"'
