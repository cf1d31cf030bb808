"""Where the current request came from, for audit events written deep inside services."""

from __future__ import annotations

from contextvars import ContextVar

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)
