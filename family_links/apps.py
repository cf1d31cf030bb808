from __future__ import annotations

from django.apps import AppConfig


class FamilyLinksConfig(AppConfig):
    name = "family_links"
    verbose_name = "Medical Access Links"

    def ready(self) -> None:
        from family_links import (
            outbox_checks,  # noqa: F401  (registers its still-wanted check)
            receivers,  # noqa: F401  (connects the receivers)
        )
