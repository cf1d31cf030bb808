from __future__ import annotations

from celery import shared_task

from outbox import services
from outbox.sealing import SealBroken


@shared_task
def email_send(email_id: int) -> None:
    """Sends one outbox row. Safe to run twice: only the run that claims the row sends.

    Just before sending it asks the app that wrote the mail whether it is still wanted (the
    link not revoked, the record not blocked); if not, the row is cancelled with the reason.
    """
    email = services.email_claim(email_id=email_id)
    if email is None:
        return
    try:
        if services.email_cancel_unwanted(email=email):
            return
        services.email_deliver(email=email)
    except SealBroken as exc:
        services.email_record_failure(email=email, error=str(exc), permanent=True)
    except Exception as exc:
        will_retry = services.email_record_failure(
            email=email, error=f"{type(exc).__name__}: {exc}"
        )
        # Run inline (no broker), a countdown is ignored and the retry would fail again at
        # once, over and over: the row waits, queued, for the sweeper instead.
        if will_retry and not email_send.app.conf.task_always_eager:
            delay = services.email_retry_delay(attempts=email.attempts)
            email_send.apply_async((email_id,), countdown=delay.total_seconds())


@shared_task
def outbox_sweep() -> int:
    return len(services.email_sweep())
