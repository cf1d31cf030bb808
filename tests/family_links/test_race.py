"""Two redemptions of one link at the same moment: only one can win (real threads on PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from access_control.models import PortalGrant, Relationship
from accounts.models import User
from accounts.tokens import TokenStatus
from clinics.models import Clinic
from family_links.models import AccessLink
from family_links.services import AccessLinkNotValid, access_link_redeem
from tests.conftest import require_postgresql
from tests.factories import PatientFactory, UserFactory
from tests.family_links.factories import AccessLinkFactory

pytestmark = pytest.mark.django_db(transaction=True)

BORN = date(2015, 9, 3)


def _redeem_at_once(token: str, accounts: list[User]) -> list[str]:
    barrier = threading.Barrier(len(accounts))
    outcomes: list[str] = []

    def redeem(account: User) -> None:
        try:
            barrier.wait(timeout=10)
            access_link_redeem(
                token=token, account=account, relationship=Relationship.PARENT, date_of_birth=BORN
            )
            outcomes.append("linked")
        except AccessLinkNotValid:
            outcomes.append("refused")
        except Exception as error:  # any other outcome fails the assertion
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=redeem, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_accounts_redeeming_at_once_make_one_access(clinic: Clinic) -> None:
    require_postgresql()
    child = PatientFactory.create(clinic=clinic, date_of_birth=BORN)
    AccessLinkFactory.create(patient=child, token="race")
    accounts = [UserFactory.create(), UserFactory.create()]
    assert _redeem_at_once("race", accounts) == ["linked", "refused"]
    grant = PortalGrant.objects.get(patient=child)
    link = AccessLink.objects.get()
    assert link.status == TokenStatus.USED
    assert link.used_by == grant.account


def test_one_account_double_clicking_gets_one_access(clinic: Clinic) -> None:
    require_postgresql()
    child = PatientFactory.create(clinic=clinic, date_of_birth=BORN)
    AccessLinkFactory.create(patient=child, token="double-click")
    account = UserFactory.create()
    assert _redeem_at_once("double-click", [account, account]) == ["linked", "refused"]
    assert PortalGrant.objects.filter(patient=child, account=account).count() == 1
