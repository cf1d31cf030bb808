"""Simultaneous requests on PostgreSQL, with real threads: the rules hold under a race."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from clinics.models import PractitionerClinic
from prescribers.errors import InvitationUnusable, LinkConflict
from prescribers.models import EPrescription, PrescriberProfile, PrescriptionSource, ProfileStatus
from prescribers.services.eprescriptions import eprescription_submit
from prescribers.services.invitations import (
    practitioner_invitation_accept,
    practitioner_invitation_send,
)
from prescribers.services.profiles import prescriber_link
from tests.conftest import require_postgresql
from tests.outbox.helpers import email_live_text
from tests.prescribers.factories import PrescriberProfileFactory, medication, new_patient

pytestmark = pytest.mark.django_db(transaction=True)
RACERS = 4


def _race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Runs the calls at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_one_active_profile_per_pair_holds_when_links_race(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    require_postgresql()
    profiles = [PrescriberProfileFactory(npi=joe.practitioner.npi) for _ in range(RACERS)]

    results = _race(
        [
            lambda profile=profile: prescriber_link(
                profile=profile, account=joe, practitioner_clinic=joe_at_happy, actor=None
            )
            for profile in profiles
        ]
    )

    winners = [r for r in results if isinstance(r, PrescriberProfile)]
    assert len(winners) == 1, results
    assert all(isinstance(r, LinkConflict) for r in results if r not in winners), results
    linked = PrescriberProfile.objects.filter(
        practitioner_clinic=joe_at_happy, status=ProfileStatus.ACTIVE
    )
    assert list(linked) == winners


def test_first_prescriptions_racing_from_an_unlinked_pair_make_one_profile(
    joe: User, joe_at_southern: PractitionerClinic
) -> None:
    require_postgresql()

    results = _race(
        [
            lambda index=index: eprescription_submit(
                user=joe,
                practitioner_clinic=joe_at_southern,
                patient=new_patient(first_name=f"Patient{index}"),
                medication=medication(),
                source=PrescriptionSource.PORTAL,
            )
            for index in range(RACERS)
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert PrescriberProfile.objects.filter(created_automatically=True).count() == 1
    profile = PrescriberProfile.objects.get()
    assert profile.practitioner_clinic == joe_at_southern
    assert profile.prescriptions.count() == RACERS


def test_the_same_external_id_racing_is_one_prescription(
    joe: User, joe_at_happy: PractitionerClinic
) -> None:
    require_postgresql()

    results = _race(
        [
            lambda: eprescription_submit(
                user=joe,
                practitioner_clinic=joe_at_happy,
                patient=new_patient(),
                medication=medication(),
                external_id="EHR-RACE",
                source=PrescriptionSource.API,
            )
            for _ in range(RACERS)
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert EPrescription.objects.count() == 1
    assert sum(r.created for r in results) == 1
    assert {r.prescription.pk for r in results} == {EPrescription.objects.get().pk}


def test_two_clicks_on_one_invitation_make_one_account() -> None:
    require_postgresql()
    profile = PrescriberProfileFactory(first_name="Dana", last_name="Reyes", clinic_name="Bloom")
    invitation = practitioner_invitation_send(
        profile=profile, email="dana.reyes@example.com", actor=None
    )
    assert invitation.message is not None
    raw = email_live_text(invitation.message).split("/practitioner/invitations/")[1].split("/")[0]

    results = _race(
        [
            lambda: practitioner_invitation_accept(raw_token=raw, password="Sunny-Prescriber-2031")
            for _ in range(RACERS)
        ]
    )

    accounts = [r for r in results if isinstance(r, User)]
    assert len(accounts) == 1, results
    assert all(isinstance(r, InvitationUnusable) for r in results if r not in accounts), results
    assert User.objects.filter(email="dana.reyes@example.com").count() == 1
