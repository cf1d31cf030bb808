"""Secrets an email carries (invitation and access-link tokens, reset links), kept out of its
stored text.

The stored subject and bodies hold a marker where each secret was; the secrets themselves are
kept only encrypted, with a key derived from SECRET_KEY for this one purpose, and are put back
just before the mail leaves. A database dump or an admin page therefore never shows a live
link, while the recipient gets exactly the mail that was written.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.fernet import InvalidToken, MultiFernet

from accounts.crypto import secret_box

_KEY_PURPOSE = b"carelink-portal outbox sealed secrets v1"


class SealBroken(Exception):
    """The sealed secrets cannot be opened (SECRET_KEY changed without a fallback)."""


@dataclass(frozen=True)
class Sealed:
    subject: str
    body_text: str
    body_html: str
    sealed: str  # empty when there was nothing to hide


def _fernet() -> MultiFernet:
    return secret_box(purpose=_KEY_PURPOSE)


def _marker(number: int) -> str:
    return f"[secret {number}: hidden until sent]"


def secrets_seal(*, subject: str, body_text: str, body_html: str, secrets: Sequence[str]) -> Sealed:
    """Replaces every occurrence of each secret by a marker and encrypts the pairs."""
    values: list[str] = []
    for secret in secrets:
        # The HTML body may carry a secret escaped; hide that spelling too.
        for spelling in (secret, html.escape(secret)):
            if spelling and spelling not in values:
                values.append(spelling)
    # Longest first, so that a link is hidden whole before the token inside it.
    values.sort(key=len, reverse=True)
    texts = [subject, body_text, body_html]
    original = "\n".join(texts)
    pairs: list[tuple[str, str]] = []
    number = 0
    for value in values:
        if not any(value in text for text in texts):
            continue
        number += 1
        # A marker never seen in the mail itself, so putting secrets back is unambiguous.
        while _marker(number) in original:
            number += 1
        marker = _marker(number)
        texts = [text.replace(value, marker) for text in texts]
        pairs.append((marker, value))
    sealed = _fernet().encrypt(json.dumps(pairs).encode()).decode() if pairs else ""
    return Sealed(subject=texts[0], body_text=texts[1], body_html=texts[2], sealed=sealed)


def secrets_unseal(*, sealed: str, texts: Sequence[str]) -> list[str]:
    """The texts with every marker replaced by its secret again."""
    if not sealed:
        return list(texts)
    try:
        pairs = json.loads(_fernet().decrypt(sealed.encode()))
    except (InvalidToken, ValueError) as error:
        raise SealBroken(
            "The link in this email could not be decrypted (the server's SECRET_KEY changed)."
        ) from error
    opened = list(texts)
    for marker, value in pairs:
        opened = [text.replace(marker, value) for text in opened]
    return opened
