from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from clinics.demo import DEMO_PASSWORD, seed_clinics


class Command(BaseCommand):
    help = "Loads demo clinics, staff, practitioners and patients. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            seed_clinics()
        base = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"""
Sign-ins (password for all: {DEMO_PASSWORD})
  Superuser (everything)          admin@example.com           {base}/admin/
  Northside front desk            frontdesk@northside.example {base}/admin/
  Northside clinic admin          manager@northside.example   {base}/admin/
  Lakeside front desk             frontdesk@lakeside.example  {base}/admin/

Emails the app sends are kept in the staff admin under Outbox > Emails, and printed here.
""")
