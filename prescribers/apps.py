from __future__ import annotations

from django.apps import AppConfig


class PrescribersConfig(AppConfig):
    name = "prescribers"
    verbose_name = "Pharmacy"

    def ready(self) -> None:
        from accounts.pages import Page, page_register
        from prescribers import (
            outbox_checks,  # noqa: F401  (registers its still-wanted check)
            receivers,  # noqa: F401  (connects the receivers)
        )
        from prescribers.api import schema  # noqa: F401  (registers the API token scheme)

        page_register(page=Page.PRACTITIONER_HOME, url_name="practitioner:home")
