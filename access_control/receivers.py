"""Reactions to other apps' events, connected in AccessControlConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.defaultfilters import pluralize

from access_control.middleware import session_stamp
from access_control.services import invitations_revoke_outdated, portal_settings_initialize
from clinics.models import Patient
from clinics.services import patient_saved


@receiver(post_save, sender=Patient)
def _patient_created(
    sender: type[Patient], instance: Patient, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    # However a patient is created (staff admin, import, demo), it starts with portal settings.
    if created and not raw:
        portal_settings_initialize(patient=instance)


@receiver(patient_saved)
def _patient_saved(
    sender: type[Patient], patient: Patient, actor: Any, created: bool, **kwargs: Any
) -> str | None:
    # An invitation that went to an email no longer on file must not work; staff are told.
    if created:
        return None
    revoked = invitations_revoke_outdated(patient=patient, actor=actor)
    return f"{len(revoked)} portal invitation{pluralize(len(revoked))}" if revoked else None


@receiver(user_logged_in)
def _session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_stamp(request.session)
