"""Every refusal from /api/ is clear JSON, never a 500 and never HTML; no HTTP Basic anywhere."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from prescribers.models import EPrescription
from tests.api.conftest import ApiCaller
from tests.factories import PASSWORD, UserFactory

SUBMIT_URL = "/api/v1/e-prescriptions/"


def body(clinic_id: int, **medication: Any) -> dict[str, Any]:
    return {
        "clinic": clinic_id,
        "external_id": "EHR-1001",
        "patient": {
            "first_name": "Harold",
            "last_name": "Benson",
            "date_of_birth": "1948-07-02",
            "phone": "(555) 302-1001",
        },
        "medication": {
            "name": "Metformin",
            "strength": "500 mg",
            "dosage_form": "tablet",
            "quantity": "60",
            "refills": 2,
            "directions": "Take 1 tablet by mouth twice daily.",
            "days_supply": 30,
            **medication,
        },
    }


def api(caller: ApiCaller) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.token}")
    return client


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


# --- Hole 2: no HTTP Basic -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/schema/"),
        ("get", "/api/docs/"),
        ("get", f"{SUBMIT_URL}1/"),
        ("post", SUBMIT_URL),
    ],
)
def test_http_basic_never_authenticates_even_after_many_guesses(
    client: Client, caller: ApiCaller, method: str, url: str
) -> None:
    """60 wrong passwords, then the right one: the same 401 each time, no password checked."""
    caller.user.username = "joe.smith"
    caller.user.save(update_fields=["username"])
    send = getattr(client, method)
    answers = [
        send(url, HTTP_AUTHORIZATION=basic("joe.smith", f"wrong-{attempt}"))
        for attempt in range(60)
    ]
    answers.append(send(url, HTTP_AUTHORIZATION=basic("joe.smith", PASSWORD)))
    answers.append(send(url, HTTP_AUTHORIZATION=basic(caller.user.email, PASSWORD)))

    assert {answer.status_code for answer in answers} == {401}
    assert {answer.content for answer in answers} == {answers[0].content}
    assert "HTTP Basic is not accepted" in answers[-1].json()["detail"]
    assert answers[-1]["WWW-Authenticate"].startswith("Bearer")
    assert "Basic" not in answers[-1]["WWW-Authenticate"]


def test_the_schema_and_docs_are_public_and_need_no_credentials(client: Client, db: None) -> None:
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_a_signed_in_session_does_not_authenticate_the_api(caller: ApiCaller) -> None:
    browser = Client()
    browser.force_login(caller.user)
    response = browser.post(
        SUBMIT_URL, body(caller.practitioner_clinic.clinic_id), "application/json"
    )
    assert response.status_code == 401
    assert not EPrescription.objects.exists()


# --- JSON only -----------------------------------------------------------------------------


def test_the_schema_offers_only_json_request_bodies(client: Client, db: None) -> None:
    spec = client.get("/api/schema/", {"format": "json"}).json()
    request_types = {
        content_type
        for path in spec["paths"].values()
        for operation in path.values()
        for content_type in operation.get("requestBody", {}).get("content", {})
    }
    assert request_types == {"application/json"}
    assert all(path.startswith("/api/v1/") for path in spec["paths"])


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
def test_form_bodies_are_refused_with_415(caller: ApiCaller, content_type: str) -> None:
    response = api(caller).post(SUBMIT_URL, "clinic=1&external_id=x", content_type=content_type)
    assert response.status_code == 415
    assert "detail" in response.json()
    assert not EPrescription.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"refills": "2"}, "refills"),
        ({"days_supply": 30.0}, "days_supply"),
        ({"quantity": 60}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "100000"}, "quantity"),
        ({"quantity": "1.005"}, "quantity"),
        ({"name": 5}, "name"),
        ({"name": "   "}, "name"),
        ({"directions": "take\u0000it"}, "directions"),
    ],
)
def test_values_of_the_wrong_json_type_or_shape_are_field_errors(
    caller: ApiCaller, change: dict[str, Any], field: str
) -> None:
    payload = json.dumps(body(caller.practitioner_clinic.clinic_id, **change))
    response = api(caller).post(SUBMIT_URL, payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["medication"]
    assert not EPrescription.objects.exists()


def test_a_lone_surrogate_becomes_a_replacement_character_not_a_database_error(
    caller: ApiCaller,
) -> None:
    # json.dumps writes the half character as JSON allows it: "\ud800". PostgreSQL cannot store it.
    payload = json.dumps(body(caller.practitioner_clinic.clinic_id, strength="500\ud800 mg"))
    response = api(caller).post(SUBMIT_URL, payload, content_type="application/json")
    assert response.status_code == 201
    assert EPrescription.objects.get().strength == "500\ufffd mg"


# --- Hole 9: nested JSON, large bodies, unknown addresses -----------------------------------


@pytest.mark.parametrize("depth", [2_000, 30_000, 100_000])
def test_deeply_nested_json_is_a_400_not_a_500(
    caller: ApiCaller, settings: Any, depth: int
) -> None:
    settings.API_MAX_BODY_BYTES = 1024 * 1024  # the size limit is not what is tested here
    nested = "[" * depth + "]" * depth
    response = api(caller).post(SUBMIT_URL, nested, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_5_mb_body_is_a_json_413(caller: ApiCaller) -> None:
    payload = json.dumps({**body(caller.practitioner_clinic.clinic_id), "notes": "x" * 5_000_000})
    response = api(caller).post(SUBMIT_URL, payload, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]
    assert not EPrescription.objects.exists()


def test_an_unknown_api_address_is_a_json_404(caller: ApiCaller) -> None:
    for url in ("/api/v1/nothing/", f"{SUBMIT_URL}not-a-number/", "/api/v2/"):
        response = api(caller).get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]


def test_an_unexpected_error_is_a_json_500_with_nothing_saved(
    caller: ApiCaller, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("prescribers.api.views.eprescription_submit", broken)
    response = api(caller).post(
        SUBMIT_URL, body(caller.practitioner_clinic.clinic_id), format="json"
    )
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "nothing was saved" in response.json()["detail"]


def test_api_answers_are_not_cached(caller: ApiCaller) -> None:
    response = api(caller).post(
        SUBMIT_URL, body(caller.practitioner_clinic.clinic_id), format="json"
    )
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]


# --- Hole 9: the same external_id with a different body ------------------------------------


def test_the_same_external_id_with_a_different_body_is_a_409(caller: ApiCaller) -> None:
    clinic_id = caller.practitioner_clinic.clinic_id
    first = api(caller).post(SUBMIT_URL, body(clinic_id), format="json")
    changed = api(caller).post(SUBMIT_URL, body(clinic_id, days_supply=90), format="json")

    assert first.status_code == 201
    assert changed.status_code == 409
    assert changed.json()["prescription"] == first.json()["id"]
    assert "external_id" in changed.json()["detail"]
    assert EPrescription.objects.get().days_supply == 30


def test_a_changed_patient_detail_under_the_same_external_id_is_a_409(caller: ApiCaller) -> None:
    clinic_id = caller.practitioner_clinic.clinic_id
    api(caller).post(SUBMIT_URL, body(clinic_id), format="json")
    changed = body(clinic_id)
    changed["patient"]["phone"] = "(555) 999-0000"
    assert api(caller).post(SUBMIT_URL, changed, format="json").status_code == 409


def test_the_same_body_written_differently_is_the_same_prescription(caller: ApiCaller) -> None:
    clinic_id = caller.practitioner_clinic.clinic_id
    first = api(caller).post(SUBMIT_URL, body(clinic_id), format="json")
    again = api(caller).post(SUBMIT_URL, body(clinic_id, quantity="60.00"), format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]


def test_an_outsiders_token_cannot_be_made(db: None) -> None:
    outsider: User = UserFactory(email="outsider@example.com")
    client = Client()
    client.force_login(outsider)
    response = client.post("/practitioner/api-tokens/", {"name": "sneaky"})
    assert response.status_code == 403
    assert not outsider.prescriber_api_tokens.exists()
