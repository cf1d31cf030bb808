"""Bad input to the Portal Access actions, and live links in the staff outbox."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from access_control.services import invitation_send
from accounts.models import User
from clinics.models import Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "field", "value"),
    [
        ("revoke-grant", "grant", "abc"),
        ("revoke-invitation", "invitation", ""),
        ("revoke-grant", "grant", "-1"),
    ],
)
def test_it_answers_404_not_500_for_a_malformed_id(
    client: Client, clinic_staff: User, patient: Patient, action: str, field: str, value: str
) -> None:
    grant = PortalGrantFactory(account=UserFactory(), patient=patient)
    client.force_login(clinic_staff)
    url = reverse("admin:clinics_patient_portal_access_action", args=[patient.pk, action])
    assert client.post(url, {field: value}).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def _email_page(client: Client, user: User, patient: Patient) -> tuple[str, str]:
    sent = invitation_send(patient=patient, actor=user)
    client.force_login(user)
    url = reverse("admin:outbox_email_change", args=[sent.invitation.email_message_id])
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), sent.token


def test_staff_read_an_invitation_in_the_outbox_without_its_live_link(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    content, token = _email_page(client, clinic_staff, patient)
    assert token not in content
    assert "hidden until sent" in content  # the body is shown, the link sealed
    assert patient.email in content  # the row itself stays readable
