"""A practitioner's API tokens: the secret is shown once; only its SHA-256 is kept.

A token works until it expires (`API_TOKEN_TTL`), is revoked, or its owner's password changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_generate
from audit.services import audit_record
from prescribers.errors import PrescriberError
from prescribers.events import PrescriberEvent
from prescribers.models import ApiToken
from prescribers.policy import api_token_holder_refusal


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    raw_token: str


@transaction.atomic
def api_token_create(*, user: User, name: str) -> NewApiToken:
    name = name.strip()
    if not name:
        raise PrescriberError("Give the token a name, e.g. where it is used.", field="name")
    refusal = api_token_holder_refusal(user=user)
    if refusal is not None:
        raise PrescriberError(refusal)
    secret = token_generate()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret.raw[:6],
        token_hash=secret.digest,
        expires_at=timezone.now() + settings.API_TOKEN_TTL,
    )
    audit_record(
        actor=user,
        action=PrescriberEvent.API_TOKEN_CREATED,
        target=token,
        details={"name": name, "expires_at": token.expires_at.isoformat()},
    )
    return NewApiToken(token=token, raw_token=secret.raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(actor=actor, action=PrescriberEvent.API_TOKEN_REVOKED, target=token)
    token.refresh_from_db(fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke_for_password_change(*, user: User) -> int:
    """Revokes every live token of an account whose password was just set; returns how many."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=timezone.now())
    for token in tokens:
        # Nobody chose this revocation: it follows the password, whoever set it.
        audit_record(
            actor=None,
            action=PrescriberEvent.API_TOKEN_REVOKED,
            target=token,
            details={"reason": "password changed", "account": user.pk},
        )
    return len(tokens)
