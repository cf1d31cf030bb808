from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import models

from accounts.models import User
from audit.context import current_ip_address
from audit.events import AuditAction
from audit.models import AuditEvent

# Keys whose values never reach the log, at any depth of the details a caller passes in: any
# key with one of these words in it ("raw_token", "token_digest", "api_key", "access_code").
_SECRET_WORDS = re.compile(
    r"token|password|passwd|secret|digest|authorization|cookie|(?:^|_)(?:key|code|raw|otp|pin)(?:_|$)"
)
# A link or URL is kept unless it carries what looks like a token (a long URL-safe run).
_LINK_WORDS = re.compile(r"link|url|href|uri")
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}")


def _carries_token(value: Any) -> bool:
    if isinstance(value, str):
        return _TOKEN_LIKE.search(value) is not None
    if isinstance(value, dict):
        return any(_carries_token(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_carries_token(item) for item in value)
    return False


def _is_secret(key: str, value: Any) -> bool:
    name = key.lower()
    return _SECRET_WORDS.search(name) is not None or (
        _LINK_WORDS.search(name) is not None and _carries_token(value)
    )


def audit_details_redact(value: Any) -> Any:
    """`value` without the entries whose key looks secret, however deep in dicts and lists."""
    if isinstance(value, dict):
        return {
            key: audit_details_redact(item)
            for key, item in value.items()
            if not _is_secret(str(key), item)
        }
    if isinstance(value, list | tuple):
        return [audit_details_redact(item) for item in value]
    return value


def _checked(action: AuditAction) -> AuditAction:
    # The type says so already; this catches callers mypy does not see (a str from a variable).
    if not isinstance(action, AuditAction):
        raise TypeError(
            f"audit action {action!r} is not an AuditAction member: "
            "use the enum in <app>/events.py (add the event there if it is new)."
        )
    return action


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    patient: Any | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=_checked(action),
        patient=patient,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=audit_details_redact(details or {}),
        ip_address=ip_address or current_ip_address.get(),
    )


def audit_record_views(
    *,
    actor: User | None,
    action: AuditAction,
    patients: Iterable[Any],
    model: type[models.Model],
    items: Iterable[Any] = (),
    details: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Records that `actor` was shown these records' clinical content (`items`, rows of `model`
    with a `patient_id`): one event per record, with the ids of its items on the page, written
    in one INSERT however many records the page showed."""
    action = _checked(action)
    shown: dict[int, list[int]] = {patient.pk: [] for patient in patients}
    for item in items:
        shown.setdefault(item.patient_id, []).append(item.pk)
    safe_details = audit_details_redact(details or {})
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
