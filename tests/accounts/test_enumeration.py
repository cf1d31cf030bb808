"""Neither sign-in nor sign-up tells an outsider whether an address has an account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client
from django.urls import reverse

from accounts.models import User
from outbox.models import Email
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Blue-Meadow-Lantern-7"


@pytest.fixture
def hashes() -> Iterator[list[str]]:
    """Every password hash computed (a check or a made-up one), by the hasher in use."""
    hasher_class = type(get_hasher())
    computed: list[str] = []
    real_encode = hasher_class.encode

    def counting_encode(self: Any, password: str, *args: Any, **kwargs: Any) -> str:
        computed.append(password)
        return real_encode(self, password, *args, **kwargs)

    with mock.patch.object(hasher_class, "encode", counting_encode):
        yield computed


@pytest.mark.parametrize(
    "login",
    [
        "ann@example.com",
        "ANN@Example.com",
        "nobody@example.com",
        "bennett.front",
        "nobody.front",
    ],
)
def test_a_wrong_sign_in_costs_one_password_hash_whether_the_account_exists_or_not(
    client: Client, hashes: list[str], login: str
) -> None:
    UserFactory(email="ann@example.com")
    UserFactory(email=None, username="bennett.front")
    hashes.clear()
    response = client.post(reverse("account_login"), {"login": login, "password": "Wrong-pass-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"not correct" in response.content
    assert len(hashes) == 1


def test_a_right_password_still_signs_in_with_one_hash(client: Client, hashes: list[str]) -> None:
    user = UserFactory(email="ann@example.com")
    hashes.clear()
    client.post(reverse("account_login"), {"login": "ann@example.com", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert len(hashes) == 1


def test_an_inactive_account_is_refused(client: Client) -> None:
    UserFactory(email="ann@example.com", is_active=False)
    client.post(reverse("account_login"), {"login": "ann@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def _sign_up(client: Client, email: str, password: str = NEW_PASSWORD, next_url: str = "") -> Any:
    url = reverse("account_signup") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password1": password, "password2": password})


def test_sign_up_answers_the_same_for_a_registered_and_a_new_address(
    django_capture_on_commit_callbacks: Any,
) -> None:
    UserFactory(email="ann@example.com")
    answers = []
    for email in ("ann@example.com", "new.person@example.com"):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = _sign_up(client, email)
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], page.status_code))
        assert "_auth_user_id" not in client.session
        assert "already" not in page.content.decode().lower()
    assert answers[0] == answers[1]
    assert answers[0][1] == reverse("account_email_verification_sent")


def test_the_holder_of_a_registered_address_is_told_someone_tried_to_sign_up(
    client: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    holder = UserFactory(email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "ann@example.com", "password1": "Attacker-9x", "password2": "Attacker-9x"},
            HTTP_HOST="evil.example",
        )
    assert User.objects.filter(email="ann@example.com").count() == 1
    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)
    mail = Email.objects.get(to="ann@example.com")
    assert "already exists" in mail.body_text
    assert "https://portal.example.org/accounts/password/reset/" in mail.body_text
    assert "evil.example" not in mail.body_text


def test_a_new_address_confirms_by_email_and_then_continues_where_it_started(
    client: Client, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "new.person@example.com", next_url=reverse("portal:home"))
    (sent,) = mailoutbox
    link = re.search(r"http://127\.0\.0\.1:8000(/accounts/confirm-email/[^/\s]+/)", sent.body)
    assert link is not None
    response = client.post(link.group(1))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    account = User.objects.get(email="new.person@example.com")
    assert client.session["_auth_user_id"] == str(account.pk)


def test_a_self_made_account_cannot_sign_in_before_its_address_is_confirmed(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(Client(), "new.person@example.com")
    response = client.post(
        reverse("account_login"), {"login": "new.person@example.com", "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_accounts_made_by_staff_or_an_invitation_sign_in_without_a_confirmation(
    client: Client,
) -> None:
    user = UserFactory(email="made.by.staff@example.com")
    client.post(
        reverse("account_login"), {"login": "made.by.staff@example.com", "password": PASSWORD}
    )
    assert client.session["_auth_user_id"] == str(user.pk)
