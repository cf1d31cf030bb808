from __future__ import annotations


class CareError(Exception):
    """An action that was refused; the message says why, in words for the person."""


class SlotTaken(CareError):
    """Someone else booked that time first."""
