"""Treatment plans staff write; shared ones are shown read-only in the portal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from care.events import CareEvent
from care.models import PlanItem, TreatmentPlan


@dataclass(frozen=True)
class PlanItemData:
    title: str
    details: str = ""


@transaction.atomic
def plan_save(
    *,
    plan: TreatmentPlan,
    items: Sequence[PlanItemData],
    actor: User,
    changed_fields: Sequence[str] = (),
) -> TreatmentPlan:
    """Saves a plan and its items, in the order given (the items are replaced)."""
    creating = plan.pk is None
    if creating:
        plan.created_by = actor
    plan.full_clean()
    if creating:
        plan.save()
    elif changed_fields:
        plan.save(update_fields=[*changed_fields, "updated_at"])
    plan.items.all().delete()
    PlanItem.objects.bulk_create(
        PlanItem(plan=plan, position=position, title=item.title.strip(), details=item.details)
        for position, item in enumerate(items, start=1)
    )
    audit_record(
        actor=actor,
        action=CareEvent.PLAN_CREATED if creating else CareEvent.PLAN_UPDATED,
        patient=plan.patient,
        target=plan,
        details={
            "title": plan.title,
            "status": plan.status,
            "shared_in_portal": plan.shared_in_portal,
            "items": len(items),
            **({} if creating else {"fields": sorted(changed_fields)}),
        },
    )
    return plan
