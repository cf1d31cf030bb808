"""Admin page addresses of a prescriber profile, shared by the admin tests."""

from __future__ import annotations

from django.urls import reverse

from prescribers.models import PrescriberProfile


def change_url(profile: PrescriberProfile) -> str:
    return reverse("admin:prescribers_prescriberprofile_change", args=[profile.pk])


def action_url(profile: PrescriberProfile, slug: str) -> str:
    return reverse("admin:prescribers_prescriberprofile_action", args=[profile.pk, slug])
