from __future__ import annotations

import pytest

from access_control.demo import seed as seed_portal_access
from access_control.models import PortalGrant
from clinics.models import Patient
from family_links.demo import seed
from family_links.models import AccessLink, AccessLinkStatus
from outbox.models import Email

pytestmark = pytest.mark.django_db


def test_the_demo_links_emma_leaves_noahs_link_pending_and_can_run_twice() -> None:
    seed_portal_access()
    lines = "\n".join(seed())
    again = "\n".join(seed())
    laura = PortalGrant.objects.get(account__email="laura.bennett@example.com", relationship="self")
    records = PortalGrant.objects.filter(account=laura.account, revoked_at__isnull=True)
    assert sorted(g.patient.first_name for g in records) == ["Emma", "Laura"]
    noah = Patient.objects.get(first_name="Noah", last_name="Bennett")
    link = AccessLink.objects.get(patient=noah)
    assert link.status == AccessLinkStatus.PENDING
    assert link.sent_to == noah.email == "laura.bennett@example.com"
    assert "/link/" in lines
    assert "Enter a Medical Access Code" in lines
    assert "see Outbox > Emails" in again
    assert Email.objects.filter(purpose="family_links:access_link", patient=noah).count() == 1
