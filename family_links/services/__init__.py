"""Writes of the family-links app. Each is atomic and writes its audit event.

The package's modules by concern; callers import the services from here.
"""

from __future__ import annotations

from family_links.services.base import AccessLinkError, AccessLinkNotValid, DateOfBirthMismatch
from family_links.services.links import (
    NewAccessLink,
    access_link_generate,
    access_link_remind_expiring,
    access_link_revoke,
    access_link_send,
    access_link_url,
    access_links_revoke_for_block,
    access_links_revoke_outdated,
    access_links_send_for_family,
)
from family_links.services.profiles import (
    demographics_update,
    email_on_file_update,
    grant_remove_by_holder,
)
from family_links.services.redeem import access_code_redeem, access_link_redeem

__all__ = [
    "AccessLinkError",
    "AccessLinkNotValid",
    "DateOfBirthMismatch",
    "NewAccessLink",
    "access_code_redeem",
    "access_link_generate",
    "access_link_redeem",
    "access_link_remind_expiring",
    "access_link_revoke",
    "access_link_send",
    "access_link_url",
    "access_links_revoke_for_block",
    "access_links_revoke_outdated",
    "access_links_send_for_family",
    "demographics_update",
    "email_on_file_update",
    "grant_remove_by_holder",
]
