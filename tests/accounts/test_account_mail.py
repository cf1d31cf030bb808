"""allauth's mails and limits name the product and SITE_URL, never the request's Host header."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.test import Client
from django.urls import reverse

from outbox.models import Email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_HOST = "evil.example.net"


@pytest.fixture
def hostile_host_accepted(settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.org"
    # Even where the Host header is accepted, nothing mailed may be built from it.
    settings.ALLOWED_HOSTS = ["*"]


def test_a_password_reset_mail_names_the_product_and_links_to_site_url(
    client: Client,
    hostile_host_accepted: None,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    UserFactory(email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"), {"email": "ann@example.com"}, HTTP_HOST=HOSTILE_HOST
        )
    (sent,) = mailoutbox
    assert sent.subject == "CareLink Portal: Password Reset Email"
    assert sent.body.startswith("Hello from CareLink Portal!")
    assert "Hello from !" not in sent.body
    assert "https://portal.example.org/accounts/password/reset/key/" in sent.body
    assert sent.body.rstrip().endswith("https://portal.example.org")
    for text in (sent.subject, sent.body, Email.objects.get().subject):
        assert HOSTILE_HOST not in text
        assert "[" not in text.split(":")[0]


def test_a_reset_for_an_unknown_address_links_to_site_url_too(
    client: Client,
    hostile_host_accepted: None,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": "stranger@example.com"},
            HTTP_HOST=HOSTILE_HOST,
        )
    (sent,) = mailoutbox
    assert "https://portal.example.org/accounts/signup/" in sent.body
    assert HOSTILE_HOST not in sent.body


def test_authenticator_apps_and_security_keys_name_the_product_and_site(settings: Any) -> None:
    settings.SITE_URL = "https://portal.example.org"
    adapter = get_mfa_adapter()
    assert adapter.get_totp_issuer() == "CareLink Portal"
    assert adapter.get_public_key_credential_rp_entity() == {
        "id": "portal.example.org",
        "name": "CareLink Portal",
    }


def test_switching_host_names_gives_no_fresh_allowance_of_password_guesses(
    client: Client, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["portal.example.org", "www.portal.example.org"]
    UserFactory(email="ann@example.com")
    for _ in range(5):
        client.post(
            reverse("account_login"),
            {"login": "ann@example.com", "password": "Wrong-pass-1"},
            HTTP_HOST="portal.example.org",
        )
    response = client.post(
        reverse("account_login"),
        {"login": "ann@example.com", "password": PASSWORD},
        HTTP_HOST="www.portal.example.org",
    )
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content
