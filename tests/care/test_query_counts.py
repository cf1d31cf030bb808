"""The portal's content pages cost the same queries for one linked record or ten, each with
many documents, appointments, plans and forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access_control.models import Relationship
from accounts.models import User
from clinics.models import Clinic, Practitioner
from tests.access_control.factories import PortalGrantFactory
from tests.care.factories import (
    AppointmentFactory,
    DocumentFactory,
    FormAssignmentFactory,
    FormTemplateFactory,
    PlanItemFactory,
    TreatmentPlanFactory,
)
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

ITEMS_PER_RECORD = 3

# Per page: its queries (session, user, the middleware's portal-access check, then the page's
# own reads, then the one INSERT of its "viewed" audit events, however many records it shows),
# and what it shows once per item.
PAGES = {
    "portal:care:documents": (6, "/download/"),
    "portal:care:appointments": (7, 'class="card care-item"'),
    "portal:care:plans": (7, 'class="card care-plan"'),
    "portal:care:forms": (6, 'class="card care-item"'),
}


def _account_with_records(clinic: Clinic, practitioner: Practitioner, records: int) -> User:
    account = UserFactory.create()
    now = timezone.now()
    templates = [FormTemplateFactory.create(clinic=clinic) for _ in range(ITEMS_PER_RECORD)]
    for index in range(records):
        patient = PatientFactory.create(clinic=clinic)
        PortalGrantFactory.create(
            account=account,
            patient=patient,
            relationship=Relationship.SELF if index == 0 else Relationship.PARENT,
        )
        for item in range(ITEMS_PER_RECORD):
            DocumentFactory.create(patient=patient)
            offset = timedelta(days=2 + item, minutes=30 * index)
            AppointmentFactory.create(
                patient=patient, practitioner=practitioner, starts_at=now + offset
            )
            AppointmentFactory.create(
                patient=patient, practitioner=practitioner, starts_at=now - offset
            )
            plan = TreatmentPlanFactory.create(patient=patient, practitioner=practitioner)
            PlanItemFactory.create_batch(2, plan=plan)
            FormAssignmentFactory.create(
                patient=patient,
                template=templates[item],
                due_date=timezone.localdate() + timedelta(days=item - 1),
            )
    return account


@pytest.mark.parametrize("records", [1, 10])
@pytest.mark.parametrize("url_name", PAGES)
def test_a_content_page_costs_the_same_queries_for_one_record_or_ten(
    client: Client,
    clinic: Clinic,
    patel: Practitioner,
    records: int,
    url_name: str,
    django_assert_num_queries: Any,
) -> None:
    queries, per_item = PAGES[url_name]
    client.force_login(_account_with_records(clinic, patel, records))
    url = reverse(url_name)
    client.get(url)  # the session's first request stamps it

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count(per_item) == records * ITEMS_PER_RECORD
