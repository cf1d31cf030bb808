"""A practitioner's API tokens: the secret is shown once; only its SHA-256 is kept."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.tokens import token_generate
from audit.services import audit_record
from prescribers.errors import PrescriberError
from prescribers.models import ApiToken
from prescribers.selectors import practitioner_for


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    raw_token: str


@transaction.atomic
def api_token_create(*, user: User, name: str) -> NewApiToken:
    name = name.strip()
    if not name:
        raise PrescriberError("Give the token a name, e.g. where it is used.", field="name")
    if practitioner_for(user=user) is None:
        raise PrescriberError("Only practitioners' portal accounts can have API tokens.")
    secret = token_generate()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret.raw[:6], token_hash=secret.digest
    )
    audit_record(actor=user, action="api_token.created", target=token, details={"name": name})
    return NewApiToken(token=token, raw_token=secret.raw)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit_record(actor=actor, action="api_token.revoked", target=token)
    token.refresh_from_db(fields=["revoked_at"])
    return token
