"""Where the current request came from and who made it, for audit events written deep inside
services and by the model signals that watch accounts."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)
# The request's user (evaluated only when an event is written), for changes noticed by signals.
current_actor: ContextVar[Any | None] = ContextVar("current_actor", default=None)
