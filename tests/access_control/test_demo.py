from __future__ import annotations

import pytest

from access_control.demo import seed
from access_control.models import GrantScope, PortalGrant
from access_control.selectors import invitations_pending, patient_is_blocked
from clinics.demo import DEMO_PASSWORD
from clinics.models import Patient

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_portal_access_workflow_and_can_run_twice() -> None:
    seed()
    seed()
    laura = PortalGrant.objects.get(patient__first_name="Laura", patient__last_name="Bennett")
    assert laura.account.email == "laura.bennett@example.com"
    assert laura.account.check_password(DEMO_PASSWORD)
    walter = Patient.objects.get(first_name="Walter")
    assert invitations_pending(patient=walter).count() == 1
    assert [p.last_name for p in walter.portal_settings.available_practitioners.all()] == ["Patel"]
    test_profile = PortalGrant.objects.get(account__username="test.patient")
    assert test_profile.patient.is_test_profile
    assert test_profile.account.must_change_password
    tablet = PortalGrant.objects.get(account__username="noah.intake")
    assert tablet.scope == GrantScope.FORMS_ONLY
    assert patient_is_blocked(patient=Patient.objects.get(first_name="Tom"))
