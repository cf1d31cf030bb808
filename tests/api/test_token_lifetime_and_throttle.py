"""API tokens expire, die with a password change, and are throttled per token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from prescribers.events import PrescriberEvent
from prescribers.models import ApiToken
from prescribers.services.api_tokens import api_token_create
from tests.api.conftest import ApiCaller
from tests.factories import PASSWORD

READ_URL = "/api/v1/e-prescriptions/1/"  # 404 when the token works, 401 when it does not
NEW_PASSWORD = "Another-Horse-77"
PBKDF2 = "django.contrib.auth.hashers.PBKDF2PasswordHasher"


def status_with(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get(READ_URL).status_code


# --- Expiry ----------------------------------------------------------------------------------


def test_a_token_expires_after_the_configured_days(caller: ApiCaller, settings: Any) -> None:
    settings.API_TOKEN_TTL = timedelta(days=30)
    new = api_token_create(user=caller.user, name="Thirty days")
    expected = timezone.now() + timedelta(days=30)
    assert abs(new.token.expires_at - expected) < timedelta(minutes=1)
    assert status_with(new.raw_token) == 404

    ApiToken.objects.filter(pk=new.token.pk).update(expires_at=timezone.now())

    response = APIClient()
    response.credentials(HTTP_AUTHORIZATION=f"Bearer {new.raw_token}")
    refused = response.get(READ_URL)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_the_token_page_shows_the_lifetime_and_each_expiry(
    caller: ApiCaller, settings: Any
) -> None:
    settings.API_TOKEN_TTL = timedelta(days=45)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    browser = Client()
    browser.force_login(caller.user)

    response = browser.get(reverse("practitioner:api_tokens"))
    page = response.content.decode()

    assert "works for 45 days" in page
    assert "Expired" in page
    assert "no-store" in response["Cache-Control"]


# --- Revoked by a password change ---------------------------------------------------------------


def test_changing_ones_password_in_the_portal_revokes_every_token(caller: ApiCaller) -> None:
    second = api_token_create(user=caller.user, name="Second EHR").raw_token
    browser = Client()
    browser.force_login(caller.user)

    response = browser.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert status_with(caller.token) == 401
    assert status_with(second) == 401
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    events = AuditEvent.objects.filter(action=PrescriberEvent.API_TOKEN_REVOKED)
    assert events.count() == 2
    assert {event.details["reason"] for event in events} == {"password changed"}


def test_a_password_set_by_anyone_else_revokes_every_token(caller: ApiCaller) -> None:
    # Staff credentials, the admin's password form and `changepassword` all end like this.
    caller.user.set_password(NEW_PASSWORD)
    caller.user.save()
    assert status_with(caller.token) == 401


def test_a_new_token_after_the_password_change_works(caller: ApiCaller) -> None:
    caller.user.set_password(NEW_PASSWORD)
    caller.user.save()
    assert status_with(api_token_create(user=caller.user, name="After").raw_token) == 404


def test_other_saves_and_the_sign_in_rehash_keep_the_tokens(
    caller: ApiCaller, settings: Any
) -> None:
    # A hash made with an older hasher is silently re-hashed at the next sign-in.
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, PBKDF2]
    caller.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    caller.user.first_name = "Joseph"
    caller.user.save()

    response = Client().post(
        reverse("account_login"), {"login": caller.user.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    caller.user.refresh_from_db()
    assert not caller.user.password.startswith("pbkdf2_sha256$")
    assert status_with(caller.token) == 404


# --- Throttle ----------------------------------------------------------------------------------


def test_a_token_over_its_rate_gets_a_json_429_with_retry_after(
    caller: ApiCaller, settings: Any
) -> None:
    settings.API_THROTTLE_RATE = "3/min"
    other = api_token_create(user=caller.user, name="Other system").raw_token

    answers = [status_with(caller.token) for _ in range(3)]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.token}")
    refused = client.get(READ_URL)

    assert answers == [404, 404, 404]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()
    # The limit is per token: another token of the same practitioner still works.
    assert status_with(other) == 404


@pytest.mark.parametrize("header", ["Bearer nonsense", ""])
def test_refused_tokens_are_not_counted_against_a_real_one(
    caller: ApiCaller, settings: Any, header: str
) -> None:
    settings.API_THROTTLE_RATE = "2/min"
    stranger = APIClient()
    if header:
        stranger.credentials(HTTP_AUTHORIZATION=header)
    assert {stranger.get(READ_URL).status_code for _ in range(5)} == {401}
    assert status_with(caller.token) == 404
