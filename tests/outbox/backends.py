"""Email backends standing in for an SMTP server that is down."""

from __future__ import annotations

from typing import Any


class BrokenSMTP:
    """An email backend whose server always refuses."""

    calls = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        BrokenSMTP.calls += 1
        raise ConnectionRefusedError("SMTP server refused the connection")
