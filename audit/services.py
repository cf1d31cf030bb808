from __future__ import annotations

from collections.abc import Iterable
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


def audit_record_views(
    *,
    actor: Any | None,
    action: str,
    patients: Iterable[Any],
    model: type[models.Model],
    items: Iterable[Any] = (),
    details: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Records that `actor` was shown these records' clinical content (`items`, rows of `model`
    with a `patient_id`): one event per record, with the ids of its items on the page, written
    in one INSERT however many records the page showed."""
    shown: dict[int, list[int]] = {patient.pk: [] for patient in patients}
    for item in items:
        shown.setdefault(item.patient_id, []).append(item.pk)
    safe_details = {k: v for k, v in (details or {}).items() if k not in _SECRET_KEYS}
    ip_address = current_ip_address.get()
    return AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=action,
            patient_id=patient_id,
            object_type=model._meta.label,
            details={**safe_details, "shown": ids},
            ip_address=ip_address,
        )
        for patient_id, ids in shown.items()
    )
