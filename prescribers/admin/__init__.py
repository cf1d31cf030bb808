"""The pharmacy section of the staff admin (superusers and the "Pharmacy staff" group)."""

from __future__ import annotations

from prescribers.admin import profiles, queue

__all__ = ["profiles", "queue"]
