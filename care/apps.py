from __future__ import annotations

from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "care"
    verbose_name = "Care"

    def ready(self) -> None:
        from care.tabs import ASSIGN_FORM, CARE
        from clinics.tabs import patient_action_register, patient_tab_register

        patient_tab_register(CARE)
        patient_action_register(ASSIGN_FORM)
