"""Tells the outbox, just before it sends, whether a Medical Access Link or its reminder is
still wanted.

Registered at import, from FamilyLinksConfig.ready().
"""

from __future__ import annotations

from django.db.models import Q

from access_control.selectors import patient_is_blocked
from accounts.tokens import TokenStatus
from family_links.models import AccessLink
from outbox.models import Email
from outbox.wanted import still_wanted_register


def access_link_mail_unwanted(email: Email) -> str | None:
    link = (
        AccessLink.objects.filter(Q(email_message=email) | Q(reminder_message=email))
        .select_related("patient")
        .first()
    )
    if link is None:
        # A link sent again points at its newest email only, which goes out in its place.
        return "A newer email carries this Medical Access Link, or the link was replaced."
    if link.status != TokenStatus.PENDING:
        return f"The Medical Access Link is no longer usable ({link.status_label.lower()})."
    if patient_is_blocked(patient=link.patient):
        return "Portal access is blocked for this patient."
    return None


still_wanted_register(
    purposes=["family_links:access_link", "family_links:reminder"],
    check=access_link_mail_unwanted,
)
