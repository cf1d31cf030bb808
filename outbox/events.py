"""Events about outgoing email."""

from __future__ import annotations

from audit.events import AuditAction


class OutboxEvent(AuditAction):
    EMAIL_RESENT = "outbox.email_resent", "Email resent by staff"
