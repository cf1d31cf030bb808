"""Reactions to other apps' events, connected in FamilyLinksConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.template.defaultfilters import pluralize

from access_control.signals import patient_blocked
from clinics.models import Patient
from clinics.services import patient_saved
from family_links.services import access_links_revoke_for_block, access_links_revoke_outdated


@receiver(patient_blocked)
def _patient_blocked(sender: Any, patient: Patient, actor: Any, **kwargs: Any) -> None:
    # In the block's transaction: the record's pending links die with it, mail included.
    access_links_revoke_for_block(patient=patient, actor=actor)


@receiver(patient_saved)
def _patient_saved(
    sender: type[Patient], patient: Patient, actor: Any, created: bool, **kwargs: Any
) -> str | None:
    # A link mailed to an email no longer on file must not work, nor be reminded of there.
    if created:
        return None
    revoked = access_links_revoke_outdated(patient=patient, actor=actor)
    return f"{len(revoked)} Medical Access Link{pluralize(len(revoked))}" if revoked else None
