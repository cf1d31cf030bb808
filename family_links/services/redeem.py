"""Redeeming a Medical Access Link or Code: the record is added to the signed-in account.

Opening a link reads; only these services use one up, once: a conditional UPDATE claims the
link, so of two submissions at the same moment only one wins, and the grant's unique
constraint backs it up. The account holder and, when its address differs, the record's own
email are told.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from access_control.models import GrantSource, PortalGrant, Relationship
from access_control.policy import portal_link_refusal
from access_control.selectors import patient_is_blocked
from access_control.services import grant_create
from access_control.services.base import PortalAccessError, patient_lock
from accounts.models import User, normalize_email_address
from accounts.tokens import TokenStatus
from audit.services import audit_record
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink
from family_links.selectors import (
    access_link_by_token,
    access_link_usable_by_code,
    clinic_requires_date_of_birth,
)
from family_links.services.base import (
    AccessLinkNotValid,
    DateOfBirthMismatch,
    email_mask,
    mail_queue,
)


def _link_locked_for_redeeming(found: AccessLink | None) -> AccessLink:
    """The link read again once its record is locked (a block or another redemption may have
    won meanwhile); refused unless it is still pending and the record not blocked."""
    if found is None:
        raise AccessLinkNotValid
    patient_lock(found.patient)
    link = AccessLink.objects.select_related("patient__clinic").get(pk=found.pk)
    if link.status != TokenStatus.PENDING or patient_is_blocked(patient=link.patient):
        raise AccessLinkNotValid
    return link


def _failed_check_record(*, link: AccessLink, account: User, via: str) -> int:
    """Counts a wrong date of birth; the last allowed one locks the link. Returns tries left."""
    AccessLink.objects.filter(pk=link.pk).update(failed_checks=F("failed_checks") + 1)
    link.refresh_from_db(fields=["failed_checks"])
    attempts_left = max(settings.ACCESS_LINK_MAX_FAILED_CHECKS - link.failed_checks, 0)
    if attempts_left == 0:
        AccessLink.objects.filter(pk=link.pk).update(locked_at=timezone.now())
    audit_record(
        actor=account,
        action=FamilyLinksEvent.LINK_LOCKED
        if attempts_left == 0
        else FamilyLinksEvent.CHECK_FAILED,
        patient=link.patient,
        target=link,
        details={"via": via, "failed_checks": link.failed_checks},
    )
    return attempts_left


def _notify(*, link: AccessLink, account: User) -> None:
    patient = link.patient
    context = {"patient": patient, "clinic": patient.clinic, "account": account}
    holder = normalize_email_address(account.email)
    if holder:
        mail_queue(
            to=holder,
            subject=f"{patient.display_name} was added to your portal account",
            template="linked_account_holder",
            context=context,
            purpose="family_links:linked",
            patient=patient,
        )
    owner = normalize_email_address(patient.email)
    if owner and owner != holder:
        masked = email_mask(holder) if holder else f"{account.sign_in_name[:1]}***"
        mail_queue(
            to=owner,
            subject=f"Your record at {patient.clinic.name} was linked to a portal account",
            template="linked_record_owner",
            context={**context, "masked_account": masked},
            purpose="family_links:linked_owner_notice",
            patient=patient,
        )


def _claim(*, link: AccessLink, account: User, relationship: Relationship, via: str) -> PortalGrant:
    now = timezone.now()
    if not AccessLink.objects.claim(pk=link.pk, by=account, now=now):
        raise AccessLinkNotValid
    link.used_at, link.used_by = now, account
    grant = grant_create(
        account=account,
        patient=link.patient,
        relationship=relationship,
        source=GrantSource.ACCESS_LINK,
        actor=account,
    )
    _notify(link=link, account=account)
    audit_record(
        actor=account,
        action=FamilyLinksEvent.LINK_REDEEMED,
        patient=link.patient,
        target=link,
        details={"via": via, "account": account.pk, "grant": grant.pk},
    )
    return grant


def _redeem(
    *,
    found: AccessLink | None,
    account: User,
    relationship: Relationship,
    date_of_birth: date | None,
    via: str,
) -> PortalGrant:
    with transaction.atomic():
        link = _link_locked_for_redeeming(found)
        # Asked before the date of birth, so a refused account spends none of the link's tries.
        refusal = portal_link_refusal(user=account, patient=link.patient)
        if refusal is not None:
            raise PortalAccessError(refusal)
        check = via == "code" or clinic_requires_date_of_birth(clinic_id=link.patient.clinic_id)
        if not check or date_of_birth == link.patient.date_of_birth:
            return _claim(link=link, account=account, relationship=relationship, via=via)
        attempts_left = _failed_check_record(link=link, account=account, via=via)
    # Raised once the transaction has committed the count: a wrong answer is never forgotten.
    raise DateOfBirthMismatch(attempts_left)


def access_link_redeem(
    *, token: str, account: User, relationship: Relationship, date_of_birth: date | None
) -> PortalGrant:
    """Adds the link's record to the account, after the date-of-birth check the clinic asks for.

    Raises AccessLinkNotValid, PortalAccessError when the access policy refuses the account
    (an intake tablet, staff, a forms-only grant to widen), or DateOfBirthMismatch once the
    wrong answer is counted.
    """
    return _redeem(
        found=access_link_by_token(token=token),
        account=account,
        relationship=relationship,
        date_of_birth=date_of_birth,
        via="link",
    )


def access_code_redeem(
    *, code: str, date_of_birth: date, account: User, relationship: Relationship
) -> PortalGrant:
    """Adds the record of a Medical Access Code to the account; a code always asks the date of
    birth. The caller limits how often an account and an address may try."""
    return _redeem(
        found=access_link_usable_by_code(code=code),
        account=account,
        relationship=relationship,
        date_of_birth=date_of_birth,
        via="code",
    )
