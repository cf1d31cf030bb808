"""The least-privilege PostgreSQL roles of the README, built from the very SQL that
`manage.py audit_db_roles` prints: the app role appends to the audit log and can do nothing else
to it, yet writes every other table; TRUNCATE is refused even to the table's owner.

Roles are per cluster, so each run uses new names; everything happens inside the test's
transaction, so the roles and grants are gone when it rolls back. `SET ROLE` makes this
connection act as the role: PostgreSQL checks privileges and ownership against it exactly as
for a connection signed in as that role.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.db_roles import db_roles_create_sql, db_roles_grant_sql
from audit.models import AuditEvent
from audit.services import audit_record
from care.events import CareEvent
from clinics.models import Patient
from tests.conftest import require_postgresql
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str


def _run(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _refused(sql: str, match: str) -> None:
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        _run(sql)


@pytest.fixture
def roles() -> Iterator[Roles]:
    require_postgresql()
    suffix = uuid.uuid4().hex[:12]
    made = Roles(owner=f"test_owner_{suffix}", app=f"test_app_{suffix}")
    database = connection.settings_dict["NAME"]
    # Rows written earlier in this transaction keep their foreign-key checks pending, and
    # PostgreSQL refuses ALTER TABLE and TRUNCATE on a table with pending checks: run them now.
    _run("SET CONSTRAINTS ALL IMMEDIATE")
    _run(db_roles_create_sql(owner=made.owner, app=made.app, database=database))
    # As if the owner had run the migrations: it owns the audit table.
    _run(f"ALTER TABLE {AuditEvent._meta.db_table} OWNER TO {made.owner}")
    _run(db_roles_grant_sql(app=made.app))
    yield made
    _run("RESET ROLE")
    for kind in ("TABLES", "SEQUENCES"):
        _run(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {made.owner} IN SCHEMA public "
            f"REVOKE ALL ON {kind} FROM {made.app}"
        )
    _run(f"REASSIGN OWNED BY {made.owner}, {made.app} TO CURRENT_USER")
    _run(f"DROP OWNED BY {made.owner}, {made.app}")
    _run(f"DROP ROLE {made.app}, {made.owner}")


@pytest.fixture
def patient_on_file() -> Patient:
    return PatientFactory()


def test_the_app_role_appends_to_the_audit_log_and_nothing_more(
    roles: Roles, patient_on_file: Patient
) -> None:
    table = AuditEvent._meta.db_table  # a fixed model name: nothing typed reaches the SQL
    _run(f"SET ROLE {roles.app}")

    event = audit_record(actor=None, action=CareEvent.VIEWED_BY_STAFF, patient=patient_on_file)
    assert AuditEvent.objects.filter(pk=event.pk).exists()

    _refused(f"UPDATE {table} SET action = 'tampered'", "permission denied")  # noqa: S608
    _refused(f"DELETE FROM {table}", "permission denied")  # noqa: S608
    _refused(f"TRUNCATE {table}", "permission denied")
    _refused(f"ALTER TABLE {table} DISABLE TRIGGER audit_event_append_only", "must be owner")
    _refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner")
    _refused(f"DROP TRIGGER audit_event_no_truncate ON {table}", "must be owner")
    assert AuditEvent.objects.get(pk=event.pk).action == CareEvent.VIEWED_BY_STAFF


def test_the_app_role_writes_the_other_tables(roles: Roles, patient_on_file: Patient) -> None:
    _run(f"SET ROLE {roles.app}")
    created = PatientFactory(clinic=patient_on_file.clinic, last_name="Okafor")
    Patient.objects.filter(pk=created.pk).update(first_name="Ada")
    assert Patient.objects.get(pk=created.pk).first_name == "Ada"
    Patient.objects.filter(pk=created.pk).delete()
    assert not Patient.objects.filter(pk=created.pk).exists()


def test_even_the_owner_cannot_truncate_the_audit_log(
    roles: Roles, patient_on_file: Patient
) -> None:
    audit_record(actor=None, action=CareEvent.VIEWED_BY_STAFF, patient=patient_on_file)
    _run("SET CONSTRAINTS ALL IMMEDIATE")
    _run(f"SET ROLE {roles.owner}")
    _refused(f"TRUNCATE {AuditEvent._meta.db_table}", "append-only")
    _run("RESET ROLE")
    assert AuditEvent.objects.count() == 1


def test_the_command_prints_the_sql_the_test_runs(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit_db_roles", "--step", "grant", "--app", "carelink_app")
    assert capsys.readouterr().out == db_roles_grant_sql(app="carelink_app")
    call_command(
        "audit_db_roles", "--step", "create", "--owner", "o", "--app", "a", "--database", "d"
    )
    assert capsys.readouterr().out == db_roles_create_sql(owner="o", app="a", database="d")
