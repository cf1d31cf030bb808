"""Tells drf-spectacular how the e-prescription API authenticates."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "prescribers.api.authentication.ApiTokenAuthentication"
    name = "practitionerApiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A practitioner's API token, created in the practitioner portal under API tokens: "
                "`Authorization: Bearer <token>`."
            ),
        }


def api_endpoints_only(endpoints: list[tuple[Any, ...]], **kwargs: Any) -> list[tuple[Any, ...]]:
    """The schema describes the API (/api/v1/), not the pages that serve the schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
