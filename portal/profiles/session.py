"""The profile the account last chose, kept in its session.

Only a preference: every request reads the account's profiles through the access policy, and
a remembered record the account can no longer reach is simply not found among them.
"""

from __future__ import annotations

from typing import Any

from access_control.models import PortalGrant

CURRENT_PROFILE_KEY = "portal_profile_id"


def current_grant(session: Any, grants: list[PortalGrant]) -> PortalGrant | None:
    wanted = session.get(CURRENT_PROFILE_KEY)
    return next((grant for grant in grants if grant.patient_id == wanted), None)


def current_set(session: Any, patient_id: int | None) -> None:
    if patient_id is None:
        session.pop(CURRENT_PROFILE_KEY, None)
    elif session.get(CURRENT_PROFILE_KEY) != patient_id:
        session[CURRENT_PROFILE_KEY] = patient_id
