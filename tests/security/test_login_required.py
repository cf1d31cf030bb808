"""Deny by default at the URL layer: LoginRequiredMiddleware sends an anonymous visitor of any
page not marked @login_not_required to sign in; the API answers 401 in JSON instead."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path, reverse

from tests.security.personas import build_world
from tests.security.url_map import classify, fillings, url_patterns


def _throwaway(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a page nobody marked")


@login_not_required
def _throwaway_public(request: HttpRequest) -> HttpResponse:
    return HttpResponse("a page marked public")


# The URL conf of test_a_new_view_without_the_decorator_is_protected_by_default.
urlpatterns = [
    path("throwaway/", _throwaway),
    path("throwaway-public/", _throwaway_public),
    path("accounts/", include("allauth.urls")),
]


def _sent_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_every_url_pattern_is_refused_to_an_anonymous_visitor_unless_it_is_public(
    client: Client,
) -> None:
    world = build_world()
    wrong = []
    for pattern in url_patterns():
        kind = classify(pattern)
        if kind == "allauth":
            continue  # allauth marks its own public views; its sign-in pages are checked below
        url, _foreign = fillings(world, "anonymous", pattern)[0]
        response = client.get(url)
        if kind == "api":
            ok = response.status_code == 401 and response["Content-Type"] == "application/json"
        elif kind == "admin":
            # The admin's own login page hands over to allauth's sign-in.
            ok = response.status_code == 302 and response["Location"].startswith(
                (reverse("account_login"), reverse("admin:login"))
            )
        elif kind in ("public", "token"):
            ok = not _sent_to_sign_in(response) and response.status_code < 500
        else:
            ok = _sent_to_sign_in(response)
        if not ok:
            wrong.append(f"{pattern.name} ({kind}) {url}: {response.status_code}")
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["account_login", "account_signup", "account_reset_password", "home", "api-docs"]
)
def test_the_sign_in_pages_and_the_public_pages_open_without_signing_in(
    client: Client, name: str
) -> None:
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_the_api_answers_an_anonymous_call_with_a_401_in_json_not_a_redirect(
    client: Client,
) -> None:
    response = client.post(reverse("api-eprescriptions"), {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_new_view_without_the_decorator_is_protected_by_default(client: Client) -> None:
    response = client.get("/throwaway/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/throwaway/"
    assert client.get("/throwaway-public/").content == b"a page marked public"
