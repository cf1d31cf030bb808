"""Refusals from the prescriber services, in words meant for the person who asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prescribers.models import PrescriberProfile


class PrescriberError(Exception):
    """A rule refused the change; nothing was written. `field` names the input at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class LinkConflict(PrescriberError):
    """The practitioner/clinic combination is already linked to another active profile."""

    def __init__(self, *, other: PrescriberProfile) -> None:
        super().__init__(
            "This practitioner/clinic combination is already linked to the active prescriber "
            f"profile “{other}” (#{other.pk}).",
            field="link_clinic",
        )
        self.other = other


class InvitationUnusable(PrescriberError):
    """The invitation link is unknown, expired, already used or revoked."""

    def __init__(self) -> None:
        super().__init__("This invitation link can no longer be used.")
