"""Portal sessions end after 30 minutes without a request, and 12 hours after sign-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import Clock

pytestmark = pytest.mark.django_db


def test_a_session_idle_for_longer_than_the_idle_timeout_is_signed_out(
    client: Client, portal_account: User, clock: Clock
) -> None:
    start = clock.now
    client.force_login(portal_account)
    clock.move_to(start + timedelta(minutes=29))
    assert client.get(reverse("portal:home")).status_code == 200
    clock.move_to(start + timedelta(minutes=29 + 31))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/portal/"
    assert "_auth_user_id" not in client.session


def test_an_active_session_ends_at_the_absolute_limit(
    client: Client, portal_account: User, clock: Clock
) -> None:
    start = clock.now
    client.force_login(portal_account)
    for minutes in range(20, 12 * 60, 20):
        clock.move_to(start + timedelta(minutes=minutes))
        assert client.get(reverse("portal:home")).status_code == 200
    clock.move_to(start + timedelta(hours=12, minutes=1))
    assert client.get(reverse("portal:home")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_limits_come_from_the_settings(
    client: Client, portal_account: User, clock: Clock, settings: Any
) -> None:
    settings.PORTAL_SESSION_IDLE_TIMEOUT = timedelta(minutes=5)
    start = clock.now
    client.force_login(portal_account)
    clock.move_to(start + timedelta(minutes=6))
    assert client.get(reverse("portal:home")).status_code == 302


def test_an_expired_post_is_sent_to_sign_in_without_acting(
    client: Client, portal_account: User, clock: Clock
) -> None:
    start = clock.now
    client.force_login(portal_account)
    clock.move_to(start + timedelta(hours=1))
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "x",
            "password1": "Quiet-River-Stone-88",
            "password2": "Quiet-River-Stone-88",
        },
    )
    assert response["Location"] == reverse("account_login")
