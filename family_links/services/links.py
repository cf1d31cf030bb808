"""Medical Access Links from the staff side: generate, send, revoke, a whole family at once,
the reminder before a link expires, and what blocking a record does to its links."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from access_control.selectors import patient_is_blocked
from access_control.services.base import patient_lock
from accounts.models import User, normalize_email_address
from accounts.tokens import TokenRevokeReason, TokenStatus, token_digest, token_generate
from audit.services import audit_record
from clinics.models import Patient
from clinics.services import patient_save
from family_links.codes import code_digest, code_format, code_generate
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink
from family_links.selectors import access_links_due_reminder, access_links_pending
from family_links.services.base import AccessLinkError, mail_queue
from outbox.models import Email
from outbox.services import email_cancel


@dataclass(frozen=True)
class NewAccessLink:
    """A link just generated: its token and code exist nowhere else (only digests are kept)."""

    link: AccessLink
    token: str
    code: str  # grouped for reading out: ABCD-EFGH-JK

    @property
    def url(self) -> str:
        return access_link_url(self.token)


def access_link_url(token: str) -> str:
    path = reverse("family_links:redeem", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def _code_unused() -> tuple[str, str]:
    """A fresh code and its digest, unlike any other link's code."""
    while True:
        code = code_generate()
        digest = code_digest(code)
        if not AccessLink.objects.filter(code_digest=digest).exists():
            return code, digest


def links_mail_cancel(*, link_ids: Sequence[int]) -> int:
    """Cancels the queued link and reminder emails of these links."""
    rows = AccessLink.objects.filter(pk__in=link_ids).values_list(
        "email_message_id", "reminder_message_id"
    )
    email_ids = {email_id for row in rows for email_id in row if email_id is not None}
    return email_cancel(emails=Email.objects.filter(pk__in=email_ids))


def _links_revoke_pending(
    *,
    patient: Patient,
    actor: User | None,
    reason: TokenRevokeReason,
    superseded_by: AccessLink | None = None,
    only_sent_other_than: str | None = None,
) -> list[int]:
    """Revokes the patient's pending links and cancels their mail; returns their ids.

    With `only_sent_other_than`, only links mailed to another address than that one.
    A step of the calling service: it runs in that service's transaction, which audits it.
    """
    pending = access_links_pending(patient=patient)
    if only_sent_other_than is not None:
        pending = pending.filter(sent_at__isnull=False).exclude(sent_to=only_sent_other_than)
    ids = pending.revoke_pending(by=actor, reason=reason, superseded_by=superseded_by)
    if ids:
        links_mail_cancel(link_ids=ids)
    return ids


@transaction.atomic
def access_link_generate(*, patient: Patient, actor: User) -> NewAccessLink:
    """A new Medical Access Link and Code for the record; older pending ones stop working."""
    patient_lock(patient)
    if patient_is_blocked(patient=patient):
        raise AccessLinkError(
            "Portal access is blocked for this patient. Unblock it on the Portal Access tab "
            "before generating a Medical Access Link."
        )
    now = timezone.now()
    token = token_generate()
    code, digest = _code_unused()
    link = AccessLink.objects.create(
        patient=patient,
        digest=token.digest,
        code_digest=digest,
        created_by=actor,
        created_at=now,
        expires_at=now + settings.ACCESS_LINK_TTL,
    )
    superseded = _links_revoke_pending(
        patient=patient, actor=actor, reason=TokenRevokeReason.SUPERSEDED, superseded_by=link
    )
    audit_record(
        actor=actor,
        action=FamilyLinksEvent.LINK_GENERATED,
        patient=patient,
        target=link,
        details={"expires_at": link.expires_at.isoformat(), "superseded": superseded},
    )
    return NewAccessLink(link=link, token=token.raw, code=code_format(code))


@transaction.atomic
def access_link_send(*, link: AccessLink, token: str, actor: User) -> AccessLink:
    """Emails the link to the address on file. `token` is the one generated with it: the link
    itself is kept only as a digest, so only who generated it can send it."""
    if not hmac.compare_digest(token_digest(token), link.digest):
        raise AccessLinkError("This is not the link that was generated. Generate a new one.")
    patient = link.patient
    patient_lock(patient)
    link.refresh_from_db()
    if link.status != TokenStatus.PENDING or patient_is_blocked(patient=patient):
        raise AccessLinkError(
            "This Medical Access Link can no longer be used. Generate a new one to send."
        )
    address = normalize_email_address(patient.email)
    if not address:
        raise AccessLinkError(
            f"{patient.full_name} has no email address. Add one on the General tab, "
            "or read the Medical Access Code to the family instead."
        )
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "link": link,
        "url": access_link_url(token),
        "ttl_days": settings.ACCESS_LINK_TTL.days,
    }
    now = timezone.now()
    link.email_message = mail_queue(
        to=address,
        subject=f"Medical Access Link for {patient.short_name} from {patient.clinic.name}",
        template="access_link",
        context=context,
        purpose="family_links:access_link",
        patient=patient,
        html=True,
        secrets=[token],
    )
    link.sent_at = now
    link.sent_to = address
    link.save(update_fields=["email_message", "sent_at", "sent_to"])
    audit_record(
        actor=actor,
        action=FamilyLinksEvent.LINK_SENT,
        patient=patient,
        target=link,
        details={"email": address, "expires_at": link.expires_at.isoformat()},
    )
    return link


@transaction.atomic
def access_link_revoke(*, link: AccessLink, actor: User) -> None:
    """Staff withdraw a pending link: it and its code stop working, unsent mail is dropped."""
    patient_lock(link.patient)
    if not AccessLink.objects.revoke(pk=link.pk, by=actor, reason=TokenRevokeReason.STAFF):
        raise AccessLinkError("This link is no longer pending; there is nothing to revoke.")
    links_mail_cancel(link_ids=[link.pk])
    audit_record(
        actor=actor,
        action=FamilyLinksEvent.LINK_REVOKED,
        patient=link.patient,
        target=link,
        details={"reason": TokenRevokeReason.STAFF.value},
    )


@transaction.atomic
def access_links_revoke_for_block(*, patient: Patient, actor: User | None) -> list[int]:
    """A blocked record's pending links stop working and their queued mail is cancelled.

    Runs inside access_control's `patient_block`, through its `patient_blocked` signal.
    """
    revoked = _links_revoke_pending(patient=patient, actor=actor, reason=TokenRevokeReason.BLOCKED)
    if revoked:
        audit_record(
            actor=actor,
            action=FamilyLinksEvent.LINK_REVOKED,
            patient=patient,
            details={"reason": TokenRevokeReason.BLOCKED.value, "links": revoked},
        )
    return revoked


@transaction.atomic
def access_links_revoke_outdated(*, patient: Patient, actor: User | None) -> list[int]:
    """Revokes pending links mailed to an address that is no longer the patient's email on
    file, and cancels their queued mail: neither the link nor its reminder reaches the old
    address. A link not mailed yet stays: sending it uses the address on file then.

    Runs inside clinics' `patient_save`, through its `patient_saved` signal.
    """
    email = normalize_email_address(patient.email) or ""
    revoked = _links_revoke_pending(
        patient=patient,
        actor=actor,
        reason=TokenRevokeReason.EMAIL_CHANGED,
        only_sent_other_than=email,
    )
    if revoked:
        audit_record(
            actor=actor,
            action=FamilyLinksEvent.LINK_REVOKED,
            patient=patient,
            details={"reason": TokenRevokeReason.EMAIL_CHANGED.value, "links": revoked},
        )
    return revoked


@transaction.atomic
def access_links_send_for_family(
    *, patients: Sequence[Patient], email: str | None, actor: User
) -> list[NewAccessLink]:
    """Generates and sends a link for each record, all or none.

    With `email`, each record's email on file becomes that address first (the family's account
    holder gets every link in one inbox).
    """
    if not patients:
        raise ValidationError("Choose at least one patient.")
    if len({patient.clinic_id for patient in patients}) > 1:
        raise ValidationError(
            "Choose patients of one clinic: a family's links are sent together by its clinic."
        )
    address = normalize_email_address(email)
    sent = []
    for patient in sorted(patients, key=lambda record: record.pk):
        if address and normalize_email_address(patient.email) != address:
            patient.email = address
            patient_save(patient=patient, actor=actor, changed_fields=["email"])
        new = access_link_generate(patient=patient, actor=actor)
        access_link_send(link=new.link, token=new.token, actor=actor)
        sent.append(new)
    audit_record(
        actor=actor,
        action=FamilyLinksEvent.FAMILY_LINKS_SENT,
        patient=None,
        details={
            "patients": [new.link.patient_id for new in sent],
            "links": [new.link.pk for new in sent],
            "email_set_to": address or "",
        },
    )
    return sent


@transaction.atomic
def access_link_remind_expiring(*, now: datetime | None = None) -> list[int]:
    """Queues one reminder for each sent, unredeemed link expiring within the reminder lead.

    Safe to run twice or on two workers at once: a link is marked reminded by a conditional
    UPDATE in the transaction that queues its email, and only the run that marks it sends.
    """
    moment = now or timezone.now()
    due = access_links_due_reminder(now=moment, lead=settings.ACCESS_LINK_REMINDER_LEAD)
    reminded = []
    for link in due.select_related("patient__clinic")[:500]:
        marked = AccessLink.objects.filter(pk=link.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=moment
        )
        if not marked:
            continue
        patient = link.patient
        message = mail_queue(
            to=link.sent_to,
            subject=f"Reminder: the Medical Access Link for {patient.short_name} expires soon",
            template="access_link_reminder",
            context={"patient": patient, "clinic": patient.clinic, "link": link},
            purpose="family_links:reminder",
            patient=patient,
        )
        AccessLink.objects.filter(pk=link.pk).update(reminder_message=message)
        audit_record(
            actor=None,
            action=FamilyLinksEvent.REMINDER_SENT,
            patient=patient,
            target=link,
            details={"email": link.sent_to, "expires_at": link.expires_at.isoformat()},
        )
        reminded.append(link.pk)
    return reminded
