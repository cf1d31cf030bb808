"""The API docs page works in Chromium under the CSP, from our own static files only."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest


@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_schema_without_any_other_host(live_server: Any, page: Any) -> None:
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).netloc))

    page.goto(f"{live_server.url}/api/docs/")

    page.locator(".swagger-ui .info .title").wait_for()
    assert "API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert hosts == {urlsplit(live_server.url).netloc}
