"""Background jobs of notifications (run by the task worker, not the request)."""

import logging

from django.core.mail import EmailMessage, get_connection

from minyi.jobs.tasks import job

logger = logging.getLogger(__name__)


@job(max_attempts=3, backoff_seconds=60)
def emails_send(*, messages: list[dict]) -> int:
    """Send prepared messages ({to, subject, body, headers}); returns how many went out."""
    sent = 0
    with get_connection() as connection:
        for message in messages:
            try:
                sent += EmailMessage(
                    subject=message["subject"],
                    body=message["body"],
                    to=[message["to"]],
                    headers=message.get("headers") or {},
                    connection=connection,
                ).send()
            except Exception:  # one bad address must not stop the rest
                logger.exception("Could not send a notification e-mail")
    return sent


@job(max_attempts=2, backoff_seconds=300)
def notification_digest() -> int:
    """Daily at 08:00 Taiwan time: the digest e-mails."""
    from .services import notification_digest_send

    return notification_digest_send()
