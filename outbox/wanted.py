"""Whether a queued email is still wanted, asked by the send task just before it sends.

The outbox sits below the apps whose mail it carries, so it cannot look at an invitation or a
Medical Access Link itself. Those apps register a check for their purposes in their
AppConfig.ready(); a check returns why the mail is no longer wanted (the link was revoked, the
record blocked), or None to let it go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outbox.models import Email

StillWantedCheck = Callable[["Email"], "str | None"]

_checks: dict[str, list[StillWantedCheck]] = {}


def still_wanted_register(*, purposes: Iterable[str], check: StillWantedCheck) -> None:
    for purpose in purposes:
        registered = _checks.setdefault(purpose, [])
        if check not in registered:
            registered.append(check)


def email_unwanted_reason(*, email: Email) -> str | None:
    """The first reason a registered check gives for not sending this email, if any."""
    for check in _checks.get(email.purpose, []):
        reason = check(email)
        if reason:
            return reason
    return None
