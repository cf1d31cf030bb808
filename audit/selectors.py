from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from audit.models import AuditEvent


def audit_events_for_patient(*, patient: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(patient=patient).select_related("actor")
