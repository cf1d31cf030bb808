"""An account's access to a record, given and taken away."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access_control.models import (
    GrantScope,
    GrantSource,
    PortalGrant,
    Relationship,
)
from access_control.policy import portal_link_refusal
from access_control.selectors import patient_is_blocked
from access_control.services.base import PortalAccessError
from accounts.models import User
from audit.services import audit_record
from clinics.models import Patient


@transaction.atomic
def grant_create(
    *,
    account: User,
    patient: Patient,
    relationship: Relationship,
    source: GrantSource,
    actor: User | None,
) -> PortalGrant:
    """Gives the account full portal access to the record (an app above: a redeemed link).

    Refused where the access policy says the account may not add records this way (staff, an
    intake tablet, a forms-only grant to widen). An account that already holds the record in
    full keeps its grant. The caller locks the patient; the unique constraint refuses a second
    active grant anyway.
    """
    if patient_is_blocked(patient=patient):
        raise PortalAccessError("Portal access is blocked for this patient.")
    refusal = portal_link_refusal(user=account, patient=patient)
    if refusal is not None:
        raise PortalAccessError(refusal)
    grant = PortalGrant.objects.filter(
        account=account, patient=patient, revoked_at__isnull=True
    ).first()
    already_held = grant is not None
    if grant is None:
        grant = PortalGrant.objects.create(
            account=account,
            patient=patient,
            relationship=relationship,
            scope=GrantScope.FULL,
            source=source,
            granted_by=actor if actor is not None and actor.is_staff else None,
        )
    audit_record(
        actor=actor,
        action="portal.grant_created",
        patient=patient,
        target=grant,
        details={
            "account": account.pk,
            "relationship": grant.relationship,
            "source": str(source),
            "already_held": already_held,
        },
    )
    return grant


@transaction.atomic
def grant_revoke(*, grant: PortalGrant, actor: User) -> None:
    """Takes an account's access to the record away from the next request on."""
    revoked = PortalGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor
    )
    if not revoked:
        raise PortalAccessError("This access was already revoked.")
    audit_record(
        actor=actor,
        action="portal.grant_revoked",
        patient=grant.patient,
        target=grant,
        details={
            "account": grant.account_id,
            "relationship": grant.relationship,
            "source": grant.source,
        },
    )
