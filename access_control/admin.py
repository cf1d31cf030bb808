"""The clinic's portal defaults in the staff admin. The patient page's Portal Access tab is in
access_control/tabs.py, registered with the patient page of clinics (clinics/tabs.py)."""

from __future__ import annotations

from django.contrib import admin

from access_control.events import AccessControlEvent
from access_control.models import ClinicPortalSettings
from clinics.admin_scope import ClinicSettingsAdmin


@admin.register(ClinicPortalSettings)
class ClinicPortalSettingsAdmin(ClinicSettingsAdmin):
    list_display = ("clinic", "default_all_practitioners")
    fields = ("clinic", "default_all_practitioners")
    audit_action = AccessControlEvent.CLINIC_SETTINGS_SAVED
