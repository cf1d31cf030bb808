from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task
def email_send(email_id: int) -> None:
    """Sends one outbox row. Safe to run twice: only the run that claims the row sends."""
    email = services.email_claim(email_id=email_id)
    if email is None:
        return
    try:
        services.email_deliver(email=email)
    except Exception as exc:
        if services.email_record_failure(email=email, error=f"{type(exc).__name__}: {exc}"):
            delay = services.email_retry_delay(attempts=email.attempts)
            email_send.apply_async((email_id,), countdown=delay.total_seconds())


@shared_task
def outbox_sweep() -> int:
    return len(services.email_sweep())
