"""The e-prescription API and the practitioner's API tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tokens import token_digest
from clinics.models import PractitionerClinic
from clinics.services import practitioner_clinic_archive
from prescribers.errors import PrescriberError
from prescribers.models import ApiToken, EPrescription
from prescribers.services.api_tokens import api_token_create, api_token_revoke
from tests.prescribers.factories import EPrescriptionFactory

SUBMIT_URL = "/api/v1/e-prescriptions/"


def _body(clinic_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "clinic": clinic_id,
        "external_id": "EHR-1001",
        "patient": {
            "first_name": "Harold",
            "last_name": "Benson",
            "date_of_birth": "1948-07-02",
            "sex": "M",
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
        },
        "notes": "",
    }
    body.update(overrides)
    return body


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user, name='EHR').raw_token}"
    )
    return client


@pytest.fixture
def joe_api(joe: User) -> APIClient:
    return _api(joe)


def test_a_practitioner_submits_an_eprescription(
    joe: User, joe_api: APIClient, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    response = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json")

    assert response.status_code == 201
    data = response.json()
    prescription = EPrescription.objects.get()
    assert data["id"] == prescription.pk
    assert data["status"] == "received"
    assert data["clinic"] == happy_clinic.pk
    assert data["external_id"] == "EHR-1001"
    assert data["medication"]["name"] == "Metformin"
    assert data["patient"]["last_name"] == "Benson"
    assert prescription.source == "api"
    assert prescription.practitioner_clinic == joe_at_happy
    assert prescription.submitted_by == joe


def test_the_same_external_id_returns_the_existing_prescription(
    joe_api: APIClient, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    first = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json")
    again = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert EPrescription.objects.count() == 1


def test_the_status_is_returned_to_the_practitioner_who_sent_it(
    joe_api: APIClient, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    sent = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json").json()
    EPrescription.objects.filter(pk=sent["id"]).update(status="filled")

    response = joe_api.get(f"{SUBMIT_URL}{sent['id']}/")

    assert response.status_code == 200
    assert response.json()["status"] == "filled"


def test_another_practitioners_prescription_is_not_found(
    joe_api: APIClient,
    happy_clinic: Any,
    joe_at_happy: PractitionerClinic,
    other_practitioner: User,
) -> None:
    sent = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json").json()
    unrelated = EPrescriptionFactory()
    outsider_api = _api(other_practitioner)

    assert outsider_api.get(f"{SUBMIT_URL}{sent['id']}/").status_code == 404
    assert joe_api.get(f"{SUBMIT_URL}{unrelated.pk}/").status_code == 404
    assert joe_api.get(f"{SUBMIT_URL}{2**70}/").status_code == 404


def test_another_practitioners_clinic_is_a_field_error(
    joe_api: APIClient, other_practitioner: User
) -> None:
    theirs = other_practitioner.practitioner.clinic_links.get().clinic
    response = joe_api.post(SUBMIT_URL, _body(theirs.pk), format="json")
    assert response.status_code == 400
    assert "clinic" in response.json()
    assert not EPrescription.objects.exists()


def test_an_archived_clinic_is_a_field_error(
    joe: User, joe_api: APIClient, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    practitioner_clinic_archive(practitioner_clinic=joe_at_happy, archived=True, actor=joe)
    response = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk), format="json")
    assert response.status_code == 400
    assert "clinic" in response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"external_id": ""}, "external_id"),
        ({"external_id": "   "}, "external_id"),
        ({"clinic": "abc"}, "clinic"),
        ({"clinic": 2**80}, "clinic"),
        ({"patient": {"first_name": "A"}}, "patient"),
        ({"patient": "nobody"}, "patient"),
        ({"medication": {"name": "X", "quantity": "-1"}}, "medication"),
        ({"medication": None}, "medication"),
        ({"notes": "x" * 3000}, "notes"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(
    joe_api: APIClient,
    happy_clinic: Any,
    joe_at_happy: PractitionerClinic,
    change: dict[str, Any],
    field: str,
) -> None:
    response = joe_api.post(SUBMIT_URL, _body(happy_clinic.pk, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not EPrescription.objects.exists()


def test_a_birth_date_in_the_future_is_a_field_error(
    joe_api: APIClient, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    body = _body(happy_clinic.pk)
    body["patient"]["date_of_birth"] = "2999-01-01"
    response = joe_api.post(SUBMIT_URL, body, format="json")
    assert response.status_code == 400
    assert "date_of_birth" in response.json()["patient"]


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [("{not json", "application/json"), ("[]", "application/json"), ("", "application/json")],
)
def test_malformed_bodies_are_400_never_500(
    joe_api: APIClient, joe_at_happy: PractitionerClinic, payload: str, content_type: str
) -> None:
    response = joe_api.post(SUBMIT_URL, payload, content_type=content_type)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Token abc", "Bearer a b", "Bearer \u00e9t\u00e9"],
)
def test_a_missing_or_invalid_token_is_401(
    db: None, header: str | None, joe_at_happy: PractitionerClinic
) -> None:
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(SUBMIT_URL, _body(1), format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get(f"{SUBMIT_URL}1/").status_code == 401


def test_a_revoked_token_is_401(
    joe: User, happy_clinic: Any, joe_at_happy: PractitionerClinic
) -> None:
    new = api_token_create(user=joe, name="EHR")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {new.raw_token}")
    api_token_revoke(token=new.token, actor=joe)
    assert client.post(SUBMIT_URL, _body(happy_clinic.pk), format="json").status_code == 401


def test_a_signed_in_browser_session_does_not_authenticate_the_api(joe_client: Client) -> None:
    assert joe_client.get(f"{SUBMIT_URL}1/").status_code == 401


def test_the_schema_and_the_docs_describe_the_api(client: Client, db: None) -> None:
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    spec = schema.json()
    assert "/api/v1/e-prescriptions/" in spec["paths"]
    assert "/api/v1/e-prescriptions/{prescription_id}/" in spec["paths"]
    assert spec["components"]["securitySchemes"]["practitionerApiToken"]["scheme"] == "bearer"
    assert client.get("/api/docs/").status_code == 200


# --- API tokens in the portal --------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(joe: User, joe_client: Client) -> None:
    created = joe_client.post(reverse("practitioner:api_tokens"), {"name": "Our EHR"})

    raw = created.context["new_token"].raw_token
    token = ApiToken.objects.get()
    assert raw in created.content.decode()
    assert token.token_hash == token_digest(raw)
    assert raw not in {token.token_hash, token.name}
    later = joe_client.get(reverse("practitioner:api_tokens")).content.decode()
    assert "Our EHR" in later
    assert raw not in later
    assert f"{token.prefix}…" in later


def test_a_token_needs_a_name(joe_client: Client) -> None:
    response = joe_client.post(reverse("practitioner:api_tokens"), {"name": "  "})
    assert "name" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_practitioner_revokes_only_their_own_tokens(
    joe: User, joe_client: Client, other_practitioner: User
) -> None:
    mine = api_token_create(user=joe, name="Mine").token
    theirs = api_token_create(user=other_practitioner, name="Theirs").token

    url = reverse("practitioner:api_token_revoke", args=[theirs.pk])
    assert joe_client.post(url).status_code == 404
    joe_client.post(reverse("practitioner:api_token_revoke", args=[mine.pk]))

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_a_patient_account_cannot_have_a_token(outsider: User) -> None:
    with pytest.raises(PrescriberError):
        api_token_create(user=outsider, name="sneaky")
    assert not ApiToken.objects.exists()
