"""Reactions to other apps' events, connected in FamilyLinksConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from access_control.signals import patient_blocked
from clinics.models import Patient
from family_links.services import access_links_revoke_for_block


@receiver(patient_blocked)
def _patient_blocked(sender: Any, patient: Patient, actor: Any, **kwargs: Any) -> None:
    # In the block's transaction: the record's pending links die with it, mail included.
    access_links_revoke_for_block(patient=patient, actor=actor)
