from __future__ import annotations

from django.apps import AppConfig


class AccessControlConfig(AppConfig):
    name = "access_control"
    verbose_name = "Portal settings"

    def ready(self) -> None:
        from access_control import (
            outbox_checks,  # noqa: F401  (registers its still-wanted check)
            receivers,  # noqa: F401  (connects the receivers)
        )
        from access_control.tabs import PORTAL_ACCESS
        from clinics.tabs import patient_tab_register

        patient_tab_register(PORTAL_ACCESS)
