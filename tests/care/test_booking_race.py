from __future__ import annotations

import threading
from datetime import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from care.models import Appointment
from clinics.models import Clinic
from tests.access_control.database import (  # noqa: F401  (fixtures)
    staff_groups_kept,
    staff_groups_snapshot,
)
from tests.access_control.factories import PortalGrantFactory
from tests.care.factories import clinic_time, weekday_hours
from tests.conftest import require_postgresql
from tests.factories import PatientFactory, PractitionerFactory, UserFactory

RACERS = 20


# The test commits for real and so empties the database after it; the staff groups are put
# back for the tests that come after.
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("staff_groups_kept")
def test_twenty_bookings_racing_for_one_slot_make_exactly_one_appointment(clinic: Clinic) -> None:
    require_postgresql()
    practitioner = PractitionerFactory.create(clinics=[clinic])
    weekday_hours(practitioner, clinic)
    accounts = []
    for _ in range(RACERS):
        account = UserFactory.create()
        # Created after the practitioner: the clinic's default makes them available to book.
        PortalGrantFactory.create(account=account, patient=PatientFactory.create(clinic=clinic))
        accounts.append(account)
    starts_at = clinic_time(clinic, days_ahead=3, at=time(10))
    start_together = threading.Barrier(RACERS)
    outcomes: list[tuple[int, list[str]]] = []
    errors: list[BaseException] = []

    def book(account: object) -> None:
        client = Client()
        try:
            client.force_login(account)
            patient = account.portal_grants.get().patient
            start_together.wait()
            response = client.post(
                reverse("portal:care:book"),
                {
                    "patient": patient.pk,
                    "practitioner": practitioner.pk,
                    "starts_at": starts_at.isoformat(),
                },
            )
            messages = [str(m) for m in response.wsgi_request._messages]
            outcomes.append((response.status_code, messages))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(account,)) for account in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert [status for status, _ in outcomes] == [302] * RACERS
    assert Appointment.objects.filter(practitioner=practitioner, starts_at=starts_at).count() == 1
    booked = [messages for _, messages in outcomes if messages[0].startswith("Booked:")]
    taken = [messages for _, messages in outcomes if "just taken" in messages[0]]
    assert (len(booked), len(taken)) == (1, RACERS - 1)
