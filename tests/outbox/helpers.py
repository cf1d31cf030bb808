"""How a test reads the live link of an email: the outbox row never holds it in the clear."""

from __future__ import annotations

from django.core import mail

from outbox.models import Email
from outbox.services import email_content


def email_live_text(email: Email) -> str:
    """The text the recipient got (or will get, while the row is still queued)."""
    email.refresh_from_db()
    if not email.sealed_secrets:
        for message in reversed(mail.outbox):
            if message.to == [email.to] and message.subject == email_content(email=email).subject:
                return str(message.body)
    return email_content(email=email).body_text
