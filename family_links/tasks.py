from __future__ import annotations

from celery import shared_task

from family_links.services import access_link_remind_expiring


@shared_task
def access_links_remind_expiring() -> int:
    """Beat runs this hourly: a reminder for each sent link that expires within a day."""
    return len(access_link_remind_expiring())
