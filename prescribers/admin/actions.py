"""The actions on a prescriber profile's page: each has a confirmation page with a short form,
and each calls one service (disconnect, reconnect, merge, archive, restore, invite, review)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from prescribers.admin.forms import (
    InviteForm,
    MergeForm,
    ProfileActionForm,
    ReasonForm,
    ReconnectForm,
)
from prescribers.errors import PrescriberError
from prescribers.models import PrescriberProfile
from prescribers.services.invitations import practitioner_invitation_send
from prescribers.services.profiles import (
    prescriber_archive,
    prescriber_disconnect,
    prescriber_link,
    prescriber_merge,
    prescriber_restore,
    prescriber_review_complete,
)


def _disconnect(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    prescriber_disconnect(profile=profile, actor=actor, reason=data["reason"])
    return "Disconnected: the portal account no longer sees this profile's patients."


def _reconnect(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    combination = profile.previous_practitioner_clinic
    if combination is None or combination.practitioner.user is None:
        raise PrescriberError("There is no earlier link to restore.")
    prescriber_link(
        profile=profile,
        account=combination.practitioner.user,
        practitioner_clinic=combination,
        move_link=data["move_link"],
        npi_mismatch_confirmed=data["confirm_npi_mismatch"],
        actor=actor,
        reason=data["reason"],
    )
    return f"Linked again to {combination}."


def _archive(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    prescriber_archive(profile=profile, actor=actor, reason=data["reason"])
    return "Archived: this profile receives no prescriptions and is hidden from the list."


def _restore(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    prescriber_restore(profile=profile, actor=actor, reason=data["reason"])
    return "Restored: this profile is active again."


def _review(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    prescriber_review_complete(profile=profile, actor=actor, reason=data["reason"])
    return "Marked as reviewed."


def _merge(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    result = prescriber_merge(
        duplicate=profile, keep=data["keep"], actor=actor, reason=data["reason"]
    )
    moved = (
        f"Merged into “{result.kept}”: {len(result.prescription_ids)} prescription(s) and "
        f"{len(result.patient_ids)} patient(s) moved"
    )
    return moved + (", with the portal account link." if result.link_moved else ".")


def _invite(profile: PrescriberProfile, data: dict[str, Any], actor: User) -> str:
    invitation = practitioner_invitation_send(profile=profile, email=data["email"], actor=actor)
    return f"Invitation sent to {invitation.email}."


@dataclass(frozen=True)
class ProfileAction:
    slug: str
    title: str
    explanation: str
    form_class: type[ProfileActionForm]
    perform: Callable[[PrescriberProfile, dict[str, Any], User], str]
    available: Callable[[PrescriberProfile], bool]
    danger: bool = False


PROFILE_ACTIONS = (
    ProfileAction(
        slug="invite",
        title="Invite to the portal",
        explanation="Emails the practitioner an invitation to the practitioner portal.",
        form_class=InviteForm,
        perform=_invite,
        available=lambda p: p.is_active and p.practitioner_clinic_id is None,
    ),
    ProfileAction(
        slug="disconnect",
        title="Disconnect",
        explanation=(
            "Removes the link to the portal account and clinic. Prescriptions from that "
            "practitioner/clinic stop coming to this profile, and the account stops seeing this "
            "profile's patients on its next page view. You can reconnect afterwards."
        ),
        form_class=ReasonForm,
        perform=_disconnect,
        available=lambda p: p.practitioner_clinic_id is not None,
        danger=True,
    ),
    ProfileAction(
        slug="reconnect",
        title="Reconnect",
        explanation="Links this profile again to the account and clinic it was disconnected from.",
        form_class=ReconnectForm,
        perform=_reconnect,
        available=lambda p: (
            p.is_active
            and p.practitioner_clinic_id is None
            and p.previous_practitioner_clinic_id is not None
        ),
    ),
    ProfileAction(
        slug="merge",
        title="Merge into…",
        explanation=(
            "Moves this duplicate's prescriptions and patients to the profile you keep, then "
            "archives this one. If the kept profile has no portal account link, this profile's "
            "link moves with them. What moved is kept in the audit log."
        ),
        form_class=MergeForm,
        perform=_merge,
        available=lambda p: p.is_active,
        danger=True,
    ),
    ProfileAction(
        slug="archive",
        title="Archive",
        explanation=(
            "Marks the profile as Archived. It is never deleted, but it receives no "
            "prescriptions, its patients are hidden from the portal account, and it is hidden "
            "from the list by default. You can restore it."
        ),
        form_class=ReasonForm,
        perform=_archive,
        available=lambda p: p.is_active,
        danger=True,
    ),
    ProfileAction(
        slug="restore",
        title="Restore",
        explanation="Makes the archived profile active again.",
        form_class=ReasonForm,
        perform=_restore,
        available=lambda p: not p.is_active,
    ),
    ProfileAction(
        slug="reviewed",
        title="Mark reviewed",
        explanation="Confirms that this automatically created profile has been checked.",
        form_class=ReasonForm,
        perform=_review,
        available=lambda p: p.needs_review,
    ),
)
ACTIONS_BY_SLUG = {action.slug: action for action in PROFILE_ACTIONS}
