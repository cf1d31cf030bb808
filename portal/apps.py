from __future__ import annotations

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Patient portal"

    def ready(self) -> None:
        from accounts.pages import Page, page_register

        # The portal's pages that the apps below send people to (see accounts.pages).
        page_register(page=Page.PORTAL_HOME, url_name="portal:home")
        page_register(page=Page.PORTAL_PROFILE, url_name="portal:profiles:profile")
        page_register(page=Page.PORTAL_FORMS, url_name="portal:care:forms")
        page_register(page=Page.PORTAL_FORM, url_name="portal:care:form")
        page_register(page=Page.PORTAL_APPOINTMENTS, url_name="portal:care:appointments")
