from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Loads the demo data of every app (settings.DEMO_SEEDERS). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        lines: list[str] = []
        with transaction.atomic():
            for dotted_path in settings.DEMO_SEEDERS:
                lines.extend(import_string(dotted_path)())
                lines.append("")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in lines:
            self.stdout.write(line.replace("{site}", settings.SITE_URL))
        self.stdout.write(
            "Emails the app sends are printed here, links included, and kept in the staff "
            "admin under Outbox > Emails, where links and codes are hidden."
        )
