"""Medical Access Codes: short, typed or read out over the phone, stored as a keyed hash.

Ten characters from an alphabet without look-alikes (no I, L, O, U, 0 or 1), shown grouped as
ABCD-EFGH-JK. Typing is forgiving: case, spaces and dashes do not matter.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CODE_LENGTH = 10
_GROUP = 4


def code_generate() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_normalize(text: str) -> str:
    return "".join(character for character in text.upper() if character.isalnum())


def code_format(code: str) -> str:
    """ABCDEFGHJK → ABCD-EFGH-JK."""
    code = code_normalize(code)
    return "-".join(code[start : start + _GROUP] for start in range(0, len(code), _GROUP))


def code_digest(code: str) -> str:
    """A keyed hash (HMAC with SECRET_KEY): a short code's plain SHA-256 could be brute-forced
    from a copy of the database, this cannot without the key."""
    return salted_hmac(
        "family_links.access_code", code_normalize(code), algorithm="sha256"
    ).hexdigest()
