"""How the pharmacy recognises the same person or the same clinic under different spellings."""

from __future__ import annotations

import difflib
import re
import unicodedata

# Words that say what kind of place a clinic is rather than which one it is.
_GENERIC_CLINIC_WORDS = frozenset(
    {
        "the", "of", "and", "at", "clinic", "clinics", "center", "centre", "medical", "health",
        "healthcare", "practice", "office", "group", "llc", "inc", "pc",
    }
)  # fmt: skip
_SIMILAR_ENOUGH = 0.8


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "  José  María " becomes "jose maria"."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def patient_name_key(*, first_name: str, last_name: str) -> str:
    return f"{fold(last_name)}|{fold(first_name)}"


def _clinic_words(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", fold(name))
    telling = [word for word in words if word not in _GENERIC_CLINIC_WORDS]
    return " ".join(telling or words)


def clinic_names_similar(first: str, second: str) -> bool:
    """ "Southern Clinic of Joy" and "Southern Joy Clinic" are similar; empty names never are."""
    a, b = _clinic_words(first), _clinic_words(second)
    if not a or not b:
        return False
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= _SIMILAR_ENOUGH
