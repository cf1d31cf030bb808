"""Requests per API token, counted in the shared cache (Redis in production)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from prescribers.models import ApiToken


class ApiTokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_rate(self) -> str:
        # Read at each request rather than from DRF's class-level rates, so the environment
        # (and a test) sets it.
        return settings.API_THROTTLE_RATE

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
