from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from audit import receivers
        from audit.events import audit_actions_discover

        audit_actions_discover()
        receivers.connect()
