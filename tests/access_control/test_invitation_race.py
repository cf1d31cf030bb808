"""Two submissions of one invitation at the same moment: only one can win."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from access_control.models import PortalGrant
from access_control.services import InvitationNotValid, invitation_accept_new_account
from accounts.models import User
from clinics.models import Clinic
from tests.access_control.database import (  # noqa: F401  (fixtures)
    staff_groups_kept,
    staff_groups_snapshot,
)
from tests.access_control.factories import PortalInvitationFactory
from tests.conftest import require_postgresql
from tests.factories import PatientFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("staff_groups_kept"),
]


def test_two_simultaneous_acceptances_create_one_account_and_one_access(clinic: Clinic) -> None:
    require_postgresql()
    patient = PatientFactory.create(clinic=clinic)
    PortalInvitationFactory.create(patient=patient, token="race")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait(timeout=10)
            invitation_accept_new_account(token="race", password="Blue-Meadow-Lantern-7")
            outcomes.append("accepted")
        except InvitationNotValid:
            outcomes.append("refused")
        except Exception as error:  # any other outcome fails the assertion below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["accepted", "refused"]
    assert User.objects.filter(email=patient.email).count() == 1
    assert PortalGrant.objects.filter(patient=patient).count() == 1
