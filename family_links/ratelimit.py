"""How often a Medical Access Code may be tried: per portal account and per client address.

Counted in Django's cache (Redis when REDIS_URL is set, so every web process shares it), in
fixed windows of settings.ACCESS_CODE_ATTEMPT_WINDOW.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def _attempt_counted(*, scope: str, identity: str, limit: int) -> bool:
    window = int(settings.ACCESS_CODE_ATTEMPT_WINDOW.total_seconds())
    key = f"family_links:access_code:{scope}:{identity}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def access_code_attempt_allowed(*, account_id: int, ip_address: str | None) -> bool:
    """Counts one attempt; False when the account or the address has used up its attempts."""
    by_account = _attempt_counted(
        scope="account",
        identity=str(account_id),
        limit=settings.ACCESS_CODE_ATTEMPTS_PER_ACCOUNT,
    )
    by_address = _attempt_counted(
        scope="ip", identity=ip_address or "unknown", limit=settings.ACCESS_CODE_ATTEMPTS_PER_IP
    )
    return by_account and by_address
