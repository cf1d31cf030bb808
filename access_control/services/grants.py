"""An account's access to a record, given and taken away.

`grant_create` is the only writer of new portal access (a test proves no other module writes a
PortalGrant): redeeming a Medical Access Link or Code, accepting a portal invitation and staff
creating an account manually all go through it, so every rule is enforced in one place.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import (
    GrantScope,
    GrantSource,
    PortalGrant,
    Relationship,
)
from access_control.policy import (
    STAFF_HOLD_NO_RECORDS,
    portal_account_is_staff,
    portal_invitation_refusal,
    portal_link_refusal,
)
from access_control.selectors import patient_is_blocked, portal_grant_held
from access_control.services.base import PortalAccessError
from accounts.models import User
from audit.services import audit_record
from clinics.models import Patient


def _refusal(*, account: User, patient: Patient, source: GrantSource) -> str | None:
    """Why the access policy refuses the account this record by this way; None when it may."""
    if patient_is_blocked(patient=patient):
        return "Portal access is blocked for this patient."
    if portal_account_is_staff(user=account):
        return STAFF_HOLD_NO_RECORDS
    if source == GrantSource.ACCESS_LINK:
        return portal_link_refusal(user=account, patient=patient)
    if source == GrantSource.INVITATION:
        return portal_invitation_refusal(user=account, patient=patient)
    # Staff give a record to an account they have just created: no kiosk rule applies yet.
    return None


@transaction.atomic
def grant_create(
    *,
    account: User,
    patient: Patient,
    relationship: Relationship,
    source: GrantSource,
    actor: User | None,
    scope: GrantScope = GrantScope.FULL,
) -> PortalGrant:
    """Gives the account portal access to the record, after every rule of the access policy.

    Refused (PortalAccessError, nothing written) for a blocked record, a staff account, an
    unknown relationship, scope or source, and wherever the policy's kiosk rules say no for
    this source (a link: `portal_link_refusal`; an invitation: `portal_invitation_refusal`).
    An account that already holds the record keeps its one active grant; only an invitation
    widens a forms-only grant to full. The caller locks the patient; the unique constraint
    refuses a second active grant anyway.
    """
    if (
        relationship not in Relationship.values
        or scope not in GrantScope.values
        or source not in GrantSource.values
    ):
        raise PortalAccessError("Choose a relationship and a kind of access from the list.")
    refusal = _refusal(account=account, patient=patient, source=source)
    if refusal is not None:
        raise PortalAccessError(refusal)
    grant = portal_grant_held(account=account, patient=patient)
    already_held = grant is not None
    scope_upgraded = False
    if grant is None:
        grant = PortalGrant.objects.create(
            account=account,
            patient=patient,
            relationship=relationship,
            scope=scope,
            source=source,
            granted_by=actor if actor is not None and actor.is_staff else None,
        )
    elif (
        source == GrantSource.INVITATION
        and scope == GrantScope.FULL
        and grant.scope != GrantScope.FULL
    ):
        # An invitation opens the whole portal; a forms-only sign-in becomes a full one.
        grant.scope = GrantScope.FULL
        grant.save(update_fields=["scope"])
        scope_upgraded = True
    audit_record(
        actor=actor,
        action=AccessControlEvent.GRANT_CREATED,
        patient=patient,
        target=grant,
        details={
            "account": account.pk,
            "relationship": grant.relationship,
            "scope": grant.scope,
            "source": str(source),
            "already_held": already_held,
            "scope_upgraded": scope_upgraded,
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
        action=AccessControlEvent.GRANT_REVOKED,
        patient=grant.patient,
        target=grant,
        details={
            "account": grant.account_id,
            "relationship": grant.relationship,
            "source": grant.source,
        },
    )
