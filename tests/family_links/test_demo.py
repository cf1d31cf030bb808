from __future__ import annotations

import pytest

from access_control.demo import seed as seed_portal_access
from access_control.models import PortalGrant
from accounts.tokens import TokenStatus
from clinics.models import Patient
from family_links.demo import seed
from family_links.models import AccessLink
from outbox.models import Email

pytestmark = pytest.mark.django_db


def test_the_demo_links_emma_and_every_run_prints_a_usable_link_for_noah() -> None:
    seed_portal_access()
    lines = "\n".join(seed())
    again = "\n".join(seed())
    laura = PortalGrant.objects.get(account__email="laura.bennett@example.com", relationship="self")
    records = PortalGrant.objects.filter(account=laura.account, revoked_at__isnull=True)
    assert sorted(g.patient.first_name for g in records) == ["Emma", "Laura"]
    noah = Patient.objects.get(first_name="Noah", last_name="Bennett")
    first, latest = AccessLink.objects.filter(patient=noah).order_by("pk")
    assert first.status == TokenStatus.SUPERSEDED
    assert latest.status == TokenStatus.PENDING
    assert latest.sent_to == noah.email == "laura.bennett@example.com"
    for printed in (lines, again):
        assert "/link/" in printed
        assert "Enter a Medical Access Code" in printed
    assert lines.split("/link/")[1][:20] != again.split("/link/")[1][:20]
    assert Email.objects.filter(purpose="family_links:access_link", patient=noah).count() == 2
