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
from accounts.tokens import token_digest, token_generate
from audit.services import audit_record
from clinics.models import Practitioner, PractitionerClinic
from clinics.services import practitioner_account_attach, practitioner_clinic_create
from outbox.models import Email
from outbox.services import email_cancel, email_queue
from prescribers.errors import InvitationUnusable, PrescriberError
from prescribers.matching import fold
from prescribers.models import PractitionerInvitation, PrescriberProfile
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
    superseded = PractitionerInvitation.objects.filter(
        profile=profile, used_at__isnull=True, revoked_at__isnull=True
    )
    email_cancel(emails=Email.objects.filter(pk__in=superseded.values("message_id")))
    superseded.update(revoked_at=now)

    secret = token_generate()
    invitation = PractitionerInvitation.objects.create(
        profile=profile,
        email=address,
        token_hash=secret.digest,
        expires_at=now + settings.PRESCRIBER_INVITATION_TTL,
        created_by=actor,
    )
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
        action="prescriber.invitation_sent",
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
            "phone": profile.clinic_phone,
        },
        actor=None,
    )


@transaction.atomic
def practitioner_invitation_accept(*, raw_token: str, password: str) -> User:
    """Creates the portal account with the profile's clinic in it, linked to the profile.

    Signs nobody in: the practitioner signs in with the new password afterwards.
    """
    now = timezone.now()
    claimed = PractitionerInvitation.objects.filter(
        token_hash=token_digest(raw_token),
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(used_at=now)
    if claimed != 1:
        raise InvitationUnusable()
    invitation = PractitionerInvitation.objects.select_related("profile").get(
        token_hash=token_digest(raw_token)
    )
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
    invitation.account = user
    invitation.save(update_fields=["account"])
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
        action="prescriber.invitation_accepted",
        target=profile,
        details={"invitation": invitation.pk, "clinic": combination.clinic.name},
    )
    return user
