"""Tells the outbox, just before it sends, whether a portal invitation is still wanted.

Registered at import, from AccessControlConfig.ready().
"""

from __future__ import annotations

from access_control.models import PortalInvitation
from access_control.selectors import patient_is_blocked
from accounts.tokens import TokenStatus
from outbox.models import Email
from outbox.wanted import still_wanted_register


def invitation_mail_unwanted(email: Email) -> str | None:
    invitation = (
        PortalInvitation.objects.filter(email_message=email).select_related("patient").first()
    )
    if invitation is None:
        return "No portal invitation refers to this email any more."
    if invitation.status != TokenStatus.PENDING:
        return f"The portal invitation is no longer usable ({invitation.status_label.lower()})."
    if patient_is_blocked(patient=invitation.patient):
        return "Portal access is blocked for this patient."
    return None


still_wanted_register(purposes=["portal_invitation"], check=invitation_mail_unwanted)
