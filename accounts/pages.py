"""Pages of the apps above that lower apps send people to, asked for by purpose.

A lower app never names an upper app's URL (imports and links point down the layers): the app
that owns the page registers it here from its AppConfig.ready(), the way outbox's still-wanted
checks are registered.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse


class Page(StrEnum):
    PORTAL_HOME = "portal_home"
    PORTAL_FORMS = "portal_forms"
    PORTAL_FORM = "portal_form"
    PORTAL_APPOINTMENTS = "portal_appointments"
    PORTAL_PROFILE = "portal_profile"
    PRACTITIONER_HOME = "practitioner_home"


_url_names: dict[Page, str] = {}


def page_register(*, page: Page, url_name: str) -> None:
    _url_names[page] = url_name


def page_url_name(page: Page) -> str:
    """The URL name the owning app registered for this page."""
    try:
        return _url_names[page]
    except KeyError:
        raise ImproperlyConfigured(f"No installed app registered the page {page!r}.") from None


def page_url(page: Page, **kwargs: Any) -> str:
    return reverse(page_url_name(page), kwargs=kwargs or None)
