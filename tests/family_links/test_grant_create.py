"""access_control's grant_create, which redeeming a link uses."""

from __future__ import annotations

import pytest

from access_control.events import AccessControlEvent
from access_control.models import GrantScope, GrantSource, PortalGrant, Relationship
from access_control.services import PortalAccessError, grant_create, patient_block
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Patient
from tests.access_control.factories import PortalGrantFactory

pytestmark = pytest.mark.django_db


def test_it_gives_full_access_and_audits_it(holder: User, child: Patient) -> None:
    grant = grant_create(
        account=holder,
        patient=child,
        relationship=Relationship.CAREGIVER,
        source=GrantSource.ACCESS_LINK,
        actor=holder,
    )
    assert (grant.scope, grant.relationship, grant.source) == (
        GrantScope.FULL,
        Relationship.CAREGIVER,
        GrantSource.ACCESS_LINK,
    )
    assert grant.granted_by is None  # not given by staff
    event = AuditEvent.objects.get(action=AccessControlEvent.GRANT_CREATED)
    assert event.details["already_held"] is False


def test_an_account_already_holding_the_record_in_full_keeps_its_grant(
    holder: User, child: Patient
) -> None:
    held = PortalGrantFactory.create(account=holder, patient=child, relationship="parent")
    grant = grant_create(
        account=holder,
        patient=child,
        relationship=Relationship.OTHER,
        source=GrantSource.ACCESS_LINK,
        actor=holder,
    )
    assert grant.pk == held.pk
    assert (grant.scope, grant.relationship) == (GrantScope.FULL, Relationship.PARENT)
    assert PortalGrant.objects.filter(patient=child).count() == 1
    assert AuditEvent.objects.get(action=AccessControlEvent.GRANT_CREATED).details["already_held"]


def test_it_refuses_to_widen_a_forms_only_grant(holder: User, child: Patient) -> None:
    PortalGrantFactory.create(
        account=holder, patient=child, relationship="parent", scope=GrantScope.FORMS_ONLY
    )
    with pytest.raises(PortalAccessError, match="intake forms only"):
        grant_create(
            account=holder,
            patient=child,
            relationship=Relationship.PARENT,
            source=GrantSource.ACCESS_LINK,
            actor=holder,
        )
    assert PortalGrant.objects.get(patient=child).scope == GrantScope.FORMS_ONLY
    assert not AuditEvent.objects.filter(action=AccessControlEvent.GRANT_CREATED).exists()


def test_it_refuses_a_blocked_record(holder: User, child: Patient, clinic_staff: User) -> None:
    patient_block(patient=child, actor=clinic_staff)
    with pytest.raises(PortalAccessError, match="blocked"):
        grant_create(
            account=holder,
            patient=child,
            relationship=Relationship.PARENT,
            source=GrantSource.ACCESS_LINK,
            actor=holder,
        )
    assert not PortalGrant.objects.filter(patient=child).exists()
