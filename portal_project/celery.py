"""The Celery app. Without REDIS_URL, settings make every task run inline."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_project.settings")

app = Celery("portal_project")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
