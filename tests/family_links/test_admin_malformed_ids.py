"""The Medical Access Code tab's POST steps take a link id from the form: anything but a whole
number is a clear 404, never a 500, and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tokens import TokenStatus
from clinics.models import Patient
from family_links.models import AccessLink
from family_links.services import access_link_generate
from outbox.models import Email

pytestmark = pytest.mark.django_db


def _step(patient: Patient, step: str) -> str:
    return reverse(f"admin:clinics_patient_access_code_{step}", args=[patient.pk])


@pytest.mark.parametrize("step", ["send", "revoke"])
@pytest.mark.parametrize("link_id", ["abc", "1.5", "-1", "1 OR 1=1", "", "²", "٣"])
def test_a_malformed_link_id_is_a_404_not_a_500(
    staff_client: Client, child: Patient, clinic_staff: User, step: str, link_id: str
) -> None:
    generated = access_link_generate(patient=child, actor=clinic_staff)

    response = staff_client.post(
        _step(child, step), {"link": link_id, "token": generated.token, "confirm": "yes"}
    )

    assert response.status_code == 404
    link = AccessLink.objects.get(pk=generated.link.pk)
    assert link.status == TokenStatus.PENDING
    assert not Email.objects.exists()


def test_a_missing_link_id_is_a_404(staff_client: Client, child: Patient) -> None:
    assert staff_client.post(_step(child, "revoke"), {}).status_code == 404
