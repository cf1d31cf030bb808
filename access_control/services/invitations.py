"""Portal invitations: send, resend (supersede), revoke, accept."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from access_control.events import AccessControlEvent
from access_control.models import (
    GrantSource,
    PortalGrant,
    PortalInvitation,
    Relationship,
)
from access_control.selectors import (
    invitation_by_token,
    invitation_usable,
    invitations_pending,
    patient_is_blocked,
    portal_grant_held,
    sign_in_name_taken,
)
from access_control.services.base import PortalAccessError, patient_lock
from access_control.services.grants import grant_create
from accounts.models import User, normalize_email_address
from accounts.tokens import TokenRevokeReason, token_generate
from audit.services import audit_record
from clinics.models import Patient
from outbox.models import Email
from outbox.services import email_cancel, email_queue


class InvitationNotValid(Exception):
    """The invitation is expired, used, revoked, superseded, unknown, or its record is blocked."""


class InvitationNeedsSignIn(Exception):
    """An account with the invitation's email exists: its owner signs in to accept."""


class InvitationWrongAccount(Exception):
    """The signed-in account is not the one the invitation was sent to."""


@dataclass(frozen=True)
class InvitationSent:
    invitation: PortalInvitation
    token: str  # the raw token, which exists nowhere else but in the email
    url: str


def invitations_revoke_pending(
    *,
    patient: Patient,
    actor: User | None,
    reason: TokenRevokeReason,
    superseded_by: PortalInvitation | None = None,
    only_other_than_email: str | None = None,
) -> list[int]:
    """Revokes the patient's pending invitations and cancels their queued mail; returns ids.

    A step of the calling service: it runs in that service's transaction, which audits it.
    """
    pending = invitations_pending(patient=patient)
    if only_other_than_email is not None:
        pending = pending.exclude(email=only_other_than_email)
    ids = pending.revoke_pending(by=actor, reason=reason, superseded_by=superseded_by)
    if ids:
        _invitations_mail_cancel(ids)
    return ids


def _invitations_mail_cancel(ids: list[int]) -> None:
    messages = PortalInvitation.objects.filter(pk__in=ids).values("email_message_id")
    email_cancel(emails=Email.objects.filter(pk__in=messages))


def _invitation_url(raw_token: str) -> str:
    path = reverse("access_control:invitation_accept", kwargs={"token": raw_token})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def invitation_send(*, patient: Patient, actor: User) -> InvitationSent:
    """Emails the patient a portal invitation; a pending older one is superseded."""
    patient_lock(patient)
    email = normalize_email_address(patient.email)
    if not email:
        raise PortalAccessError(
            "This patient has no email address. Add one on the General tab, "
            "then send the invitation."
        )
    if patient_is_blocked(patient=patient):
        raise PortalAccessError(
            "Portal access is blocked for this patient. Unblock it before sending an invitation."
        )
    now = timezone.now()
    token = token_generate()
    invitation = PortalInvitation.objects.create(
        patient=patient,
        email=email,
        digest=token.digest,
        created_by=actor,
        created_at=now,
        expires_at=now + settings.PORTAL_INVITATION_TTL,
    )
    superseded = invitations_revoke_pending(
        patient=patient,
        actor=actor,
        reason=TokenRevokeReason.SUPERSEDED,
        superseded_by=invitation,
    )
    url = _invitation_url(token.raw)
    context = {"patient": patient, "clinic": patient.clinic, "invitation": invitation, "url": url}
    invitation.email_message = email_queue(
        to=email,
        subject=f"Your invitation to the {patient.clinic.name} patient portal",
        body_text=render_to_string("access_control/email/invitation.txt", context),
        body_html=render_to_string("access_control/email/invitation.html", context),
        purpose="portal_invitation",
        patient=patient,
        secrets=[token.raw],
    )
    invitation.save(update_fields=["email_message"])
    audit_record(
        actor=actor,
        action=AccessControlEvent.INVITATION_SENT,
        patient=patient,
        target=invitation,
        details={
            "email": email,
            "expires_at": invitation.expires_at.isoformat(),
            "superseded": superseded,
        },
    )
    return InvitationSent(invitation=invitation, token=token.raw, url=url)


@transaction.atomic
def invitation_revoke(*, invitation: PortalInvitation, actor: User) -> None:
    """Staff withdraw a pending invitation: its link stops working and unsent mail is dropped."""
    patient_lock(invitation.patient)
    if not PortalInvitation.objects.revoke(
        pk=invitation.pk, by=actor, reason=TokenRevokeReason.STAFF
    ):
        raise PortalAccessError("This invitation is no longer pending; there is nothing to revoke.")
    _invitations_mail_cancel([invitation.pk])
    audit_record(
        actor=actor,
        action=AccessControlEvent.INVITATION_REVOKED,
        patient=invitation.patient,
        target=invitation,
        details={"reason": TokenRevokeReason.STAFF.value},
    )


@transaction.atomic
def invitations_revoke_outdated(*, patient: Patient, actor: User | None) -> list[int]:
    """Revokes pending invitations sent to an email that is no longer the patient's."""
    email = normalize_email_address(patient.email) or ""
    revoked = invitations_revoke_pending(
        patient=patient,
        actor=actor,
        reason=TokenRevokeReason.EMAIL_CHANGED,
        only_other_than_email=email,
    )
    if revoked:
        audit_record(
            actor=actor,
            action=AccessControlEvent.INVITATION_REVOKED,
            patient=patient,
            details={"reason": TokenRevokeReason.EMAIL_CHANGED.value, "invitations": revoked},
        )
    return revoked


def _invitation_claim(*, invitation: PortalInvitation, account: User | None) -> None:
    """Uses the invitation up: of two submissions at the same moment only one wins."""
    now = timezone.now()
    if not PortalInvitation.objects.claim(pk=invitation.pk, by=account, now=now):
        raise InvitationNotValid
    invitation.used_at = now
    invitation.used_by = account


def _invitation_for_accepting(token: str) -> PortalInvitation:
    """The usable invitation, read again once its patient is locked (a block may have won)."""
    found = invitation_by_token(token=token)
    if found is None:
        raise InvitationNotValid
    patient_lock(found.patient)
    invitation = invitation_usable(token=token)
    if invitation is None:
        raise InvitationNotValid
    return invitation


@transaction.atomic
def invitation_accept_new_account(*, token: str, password: str) -> PortalGrant:
    """Creates the account the invitation was sent to (signing in with its email) and its grant."""
    invitation = _invitation_for_accepting(token)
    if sign_in_name_taken(name=invitation.email):
        raise InvitationNeedsSignIn
    patient = invitation.patient
    account = User(
        email=invitation.email,
        username=invitation.email,
        first_name=patient.first_name,
        last_name=patient.last_name,
    )
    try:
        validate_password(password, user=account)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    _invitation_claim(invitation=invitation, account=None)
    account.set_password(password)
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as error:
        # The same address got an account a moment ago (another of its invitations).
        raise InvitationNeedsSignIn from error
    invitation.used_by = account
    invitation.save(update_fields=["used_by"])
    grant = grant_create(
        account=account,
        patient=patient,
        relationship=Relationship.SELF,
        source=GrantSource.INVITATION,
        actor=account,
    )
    audit_record(
        actor=account,
        action=AccessControlEvent.INVITATION_ACCEPTED,
        patient=patient,
        target=invitation,
        details={"account": account.pk, "grant": grant.pk, "new_account": True},
    )
    return grant


@transaction.atomic
def invitation_accept(*, token: str, account: User, relationship: Relationship) -> PortalGrant:
    """Adds the invited record to the signed-in account the invitation was sent to."""
    invitation = _invitation_for_accepting(token)
    if normalize_email_address(account.email) != invitation.email:
        raise InvitationWrongAccount
    _invitation_claim(invitation=invitation, account=account)
    patient = invitation.patient
    held = portal_grant_held(account=account, patient=patient)
    # Refused by the access policy (a kiosk, staff): the claim above is rolled back with it.
    grant = grant_create(
        account=account,
        patient=patient,
        relationship=relationship,
        source=GrantSource.INVITATION,
        actor=account,
    )
    upgraded = held is not None and held.scope != grant.scope
    audit_record(
        actor=account,
        action=AccessControlEvent.INVITATION_ACCEPTED,
        patient=patient,
        target=invitation,
        details={
            "account": account.pk,
            "grant": grant.pk,
            "new_account": False,
            "relationship": grant.relationship,
            "scope_upgraded": upgraded,
        },
    )
    return grant
