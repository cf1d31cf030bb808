"""Sign-in, sign-out, password change and reset: finished pages, mail through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from outbox.models import Email

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [
        ("account_login", "Sign In"),
        ("account_reset_password", "Password Reset"),
        ("account_reset_password_done", "Password Reset"),
    ],
)
def test_the_signed_out_pages_use_the_portal_layout(
    client: Client, url_name: str, heading: str
) -> None:
    html = client.get(reverse(url_name)).content.decode()
    assert "css/portal.css" in html
    assert 'class="topbar"' in html
    assert f"<h1>{heading}</h1>" in html.replace("\n", "").replace("  ", "")


@pytest.mark.parametrize(
    ("url_name", "heading"),
    [("account_change_password", "Change Password"), ("account_logout", "Sign Out")],
)
def test_the_signed_in_pages_use_the_portal_layout(
    client: Client, own_account: User, url_name: str, heading: str
) -> None:
    client.force_login(own_account)
    html = client.get(reverse(url_name)).content.decode()
    assert "css/portal.css" in html
    assert reverse("portal:home") in html  # "My records" in the header
    assert heading in html


def test_the_sign_in_page_explains_invitations_instead_of_sign_up(client: Client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert "Email or username" in html
    assert "Open the link in it to create your password" in html
    assert reverse("account_reset_password") in html


def test_signing_out_ends_the_session(client: Client, own_account: User) -> None:
    client.force_login(own_account)
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_a_password_reset_is_mailed_through_the_outbox(
    client: Client,
    own_account: User,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "laura@example.com"})
    email = Email.objects.get(to="laura@example.com")
    assert email.status == "sent"
    assert "https://portal.example.org/accounts/password/reset/key/" in email.body_text


def test_changing_the_password_lands_in_the_portal(client: Client, own_account: User) -> None:
    client.force_login(own_account)
    new = "Quiet-River-Stone-88"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "Correct-Horse-42", "password1": new, "password2": new},
    )
    assert response["Location"] == reverse("portal:home")
    own_account.refresh_from_db()
    assert own_account.check_password(new)
