from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from clinics.models import Clinic
from outbox.models import Email
from tests.factories import PASSWORD, UserFactory, staff_member

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, login: str, password: str, next_url: str = "") -> Any:
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login, "password": password})


def test_it_signs_in_by_email_in_any_casing(client: Client) -> None:
    user = UserFactory(email="ann@example.com")
    response = _sign_in(client, "ANN@Example.com", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_signs_in_by_username(client: Client) -> None:
    user = UserFactory(email=None, username="bennett.front")
    response = _sign_in(client, "bennett.front", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_refuses_a_wrong_password_with_a_clear_message(client: Client) -> None:
    UserFactory(email="ann@example.com")
    response = _sign_in(client, "ann@example.com", "not-the-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"not correct" in response.content


def test_it_rate_limits_repeated_bad_passwords(client: Client) -> None:
    UserFactory(email="ann@example.com")
    for _ in range(5):
        _sign_in(client, "ann@example.com", "wrong-password")
    response = _sign_in(client, "ann@example.com", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_it_sends_the_admin_login_through_the_same_rate_limit(
    client: Client, clinic: Clinic
) -> None:
    staff_member(clinic=clinic, email="desk@example.com")
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    for _ in range(5):
        _sign_in(client, "desk@example.com", "wrong-password", next_url="/admin/")
    response = _sign_in(client, "desk@example.com", PASSWORD, next_url="/admin/")
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_it_lands_staff_in_the_admin_after_sign_in(client: Client, clinic: Clinic) -> None:
    staff_member(clinic=clinic, email="desk@example.com")
    response = _sign_in(client, "desk@example.com", PASSWORD)
    assert response["Location"] == reverse("admin:index")


def test_it_stores_emails_lower_cased_and_unique_whatever_the_casing() -> None:
    user = User.objects.create_user(email="Mixed.Case@Example.COM", password=PASSWORD)
    assert user.email == "mixed.case@example.com"
    with pytest.raises(Exception, match=r"already exists|unique"):
        User.objects.create_user(email="MIXED.case@example.com", password=PASSWORD)


def test_it_allows_several_accounts_without_email() -> None:
    User.objects.create_user(username="tablet1", password=PASSWORD)
    User.objects.create_user(username="tablet2", password=PASSWORD)
    assert User.objects.filter(email__isnull=True).count() == 2


def test_it_refuses_an_account_without_email_or_username() -> None:
    with pytest.raises(Exception, match=r"email|username"):
        User.objects.create_user(password=PASSWORD)


def test_it_forces_a_staff_set_password_to_be_changed(client: Client) -> None:
    user = UserFactory(email="ann@example.com", must_change_password=True)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "A-new-secret-99", "password2": "A-new-secret-99"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.must_change_password is False
    assert client.get(reverse("portal:home")).status_code == 200


def test_it_sends_password_reset_mail_through_the_outbox_with_a_site_url_link(
    client: Client, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.SITE_URL = "https://portal.example.org"
    # Even where the Host header is accepted, the emailed link must not be built from it.
    settings.ALLOWED_HOSTS = ["*"]
    UserFactory(email="ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": "ann@example.com"},
            HTTP_HOST="evil.example.net",
        )
    email = Email.objects.get(to="ann@example.com")
    assert email.status == "sent"
    assert "https://portal.example.org/accounts/password/reset/key/" in email.body_text
    assert "evil.example.net" not in email.body_text
