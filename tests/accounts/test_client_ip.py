"""The client address: one helper, proxies trusted only as far as the environment says."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

import portal_project.settings as settings_module
from accounts.http import client_ip
from audit.context import current_ip_address
from audit.middleware import AuditContextMiddleware

PEER = "10.0.0.5"
FORGED = "6.6.6.6"
REAL_CLIENT = "203.0.113.7"


def _request(forwarded: str | None = None) -> HttpRequest:
    extra = {"REMOTE_ADDR": PEER}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(FORGED)) == PEER
    assert client_ip(_request(f"{FORGED}, {REAL_CLIENT}")) == PEER


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote the first entry itself; our proxy appended the last one.
    assert client_ip(_request(f"{FORGED}, {REAL_CLIENT}")) == REAL_CLIENT
    assert client_ip(_request(REAL_CLIENT)) == REAL_CLIENT
    assert client_ip(_request()) == PEER


def test_a_header_shorter_than_the_proxy_chain_is_not_believed(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(FORGED)) == PEER
    assert client_ip(_request(f"{FORGED}, {REAL_CLIENT}, 192.0.2.1")) == REAL_CLIENT


def test_garbage_is_not_an_address(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request("<script>")) is None


def test_audit_events_record_the_same_address(settings: Any) -> None:
    seen: list[str | None] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(current_ip_address.get())
        return HttpResponse()

    middleware = AuditContextMiddleware(view)
    settings.TRUSTED_PROXY_COUNT = 0
    middleware(_request(f"{FORGED}, {REAL_CLIENT}"))
    settings.TRUSTED_PROXY_COUNT = 1
    middleware(_request(f"{FORGED}, {REAL_CLIENT}"))
    assert seen == [PEER, REAL_CLIENT]


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_sign_in_limit_per_address(
    settings: Any,
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    client = Client(REMOTE_ADDR=PEER)
    for attempt in range(4):
        response = client.post(
            reverse("account_login"),
            {"login": f"guess{attempt}@example.com", "password": "Wrong-pass-1"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    assert b"Too many failed login attempts" in response.content


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    client = Client(REMOTE_ADDR=PEER)
    for attempt in range(4):
        response = client.post(
            reverse("account_login"),
            {"login": f"guess{attempt}@example.com", "password": "Wrong-pass-1"},
            HTTP_X_FORWARDED_FOR=f"{FORGED}, 198.51.100.{attempt}",
        )
    assert b"Too many failed login attempts" not in response.content
    assert b"not correct" in response.content


def test_allauth_and_the_helper_read_the_proxy_count_from_one_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRUSTED_PROXY_COUNT", "2")
    values = runpy.run_path(str(Path(settings_module.__file__)))
    assert values["TRUSTED_PROXY_COUNT"] == 2
    assert values["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
    monkeypatch.delenv("TRUSTED_PROXY_COUNT")
    assert runpy.run_path(str(Path(settings_module.__file__)))["TRUSTED_PROXY_COUNT"] == 0


def test_no_other_code_reads_the_client_address_itself() -> None:
    root = Path(settings_module.__file__).resolve().parent.parent
    readers = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in {".venv", "tests", "bench"} or relative == Path("accounts/http.py"):
            continue
        text = path.read_text()
        if "REMOTE_ADDR" in text or "X_FORWARDED_FOR" in text:
            readers.append(str(relative))
    assert readers == []
