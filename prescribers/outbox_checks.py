"""Tells the outbox, just before it sends, whether a practitioner invitation is still wanted.

Registered at import, from PrescribersConfig.ready().
"""

from __future__ import annotations

from django.utils import timezone

from outbox.models import Email
from outbox.wanted import still_wanted_register
from prescribers.models import PractitionerInvitation


def practitioner_invitation_mail_unwanted(email: Email) -> str | None:
    invitation = PractitionerInvitation.objects.filter(message=email).first()
    if invitation is None:
        return "No practitioner invitation refers to this email any more."
    if invitation.revoked_at is not None:
        return "The practitioner invitation was revoked or replaced by a newer one."
    if invitation.used_at is not None:
        return "The practitioner invitation was already accepted."
    if invitation.expires_at <= timezone.now():
        return "The practitioner invitation expired before it could be sent."
    return None


still_wanted_register(
    purposes=["prescribers:practitioner_invitation"], check=practitioner_invitation_mail_unwanted
)
