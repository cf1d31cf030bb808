"""/api/docs/ is swagger-ui from our own static files (no CDN), with no inline code."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

_REFERENCE = re.compile(r'\b(?:src|href)="([^"]*)"')


def test_the_docs_page_loads_everything_from_this_site(client: Client) -> None:
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    references = _REFERENCE.findall(page)
    assert references
    for reference in references:
        assert reference.startswith("/"), reference
        assert not reference.startswith("//"), reference
    for reference in references:
        assert client.get(reference.replace("&amp;", "&")).status_code == 200, reference
    assert "jsdelivr" not in page
    assert "cdn" not in page.lower()


def test_the_docs_page_has_no_inline_script_or_style(client: Client) -> None:
    page = client.get("/api/docs/").content.decode()

    assert "<style" not in page
    assert " style=" not in page
    for script in re.findall(r"<script\b[^>]*>", page):
        assert " src=" in script, script


def test_the_start_up_script_is_served_as_javascript_from_its_own_url(client: Client) -> None:
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    assert "/api/schema/" in response.content.decode()
