"""Encryption at rest for secrets the app must read back (never for passwords or link tokens,
which are hashed): one key per purpose, derived from SECRET_KEY, with SECRET_KEY_FALLBACKS
still opening what was sealed before a key rotation."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet_for(*, secret_key: str, purpose: bytes) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def secret_box(*, purpose: bytes) -> MultiFernet:
    """Encrypts with the current SECRET_KEY; decrypts with it or any fallback key."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(secret_key=str(key), purpose=purpose) for key in keys])
