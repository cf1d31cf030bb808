from __future__ import annotations

from django.apps import AppConfig


class AccessControlConfig(AppConfig):
    name = "access_control"
    verbose_name = "Portal settings"

    def ready(self) -> None:
        from access_control import receivers  # noqa: F401  (connects the receivers)
