"""Audit actions are enum members, one naming scheme, labelled; secrets never reach the log."""

from __future__ import annotations

import importlib
import re
from typing import Any, get_type_hints

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.events import AuditAction, audit_action_choices, audit_action_enums
from audit.models import AuditEvent
from audit.services import audit_details_redact, audit_record, audit_record_views
from clinics.events import ClinicEvent
from clinics.models import Patient
from tests.conftest import require_postgresql

pytestmark = pytest.mark.django_db

renaming = importlib.import_module("audit.migrations.0004_namespaced_actions")
SCHEME = re.compile(r"^[a-z_]+\.[a-z_]+$")


def test_every_app_that_records_events_has_its_own_enum() -> None:
    labels = {enum.__module__.split(".")[0] for enum in audit_action_enums()}
    assert labels == {
        "accounts",
        "outbox",
        "clinics",
        "access_control",
        "care",
        "family_links",
        "prescribers",
        "portal",
    }


@pytest.mark.parametrize("enum", audit_action_enums(), ids=lambda enum: enum.__name__)
def test_every_action_is_named_after_its_app_in_one_scheme_and_has_a_label(
    enum: type[AuditAction],
) -> None:
    app_label = apps.get_containing_app_config(enum.__module__).label
    for member in enum:
        assert SCHEME.match(member.value), member.value
        assert member.value.split(".")[0] == app_label, member.value
        assert member.label, member.value
        assert member.label != member.value, member.value


def test_no_two_apps_share_an_action() -> None:
    codes = [code for code, _ in audit_action_choices()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("action", ["clinics.patient_created", "patient.created", "clinics.typo"])
def test_a_plain_string_action_is_refused_and_nothing_is_written(
    patient: Patient, action: str
) -> None:
    with pytest.raises(TypeError, match="not an AuditAction member"):
        audit_record(actor=None, action=action, patient=patient)
    with pytest.raises(TypeError, match="not an AuditAction member"):
        audit_record_views(
            actor=None,
            action=action,
            patients=[patient],
            model=Patient,
        )
    assert not AuditEvent.objects.exists()


def test_the_type_checker_is_told_only_enum_members_are_actions() -> None:
    # mypy reads these annotations: a str where an AuditAction is expected is an arg-type error.
    for function in (audit_record, audit_record_views):
        assert get_type_hints(function)["action"] is AuditAction


def test_secrets_are_left_out_at_any_depth_of_the_details(patient: Patient) -> None:
    token = "Qk9vY2hhcmxpZS1pcy1hLXRva2VuLTQzLWNoYXJzLWxvbmc"
    event = audit_record(
        actor=None,
        action=ClinicEvent.PATIENT_UPDATED,
        patient=patient,
        details={
            "fields": ["email"],
            "invitation": {"id": 7, "token_digest": "ab12", "raw_token": token},
            "attempts": [
                {"access_code": "123456", "at": "10:00"},
                {"nested": [{"Authorization": "Bearer x", "password": "p", "kept": 1}]},
            ],
            "url": f"https://example.test/invite/{token}/",
            "links": [3, 4],
            "home_url": "https://example.test/portal/",
            "api_key": "k",
            "client_secret": "s",
        },
    )
    event.refresh_from_db()
    assert event.details == {
        "fields": ["email"],
        "invitation": {"id": 7},
        "attempts": [{"at": "10:00"}, {"nested": [{"kept": 1}]}],
        "links": [3, 4],
        "home_url": "https://example.test/portal/",
    }


def test_read_events_leave_secrets_out_of_their_details_too(patient: Patient) -> None:
    (event,) = audit_record_views(
        actor=None,
        action=ClinicEvent.PATIENT_UPDATED,
        patients=[patient],
        model=Patient,
        details={"filter": {"session_cookie": "c", "page": 2}},
    )
    assert event.details == {"filter": {"page": 2}, "shown": []}


def test_redaction_keeps_values_that_only_look_like_secrets_under_harmless_keys() -> None:
    details = {"title": "token of thanks", "reason": "password reset asked by phone", "n": 3}
    assert audit_details_redact(details) == details


def test_every_renamed_code_becomes_a_current_labelled_action() -> None:
    known = dict(audit_action_choices())
    for old, new in renaming.RENAMED.items():
        assert new in known, (old, new)
    assert len(set(renaming.RENAMED.values())) == len(renaming.RENAMED)


def _rows_with_old_codes(patient: Patient) -> dict[str, int]:
    # Written through the model as it was before the rename (a plain manager, no choices).
    state = MigrationExecutor(connection).loader.project_state(("audit", "0003_block_truncate"))
    historical = state.apps.get_model("audit", "AuditEvent")
    return {
        old: historical.objects.create(action=old, patient_id=patient.pk, details={}).pk
        for old in renaming.RENAMED
    }


def test_the_data_migration_renames_stored_codes_and_the_history_shows_labels(
    patient: Patient,
) -> None:
    rows = _rows_with_old_codes(patient)
    state = MigrationExecutor(connection).loader.project_state(("audit", "0004_namespaced_actions"))
    renaming.forwards(state.apps, connection.schema_editor())
    for old, pk in rows.items():
        event = AuditEvent.objects.get(pk=pk)
        assert event.action == renaming.RENAMED[old]
        assert event.get_action_display() == dict(audit_action_choices())[event.action]
    renaming.backwards(state.apps, connection.schema_editor())
    assert {AuditEvent.objects.get(pk=pk).action for pk in rows.values()} == set(rows)


def test_the_data_migration_puts_the_append_only_trigger_back_on_postgresql(
    patient: Patient,
) -> None:
    require_postgresql()
    rows = _rows_with_old_codes(patient)
    state = MigrationExecutor(connection).loader.project_state(("audit", "0004_namespaced_actions"))
    renaming.forwards(state.apps, connection.schema_editor())
    assert AuditEvent.objects.get(pk=rows["patient.created"]).action == "clinics.patient_created"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'tampered'")


def _admin_page(client: Client, url: str, **query: Any) -> str:
    response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_shows_labels_with_the_code_beside_them(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    event = audit_record(actor=None, action=ClinicEvent.PATIENT_UPDATED, patient=patient)
    client.force_login(clinic_staff)
    changelist = reverse("admin:audit_auditevent_changelist")
    for page in (
        _admin_page(client, changelist),
        _admin_page(client, changelist, patient__id__exact=patient.pk),
        _admin_page(client, reverse("admin:audit_auditevent_change", args=[event.pk])),
    ):
        assert ClinicEvent.PATIENT_UPDATED.label in page
        assert "clinics.patient_updated" in page
    filtered = _admin_page(client, changelist, action="clinics.patient_updated")
    assert ClinicEvent.PATIENT_UPDATED.label in filtered


def test_an_unknown_stored_code_is_shown_as_it_is(
    client: Client, clinic_staff: User, patient: Patient
) -> None:
    state = MigrationExecutor(connection).loader.project_state(("audit", "0003_block_truncate"))
    old = state.apps.get_model("audit", "AuditEvent").objects.create(
        action="retired.event", patient_id=patient.pk, details={}
    )
    event = AuditEvent.objects.get(pk=old.pk)
    assert event.get_action_display() == "retired.event"
    client.force_login(clinic_staff)
    page = _admin_page(client, reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert "retired.event" in page
