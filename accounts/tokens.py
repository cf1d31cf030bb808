"""Secret link tokens and their one lifecycle.

A token is long and random; only its SHA-256 is stored. Portal invitations, Medical Access Links
and practitioner invitations are all `SingleUseToken`s: each expires, is used at most once (one
conditional UPDATE decides which of two simultaneous clicks wins), may be revoked, and a newer
one for the same purpose supersedes the older ones still pending.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Self, TypeVar

from django.db import models
from django.utils import timezone

from accounts.models import User, user_reference


@dataclass(frozen=True)
class NewToken:
    raw: str
    digest: str


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> NewToken:
    raw = secrets.token_urlsafe(32)
    return NewToken(raw=raw, digest=token_digest(raw))


class TokenStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    USED = "used", "Used"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    SUPERSEDED = "superseded", "Superseded"
    # Only kinds that name a LOCKED_AT_FIELD (a Medical Access Link after wrong dates of birth).
    LOCKED = "locked", "Locked"


class TokenRevokeReason(models.TextChoices):
    STAFF = "staff", "Revoked by staff"
    SUPERSEDED = "superseded", "Superseded by a newer one"
    EMAIL_CHANGED = "email_changed", "The patient's email changed"
    BLOCKED = "blocked", "The patient was blocked"


_Token = TypeVar("_Token", bound="SingleUseToken")


class SingleUseTokenQuerySet(models.QuerySet[_Token]):
    def with_token(self, raw: str) -> Self:
        """The token carrying this raw value, whatever its state (none for an empty one)."""
        return self.filter(digest=token_digest(raw)) if raw else self.none()

    def revocable(self, now: datetime | None = None) -> Self:
        """Unused, unrevoked and unexpired: staff may still revoke it. Superseding is revoking
        (with its own reason), so an unrevoked token is unsuperseded too."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )

    def usable(self, now: datetime | None = None) -> Self:
        """Usable now: revocable and, for a kind that locks, not locked."""
        found = self.revocable(now)
        lock = self.model.LOCKED_AT_FIELD
        return found.filter(**{f"{lock}__isnull": True}) if lock else found

    def claim(self, *, pk: int, by: User | None, now: datetime | None = None) -> bool:
        """Uses the token up if it is still usable; True only for the one caller that did.

        One conditional UPDATE: of two submissions at the same moment only one wins.
        """
        moment = now or timezone.now()
        return self.usable(moment).filter(pk=pk).update(used_at=moment, used_by=by) == 1

    def revoke(
        self, *, pk: int, by: User | None, reason: TokenRevokeReason, now: datetime | None = None
    ) -> bool:
        """Revokes one token if it is still revocable; True when this call did."""
        moment = now or timezone.now()
        revoked = self.revocable(moment).filter(pk=pk)
        return revoked.update(revoked_at=moment, revoked_by=by, revoke_reason=reason) == 1

    def revoke_pending(
        self,
        *,
        by: User | None,
        reason: TokenRevokeReason,
        superseded_by: SingleUseToken | None = None,
        now: datetime | None = None,
    ) -> list[int]:
        """Revokes every usable token of this queryset; returns their ids (to cancel mail)."""
        moment = now or timezone.now()
        pending = self.usable(moment)
        if superseded_by is not None:
            pending = pending.exclude(pk=superseded_by.pk)
        ids = list(pending.values_list("pk", flat=True))
        if ids:
            self.model._default_manager.filter(pk__in=ids).usable(moment).update(
                revoked_at=moment, revoked_by=by, revoke_reason=reason, superseded_by=superseded_by
            )
        return ids

    def supersede(
        self, *, newer: SingleUseToken, by: User | None, now: datetime | None = None
    ) -> list[int]:
        """The usable tokens of this queryset other than `newer` stop working in its favour."""
        return self.revoke_pending(
            by=by, reason=TokenRevokeReason.SUPERSEDED, superseded_by=newer, now=now
        )


class SingleUseToken(models.Model):
    """The lifecycle every secret link shares. Only the SHA-256 of its token is stored."""

    # The field that, once set, holds a token back before it expires; None: the kind never locks.
    LOCKED_AT_FIELD: ClassVar[str | None] = None
    # What staff read for a used token of this kind ("Accepted", "Linked").
    USED_LABEL: ClassVar[str] = str(TokenStatus.USED.label)

    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = user_reference()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = user_reference("The account that used it.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = user_reference()
    revoke_reason = models.CharField(max_length=20, choices=TokenRevokeReason.choices, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SingleUseTokenQuerySet.as_manager()

    class Meta:
        abstract = True

    def status_on(self, moment: datetime) -> TokenStatus:
        if self.used_at is not None:
            return TokenStatus.USED
        if self.revoked_at is not None:
            if self.revoke_reason == TokenRevokeReason.SUPERSEDED:
                return TokenStatus.SUPERSEDED
            return TokenStatus.REVOKED
        if self.LOCKED_AT_FIELD and getattr(self, self.LOCKED_AT_FIELD) is not None:
            return TokenStatus.LOCKED
        if self.expires_at <= moment:
            return TokenStatus.EXPIRED
        return TokenStatus.PENDING

    @property
    def status(self) -> TokenStatus:
        return self.status_on(timezone.now())

    @property
    def status_label(self) -> str:
        status = self.status
        return self.USED_LABEL if status == TokenStatus.USED else str(status.label)
