"""Refusals from the prescriber services, in words meant for the person who asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prescribers.models import EPrescription, PrescriberProfile


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


class SubmissionConflict(PrescriberError):
    """The external ID was already used, from the same clinic, for a different prescription."""

    def __init__(self, *, existing: EPrescription) -> None:
        super().__init__(
            f"This external_id was already used for a different prescription (#{existing.pk}); "
            "send the same body to get that one back, or use a new external_id.",
            field="external_id",
        )
        self.existing = existing
