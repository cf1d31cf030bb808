"""grant_create is the one writer of PortalGrant, and it enforces every rule of the policy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from access_control.events import AccessControlEvent
from access_control.models import GrantScope, GrantSource, PortalGrant, Relationship
from access_control.policy import STAFF_HOLD_NO_RECORDS, portal_account_is_staff
from access_control.services import (
    PortalAccessError,
    account_create_manually,
    grant_create,
    invitation_accept,
    invitation_send,
)
from accounts.models import User
from audit.models import AuditEvent
from clinics.models import Patient
from tests.access_control.factories import PortalGrantFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The module allowed to write PortalGrant rows.
GRANT_WRITER = Path("access_control/services/grants.py")
# Queryset and manager methods that write rows.
WRITE_METHODS = frozenset(
    {"create", "bulk_create", "get_or_create", "update_or_create", "update", "bulk_update"}
)
_SKIPPED_PARTS = frozenset({".venv", "migrations", "tests", "node_modules", "bench"})


def _portal_grant_writes(source: str) -> list[int]:
    """Lines that build a PortalGrant or call a writing method on a chain from PortalGrant."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "PortalGrant":
            lines.append(node.lineno)
            continue
        if not (isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS):
            continue
        chain: ast.AST = node.func.value
        while isinstance(chain, ast.Attribute | ast.Call):
            chain = chain.value if isinstance(chain, ast.Attribute) else chain.func
        if isinstance(chain, ast.Name) and chain.id == "PortalGrant":
            lines.append(node.lineno)
    return sorted(lines)


def test_the_scan_finds_every_way_of_writing_a_grant() -> None:
    source = (
        "PortalGrant.objects.create(account=a)\n"
        "PortalGrant(account=a).save()\n"
        "PortalGrant.objects.filter(pk=1).update(scope='full')\n"
        "PortalGrant.objects.get_or_create(account=a)\n"
        "PortalGrant.objects.filter(pk=1).exists()\n"
    )
    assert _portal_grant_writes(source) == [1, 2, 3, 4]


def test_no_module_but_the_grant_service_writes_portal_grants() -> None:
    root = Path(settings.BASE_DIR)
    writers = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if _SKIPPED_PARTS & set(relative.parts) or relative == GRANT_WRITER:
            continue
        lines = _portal_grant_writes(path.read_text())
        if lines:
            writers[str(relative)] = lines
    assert not writers, f"PortalGrant written outside {GRANT_WRITER}: {writers}"


def test_the_manual_account_and_the_invitation_go_through_the_grant_service(
    clinic_staff: User, patient: Patient
) -> None:
    grant = account_create_manually(
        patient=patient,
        username="kiosk.desk",
        password="a long desk password 42",
        scope=GrantScope.FORMS_ONLY,
        actor=clinic_staff,
    )
    assert (grant.scope, grant.source, grant.granted_by) == (
        GrantScope.FORMS_ONLY,
        GrantSource.STAFF,
        clinic_staff,
    )
    event = AuditEvent.objects.get(action=AccessControlEvent.GRANT_CREATED, object_id=str(grant.pk))
    assert event.details["scope"] == GrantScope.FORMS_ONLY


def test_it_refuses_a_staff_account_whatever_the_source(
    clinic_staff: User, patient: Patient
) -> None:
    for source in GrantSource:
        with pytest.raises(PortalAccessError, match=STAFF_HOLD_NO_RECORDS):
            grant_create(
                account=clinic_staff,
                patient=patient,
                relationship=Relationship.SELF,
                source=source,
                actor=clinic_staff,
            )
    assert not PortalGrant.objects.filter(account=clinic_staff).exists()


def test_it_refuses_a_relationship_or_scope_not_in_the_list(patient: Patient) -> None:
    account = UserFactory.create()
    for relationship, scope in (("cousin", GrantScope.FULL), (Relationship.SELF, "everything")):
        with pytest.raises(PortalAccessError, match="from the list"):
            grant_create(
                account=account,
                patient=patient,
                relationship=relationship,
                source=GrantSource.STAFF,
                actor=None,
                scope=scope,
            )
    assert not PortalGrant.objects.filter(patient=patient).exists()


def test_an_invitation_widens_a_forms_only_grant_once_and_keeps_one_grant(
    clinic_staff: User, patient: Patient
) -> None:
    account = UserFactory.create(email=patient.email)
    PortalGrantFactory.create(account=account, patient=patient, scope=GrantScope.FORMS_ONLY)
    sent = invitation_send(patient=patient, actor=clinic_staff)
    grant = invitation_accept(token=sent.token, account=account, relationship=Relationship.SELF)
    assert grant.scope == GrantScope.FULL
    assert PortalGrant.objects.filter(patient=patient, revoked_at__isnull=True).count() == 1
    assert AuditEvent.objects.get(action=AccessControlEvent.GRANT_CREATED).details["scope_upgraded"]


def test_staff_hold_no_portal_records_is_one_rule(clinic_staff: User, outsider: User) -> None:
    assert portal_account_is_staff(user=clinic_staff)
    assert not portal_account_is_staff(user=outsider)


def test_a_staff_account_cannot_accept_a_portal_invitation_sent_to_its_address(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    patient.email = clinic_staff.email
    patient.save(update_fields=["email"])
    sent = invitation_send(patient=patient, actor=clinic_staff)
    client.force_login(clinic_staff)
    url = reverse("access_control:invitation_accept", args=[sent.token])
    response = client.post(url, {"relationship": "self"})
    assert response.status_code == 403
    assert STAFF_HOLD_NO_RECORDS in response.content.decode()
    assert not PortalGrant.objects.filter(account=clinic_staff).exists()
