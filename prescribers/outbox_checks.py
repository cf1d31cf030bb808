"""Tells the outbox, just before it sends, whether a practitioner invitation is still wanted.

Registered at import, from PrescribersConfig.ready().
"""

from __future__ import annotations

from accounts.tokens import TokenStatus
from outbox.models import Email
from outbox.wanted import still_wanted_register
from prescribers.models import PractitionerInvitation


def practitioner_invitation_mail_unwanted(email: Email) -> str | None:
    invitation = PractitionerInvitation.objects.filter(message=email).first()
    if invitation is None:
        return "No practitioner invitation refers to this email any more."
    if invitation.status != TokenStatus.PENDING:
        return (
            f"The practitioner invitation is no longer usable ({invitation.status_label.lower()})."
        )
    return None


still_wanted_register(
    purposes=["prescribers:practitioner_invitation"], check=practitioner_invitation_mail_unwanted
)
