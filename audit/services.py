from __future__ import annotations

from typing import Any

from django.db import models

from audit.context import current_ip_address
from audit.models import AuditEvent

# Keys that must never reach the log, whatever a caller passes in details.
_SECRET_KEYS = frozenset({"password", "token", "raw_token", "code", "secret", "key"})


def audit_record(
    *,
    actor: Any | None,
    action: str,
    patient: Any | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    safe_details = {k: v for k, v in (details or {}).items() if k not in _SECRET_KEYS}
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        patient=patient,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=safe_details,
        ip_address=ip_address or current_ip_address.get(),
    )
