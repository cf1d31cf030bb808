"""/portal/: the records an account can reach, a card each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from access_control.models import GrantScope, Relationship
from accounts.models import User
from clinics.models import Clinic, Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import PASSWORD, PatientFactory

pytestmark = pytest.mark.django_db

HOME = "/portal/"


def test_it_asks_an_anonymous_visitor_to_sign_in(client: Client) -> None:
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/portal/"


def test_it_shows_a_card_per_record_with_name_clinic_relationship_and_test_badge(
    client: Client, own_account: User, patient: Patient, clinic: Clinic
) -> None:
    child = PatientFactory.create(
        clinic=clinic, first_name="Emma", last_name="Bennett", is_test_profile=True
    )
    PortalGrantFactory.create(account=own_account, patient=child, relationship=Relationship.PARENT)
    client.force_login(own_account)
    html = client.get(HOME).content.decode()
    assert html.count('class="card record-card"') == 2
    assert "Laura Bennett" in html
    assert "Emma Bennett" in html
    assert "Northside Family Clinic" in html
    assert ">You<" in html
    assert ">Parent<" in html
    assert html.count("Test profile") == 1
    assert reverse("portal:record", args=[child.pk]) in html


def test_the_header_carries_the_clinics_name(client: Client, own_account: User) -> None:
    client.force_login(own_account)
    assert "Northside Family Clinic · Patient Portal" in client.get(HOME).content.decode()


def test_an_outsider_sees_no_records(client: Client, outsider: User, own_account: User) -> None:
    client.force_login(outsider)
    html = client.get(HOME).content.decode()
    assert "No records yet" in html
    assert "Laura Bennett" not in html


def test_a_record_page_shows_the_record_to_an_account_with_access(
    client: Client, own_account: User, patient: Patient
) -> None:
    client.force_login(own_account)
    html = client.get(reverse("portal:record", args=[patient.pk])).content.decode()
    assert patient.full_name in html
    assert patient.email in html
    assert "(555) 010-2000" in html


@pytest.mark.parametrize("who", ["outsider", "clinic_staff", "other_clinic_staff"])
def test_nobody_else_may_open_the_record(
    who: str, request: pytest.FixtureRequest, client: Client, own_account: User, patient: Patient
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portal:record", args=[patient.pk])).status_code == 404


def test_a_forms_only_record_cannot_be_opened(client: Client, patient: Patient) -> None:
    account = PortalGrantFactory.create(patient=patient, scope=GrantScope.FORMS_ONLY).account
    client.force_login(account)
    assert client.get(reverse("portal:record", args=[patient.pk])).status_code == 403


def test_a_forms_only_account_is_pointed_from_home_to_its_forms(
    client: Client, patient: Patient
) -> None:
    account = PortalGrantFactory.create(patient=patient, scope=GrantScope.FORMS_ONLY).account
    client.force_login(account)
    html = client.get(HOME).content.decode()
    assert f"{reverse('portal:care:forms')}?member={patient.pk}" in html
    assert reverse("portal:record", args=[patient.pk]) not in html


@pytest.mark.parametrize("records", [1, 10])
def test_the_home_page_costs_the_same_queries_for_one_record_or_ten(
    records: int,
    client: Client,
    account_with_records: Callable[[int], User],
    django_assert_num_queries: Any,
) -> None:
    client.force_login(account_with_records(records))
    client.get(HOME)  # the session's first request stamps it
    # session, user, the account's standing (own record blocked? kiosk?), the grants with
    # patients and clinics
    with django_assert_num_queries(4):
        response = client.get(HOME)
    assert response.content.decode().count('class="card record-card"') == records


def test_the_root_page_sends_a_signed_in_patient_to_the_portal(
    client: Client, own_account: User
) -> None:
    client.force_login(own_account)
    assert client.get("/")["Location"] == HOME


def test_signing_in_lands_in_the_portal(client: Client, own_account: User) -> None:
    response = client.post(
        reverse("account_login"), {"login": "laura@example.com", "password": PASSWORD}
    )
    assert response["Location"] == HOME


def test_signing_in_by_username_works_too(client: Client, patient: Patient) -> None:
    account = PortalGrantFactory.create(
        patient=patient, account__email=None, account__username="bennett.front"
    ).account
    response = client.post(
        reverse("account_login"), {"login": "bennett.front", "password": PASSWORD}
    )
    assert response["Location"] == HOME
    assert client.session["_auth_user_id"] == str(account.pk)
