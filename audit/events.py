"""What an audit event says happened: one enum per app, all subclasses of `AuditAction`.

Each app keeps its events in `<app>/events.py`, values named `"<app label>.<event>"` (lower case
and underscores only) with a label for people. `audit_record` takes nothing else, so a mistyped
action fails at type-check time and at run time instead of writing a row nobody will find.
The audit app imports every `events` module when it starts (`AuditConfig.ready`), so the labels
of all apps are known without the audit app naming a higher one.
"""

from __future__ import annotations

from django.db import models
from django.utils.module_loading import autodiscover_modules


class AuditAction(models.TextChoices):
    """The base of every app's audit event enum; never has members of its own."""


def audit_action_enums() -> list[type[AuditAction]]:
    """Every app's event enum, in the order the apps were loaded."""
    found: list[type[AuditAction]] = []
    pending = list(AuditAction.__subclasses__())
    while pending:
        enum = pending.pop(0)
        found.append(enum)
        pending.extend(enum.__subclasses__())
    return found


def audit_action_choices() -> list[tuple[str, str]]:
    """(code, label) of every known action: the choices of `AuditEvent.action`, so the admin
    shows labels (`get_action_display`), and a code no enum knows any more is shown as stored."""
    return [(member.value, member.label) for enum in audit_action_enums() for member in enum]


def audit_actions_discover() -> None:
    """Imports `<app>.events` of every installed app, which defines (registers) its enum."""
    autodiscover_modules("events")
