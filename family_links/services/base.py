"""What the family-link services share: their errors, and the mail they queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string

from clinics.models import Patient
from outbox.models import Email
from outbox.services import email_queue


class AccessLinkError(Exception):
    """A staff action that was refused; the message says why, for the person."""


class AccessLinkNotValid(Exception):
    """The link or code is unknown, expired, used, revoked, superseded or locked, or its record
    is blocked. One exception, one friendly page: nothing tells these apart."""


class DateOfBirthMismatch(Exception):
    """The date of birth given does not match the record; the attempt was counted."""

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"{attempts_left} attempts left")
        self.attempts_left = attempts_left


def mail_queue(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    purpose: str,
    patient: Patient,
    html: bool = False,
    secrets: Sequence[str] = (),
) -> Email:
    """Queues one of this app's emails, rendered from templates/family_links/email/."""
    return email_queue(
        to=to,
        subject=subject,
        body_text=render_to_string(f"family_links/email/{template}.txt", context),
        body_html=render_to_string(f"family_links/email/{template}.html", context) if html else "",
        purpose=purpose,
        patient=patient,
        secrets=secrets,
    )


def email_mask(address: str) -> str:
    """laura.bennett@example.com → l***t@example.com: enough to recognise, not to harvest."""
    local, at, domain = address.partition("@")
    if not at:
        return f"{address[:1]}***"
    shown = f"{local[:1]}***{local[-1:]}" if len(local) > 2 else f"{local[:1]}***"
    return f"{shown}@{domain}"
