from __future__ import annotations

from django.apps import AppConfig


class FamilyLinksConfig(AppConfig):
    name = "family_links"
    verbose_name = "Medical Access Links"

    def ready(self) -> None:
        from clinics.tabs import (
            patient_action_register,
            patient_panel_register,
            patient_tab_register,
        )
        from family_links import (
            outbox_checks,  # noqa: F401  (registers its still-wanted check)
            receivers,  # noqa: F401  (connects the receivers)
        )
        from family_links.tabs import ACCESS_CODE, PORTAL_CHANGES, SEND_ACCESS_LINKS

        patient_tab_register(ACCESS_CODE)
        patient_action_register(SEND_ACCESS_LINKS)
        patient_panel_register(PORTAL_CHANGES)
