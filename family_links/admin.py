"""Medical Access Links, the portal's demographic changes and the clinic's link settings in the
staff admin. The patient page's Medical Access Code tab, its bulk action and its General-tab
panel are in family_links/tabs.py, registered with the patient page of clinics (clinics/tabs.py).
"""

from __future__ import annotations

from django.contrib import admin

from clinics.admin import ReadOnlyLogAdmin
from clinics.admin_scope import ClinicSettingsAdmin
from family_links.events import FamilyLinksEvent
from family_links.models import AccessLink, ClinicLinkSettings, DemographicChange


@admin.register(AccessLink)
class AccessLinkAdmin(ReadOnlyLogAdmin):
    """Every Medical Access Link of the staff's clinics, to see at a glance who has linked."""

    list_display = ("patient", "status_label", "created_at", "expires_at", "sent_to", "used_by")
    list_select_related = ("patient", "used_by")
    search_fields = ("patient__last_name", "patient__first_name", "sent_to")
    date_hierarchy = "created_at"
    exclude = ("digest", "code_digest")

    @admin.display(description="status")
    def status_label(self, obj: AccessLink) -> str:
        return obj.status_label


@admin.register(DemographicChange)
class DemographicChangeAdmin(ReadOnlyLogAdmin):
    list_display = ("changed_at", "patient", "field", "old_value", "new_value", "changed_by")
    list_filter = ("field",)
    list_select_related = ("patient", "changed_by")
    search_fields = ("patient__last_name", "patient__first_name")


@admin.register(ClinicLinkSettings)
class ClinicLinkSettingsAdmin(ClinicSettingsAdmin):
    list_display = ("clinic", "require_date_of_birth")
    fields = ("clinic", "require_date_of_birth")
    audit_action = FamilyLinksEvent.CLINIC_SETTINGS_SAVED
