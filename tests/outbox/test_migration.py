"""Rows written before secrets were sealed lose their stored links once they are final."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("outbox", "0001_initial")]
AFTER = [("outbox", "0002_seal_secrets_and_retry_window")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_links_from_final_rows_and_starts_each_retry_window() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Email = old_apps.get_model("outbox", "Email")
    now = timezone.now()
    sent = Email.objects.create(
        to="ann@example.com",
        subject="Invitation",
        body_text="Open https://portal.example.org/invite/LiveToken123/",
        body_html="<a href='https://portal.example.org/invite/LiveToken123/'>Open</a>",
        purpose="portal_invitation",
        status="sent",
        next_attempt_at=now,
    )
    queued = Email.objects.create(
        to="ann@example.com",
        subject="Your appointment",
        body_text="See you on Monday.",
        purpose="care:appointment_booked",
        next_attempt_at=now,
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new_apps = executor.loader.project_state(AFTER).apps
        Migrated = new_apps.get_model("outbox", "Email")
        scrubbed = Migrated.objects.get(pk=sent.pk)
        assert "LiveToken123" not in scrubbed.body_text + scrubbed.body_html
        kept = Migrated.objects.get(pk=queued.pk)
        assert kept.body_text == "See you on Monday."
        assert kept.queued_at == kept.created_at
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
