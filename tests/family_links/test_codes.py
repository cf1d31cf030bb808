"""Enter a Medical Access Code: /portal/profiles/add/."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import GrantSource, PortalGrant, Relationship
from accounts.models import User
from accounts.tokens import TokenStatus
from audit.models import AuditEvent
from clinics.models import Patient
from family_links.codes import code_format
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink, ClinicLinkSettings
from family_links.services import access_link_generate
from tests.factories import UserFactory
from tests.family_links.factories import AccessLinkFactory

pytestmark = pytest.mark.django_db

ADD = "/portal/profiles/add/"
CODE = "ABCDEFGHJK"
EMMA_BORN = date(2015, 9, 3)


@pytest.fixture
def link(child: Patient) -> AccessLink:
    return AccessLinkFactory.create(patient=child, code=CODE)


def _enter(client: Client, code: str = CODE, born: date = EMMA_BORN) -> Any:
    data = {"code": code, "date_of_birth": born.isoformat(), "relationship": "parent"}
    return client.post(ADD, data)


def test_the_page_asks_for_the_code_the_date_of_birth_and_the_relationship(
    holder_client: Client,
) -> None:
    html = holder_client.get(ADD).content.decode()
    assert "Enter a Medical Access Code" in html
    for name in ("code", "date_of_birth", "relationship"):
        assert f'name="{name}"' in html
    assert reverse("portal:profiles:add_code") == ADD


def test_the_code_adds_the_record_however_it_is_typed(
    holder_client: Client, holder: User, link: AccessLink, child: Patient
) -> None:
    response = _enter(holder_client, code=" abcd-efgh jk ")
    assert response["Location"] == reverse("portal:profiles:profile", args=[child.pk])
    grant = PortalGrant.objects.get(account=holder, patient=child)
    assert (grant.source, grant.relationship) == (GrantSource.ACCESS_LINK, Relationship.PARENT)
    link.refresh_from_db()
    assert link.status == TokenStatus.USED
    assert AuditEvent.objects.get(action=FamilyLinksEvent.LINK_REDEEMED).details["via"] == "code"


def test_a_generated_code_works(holder_client: Client, clinic_staff: User, child: Patient) -> None:
    code = access_link_generate(patient=child, actor=clinic_staff).code
    assert code == code_format(code)
    assert _enter(holder_client, code=code).status_code == 302


def test_a_wrong_date_of_birth_is_refused_and_counts_towards_the_lock(
    holder_client: Client, link: AccessLink
) -> None:
    html = _enter(holder_client, born=date(2015, 3, 9)).content.decode()
    assert "This date of birth does not match the record. You have 4 more tries." in html
    link.refresh_from_db()
    assert link.failed_checks == 1
    assert not PortalGrant.objects.filter(patient=link.patient).exists()


def test_a_code_asks_the_date_of_birth_even_where_links_do_not(
    holder_client: Client, link: AccessLink, clinic: Any
) -> None:
    ClinicLinkSettings.objects.create(clinic=clinic, require_date_of_birth=False)
    assert _enter(holder_client, born=date(2000, 1, 1)).status_code == 200
    assert not PortalGrant.objects.filter(patient=link.patient).exists()


@pytest.mark.parametrize("code", ["ABCDEFGHJM", "ABCD-EFGH", "expired", "revoked", "used"], ids=str)
def test_a_wrong_expired_revoked_or_used_code_says_so_and_adds_nothing(
    holder_client: Client, child: Patient, holder: User, code: str
) -> None:
    states = {
        "expired": {"expires_at": timezone.now() - timedelta(seconds=1)},
        "revoked": {"revoked_at": timezone.now()},
        "used": {"used_at": timezone.now(), "used_by": UserFactory.create()},
    }
    AccessLinkFactory.create(patient=child, code=CODE, **states.get(code, {}))
    html = _enter(holder_client, code=CODE if code in states else code).content.decode()
    assert "A Medical Access Code has 10 characters." in html or "This code is not valid" in html
    assert not PortalGrant.objects.filter(account=holder, patient=child).exists()


def test_an_account_may_try_only_so_many_codes(
    holder_client: Client, link: AccessLink, settings: Any
) -> None:
    settings.ACCESS_CODE_ATTEMPTS_PER_ACCOUNT = 3
    for _ in range(3):
        assert "This code is not valid" in _enter(holder_client, code="ZZZZZZZZZZ").content.decode()
    html = _enter(holder_client).content.decode()  # even the right code, now
    assert "Too many codes were tried" in html
    assert not PortalGrant.objects.filter(patient=link.patient).exists()


def test_an_address_may_try_only_so_many_codes_whichever_account(
    link: AccessLink, settings: Any
) -> None:
    settings.ACCESS_CODE_ATTEMPTS_PER_IP = 2
    accounts = [UserFactory.create() for _ in range(3)]
    clients = []
    for account in accounts:
        client = Client(REMOTE_ADDR="203.0.113.9")
        client.force_login(account)
        clients.append(client)
    for client in clients[:2]:
        assert "This code is not valid" in _enter(client, code="ZZZZZZZZZZ").content.decode()
    assert "Too many codes were tried" in _enter(clients[2]).content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    elsewhere.force_login(accounts[2])
    assert _enter(elsewhere).status_code == 302


def test_staff_accounts_cannot_enter_codes(staff_client: Client, link: AccessLink) -> None:
    assert staff_client.get(ADD).status_code == 403
    assert _enter(staff_client).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    assert client.get(ADD)["Location"].startswith(reverse("account_login"))
