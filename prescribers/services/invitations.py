"""Inviting a practitioner to the portal from a prescriber profile, and accepting.

The link carries `secrets.token_urlsafe(32)`; only its SHA-256 is stored. It is good for
settings.PRESCRIBER_INVITATION_TTL, is used once (one conditional UPDATE decides which of two
simultaneous clicks wins), and a newer invitation for the profile revokes older ones.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User, normalize_email_address
from accounts.tokens import token_generate
from audit.services import audit_record
from clinics.models import Practitioner, PractitionerClinic
from clinics.phones import phone_e164
from clinics.services import practitioner_account_attach, practitioner_clinic_create
from outbox.models import Email
from outbox.services import email_cancel, email_queue
from prescribers.errors import InvitationUnusable, PrescriberError
from prescribers.events import PrescriberEvent
from prescribers.matching import fold
from prescribers.models import PractitionerInvitation, PrescriberProfile
from prescribers.selectors import practitioner_invitation_usable
from prescribers.services.profiles import prescriber_link


def _account_exists_message(email: str) -> str:
    return (
        f"{email} already has a portal account. If it is this practitioner's account, link it "
        "with the portal account search on the profile instead."
    )


@transaction.atomic
def practitioner_invitation_send(
    *, profile: PrescriberProfile, email: str, actor: User | None
) -> PractitionerInvitation:
    """Emails the practitioner a link that creates their portal account, already linked."""
    profile = PrescriberProfile.objects.select_for_update().get(pk=profile.pk)
    address = normalize_email_address(email) or ""
    if not profile.is_active:
        raise PrescriberError("This profile is archived: restore it before inviting anyone.")
    if profile.practitioner_clinic_id is not None:
        raise PrescriberError("This profile is already linked to a portal account.")
    if User.objects.filter(email=address).exists():
        raise PrescriberError(_account_exists_message(address), field="email")
    if profile.npi and Practitioner.objects.filter(npi=profile.npi, user__isnull=False).exists():
        raise PrescriberError(
            f"The practitioner with NPI {profile.npi} already has a portal account: link this "
            "profile to it with the portal account search instead."
        )

    now = timezone.now()
    secret = token_generate()
    invitation = PractitionerInvitation.objects.create(
        profile=profile,
        email=address,
        digest=secret.digest,
        created_at=now,
        expires_at=now + settings.PRESCRIBER_INVITATION_TTL,
        created_by=actor,
    )
    superseded = PractitionerInvitation.objects.filter(profile=profile).supersede(
        newer=invitation, by=actor, now=now
    )
    messages = PractitionerInvitation.objects.filter(pk__in=superseded).values("message_id")
    email_cancel(emails=Email.objects.filter(pk__in=messages))
    context = {
        "profile": profile,
        "link": settings.SITE_URL + reverse("practitioner:invitation_accept", args=[secret.raw]),
        "expires_at": invitation.expires_at,
        "product_name": settings.PRODUCT_NAME,
    }
    invitation.message = email_queue(
        to=address,
        subject=f"Your invitation to the {settings.PRODUCT_NAME} practitioner portal",
        body_text=render_to_string("practitioner/email/invitation.txt", context),
        purpose="prescribers:practitioner_invitation",
        secrets=[secret.raw],
    )
    invitation.save(update_fields=["message"])
    audit_record(
        actor=actor,
        action=PrescriberEvent.INVITATION_SENT,
        target=profile,
        details={"invitation": invitation.pk, "email": address},
    )
    return invitation


def _combination_for(
    *, practitioner: Practitioner, profile: PrescriberProfile
) -> PractitionerClinic:
    """The practitioner's combination at the profile's clinic: one they have, or a new one."""
    for combination in practitioner.clinic_links.select_related("clinic"):
        if fold(combination.clinic.name) == fold(profile.clinic_name):
            return combination
    return practitioner_clinic_create(
        practitioner=practitioner,
        details={
            "name": profile.clinic_name
            or profile.description
            or f"{profile.display_name}'s clinic",
            "address_line1": profile.address_line1,
            "address_line2": profile.address_line2,
            "city": profile.city,
            "region": profile.region,
            "postal_code": profile.postal_code,
            "phone": phone_e164(profile.clinic_phone),
        },
        actor=None,
    )


@transaction.atomic
def practitioner_invitation_accept(*, raw_token: str, password: str) -> User:
    """Creates the portal account with the profile's clinic in it, linked to the profile.

    The view then signs in this new account (accounts.http.sign_in_created_account).
    """
    invitation = practitioner_invitation_usable(raw_token=raw_token)
    if invitation is None or not PractitionerInvitation.objects.claim(pk=invitation.pk, by=None):
        raise InvitationUnusable()
    profile = invitation.profile
    if profile.practitioner_clinic_id is not None or not profile.is_active:
        raise PrescriberError(
            "The pharmacy has changed this prescriber profile since inviting you; please ask "
            "them for a new invitation."
        )
    if User.objects.filter(email=invitation.email).exists():
        raise PrescriberError(_account_exists_message(invitation.email))
    user = User.objects.create_user(
        email=invitation.email,
        password=password,
        first_name=profile.first_name,
        last_name=profile.last_name,
    )
    try:
        practitioner = practitioner_account_attach(
            user=user,
            first_name=profile.first_name,
            last_name=profile.last_name,
            credential_suffix=profile.credential_suffix,
            npi=profile.npi,
            actor=user,
        )
        combination = _combination_for(practitioner=practitioner, profile=profile)
    except ValidationError as error:
        raise PrescriberError(" ".join(error.messages)) from error
    invitation.used_by = user
    invitation.save(update_fields=["used_by"])
    prescriber_link(
        profile=profile,
        account=user,
        practitioner_clinic=combination,
        npi_mismatch_confirmed=True,
        actor=user,
        reason="Accepted the portal invitation",
    )
    audit_record(
        actor=user,
        action=PrescriberEvent.INVITATION_ACCEPTED,
        target=profile,
        details={"invitation": invitation.pk, "clinic": combination.clinic.name},
    )
    return user
