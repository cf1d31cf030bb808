"""Secrets sent in links and API tokens: only their SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets


def token_hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def token_new() -> tuple[str, str]:
    """A fresh secret and its hash. The secret is shown or mailed once, never stored."""
    raw_token = secrets.token_urlsafe(32)
    return raw_token, token_hash(raw_token)
