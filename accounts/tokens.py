"""Secret link tokens: long and random, only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class NewToken:
    raw: str
    digest: str


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_generate() -> NewToken:
    raw = secrets.token_urlsafe(32)
    return NewToken(raw=raw, digest=token_digest(raw))
