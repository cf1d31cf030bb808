"""Every page Django builds says `Cache-Control: no-store`, a Content-Security-Policy without
inline code, a Permissions-Policy; pages whose URL holds a secret token send only the origin
as Referer."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from access_control.services import invitation_send
from accounts.models import User
from clinics.models import Clinic, Patient
from family_links.services import access_link_generate
from tests.care.factories import family_on
from tests.prescribers.factories import practitioner_account

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def portal_client(clinic: Clinic) -> Client:
    return _signed_in(family_on(clinic).account)


@pytest.fixture
def practitioner_client(clinic: Clinic) -> Client:
    return _signed_in(practitioner_account(clinics=[clinic], email="dr.joe@example.com"))


@pytest.fixture
def staff_client(clinic_staff: User) -> Client:
    return _signed_in(clinic_staff)


def _no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _directives(response: Any) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "path",
    [
        "/portal/",
        "/portal/documents/",
        "/portal/profiles/",
        "/accounts/password/change/",
        "/invite/not-a-real-token/",
        "/link/not-a-real-token/",
        "/",
        "/no-such-page/",
    ],
)
def test_portal_account_pages_are_never_stored(portal_client: Client, path: str) -> None:
    response = portal_client.get(path)

    assert response.status_code in {200, 302, 404, 410}, path
    assert _no_store(response), path


@pytest.mark.parametrize(
    "path",
    [
        "/practitioner/",
        "/practitioner/clinics/",
        "/practitioner/history/",
        "/practitioner/api-tokens/",
        "/practitioner/invitations/not-a-real-token/",
    ],
)
def test_practitioner_pages_are_never_stored(practitioner_client: Client, path: str) -> None:
    response = practitioner_client.get(path)

    assert response.status_code in {200, 410}, path
    assert _no_store(response), path


def test_live_invitation_and_access_link_pages_are_never_stored_and_keep_their_url(
    client: Client, patient: Patient, clinic_staff: User
) -> None:
    invitation = invitation_send(patient=patient, actor=clinic_staff)
    link = access_link_generate(patient=patient, actor=clinic_staff)

    for url in (invitation.url, link.url):
        response = client.get(url.removeprefix(settings.SITE_URL))
        assert response.status_code == 200, url
        assert _no_store(response), url
        assert response["Referrer-Policy"] == "strict-origin", url


def test_the_page_showing_a_new_api_token_is_never_stored(practitioner_client: Client) -> None:
    response = practitioner_client.post("/practitioner/api-tokens/", {"name": "EHR"})

    assert response.status_code == 200
    assert response.context["new_token"] is not None
    assert _no_store(response)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/clinics/patient/",
        "/admin/care/document/add/",
        "/admin/outbox/email/",
    ],
)
def test_staff_admin_pages_are_never_stored(staff_client: Client, path: str) -> None:
    response = staff_client.get(path)

    assert response.status_code in {200, 302, 403}, path
    assert _no_store(response), path


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/key/1-not-a-key/",
        "/portal/",
        "/api/docs/",
        "/api/schema/",
        "/api/v1/no-such-endpoint/",
    ],
)
def test_pages_for_visitors_not_signed_in_are_never_stored(client: Client, path: str) -> None:
    assert _no_store(client.get(path)), path


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/js/behaviours.js")

    assert response.status_code == 200
    assert not _no_store(response)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/portal/", "/admin/", "/api/docs/", "/practitioner/"]
)
def test_every_page_has_a_csp_without_inline_code(staff_client: Client, path: str) -> None:
    response = staff_client.get(path, follow=True)

    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)


def test_the_permissions_policy_turns_off_devices_and_keeps_passkeys_on_our_pages(
    client: Client,
) -> None:
    policy = client.get("/accounts/login/")["Permissions-Policy"]

    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"


@pytest.mark.parametrize(
    "path",
    [
        "/invite/some-token/",
        "/link/some-token/",
        "/practitioner/invitations/some-token/",
        "/accounts/password/reset/key/1-some-key/",
    ],
)
def test_pages_with_a_token_in_the_url_never_send_it_as_referrer(client: Client, path: str) -> None:
    assert client.get(path)["Referrer-Policy"] == "strict-origin"


@pytest.mark.parametrize("path", ["/accounts/login/", "/portal/", "/api/docs/"])
def test_other_pages_send_the_referrer_to_this_site_only(client: Client, path: str) -> None:
    assert client.get(path)["Referrer-Policy"] == "same-origin"


def test_the_token_pages_listed_all_exist() -> None:
    for name in settings.TOKEN_URL_NAMES:
        if name.startswith("account_"):
            assert reverse(name, kwargs={"uidb36": "1", "key": "key"})
        else:
            assert reverse(name, args=["token"])
