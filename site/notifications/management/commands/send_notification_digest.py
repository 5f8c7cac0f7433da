"""Daily: one e-mail per person who chose the digest; run it from cron or a timer once a day."""

from django.core.management.base import BaseCommand

from minyi.notifications.services import notification_digest_send


class Command(BaseCommand):
    help = "Send the daily notification digest e-mails (queued for the task worker)."

    def handle(self, *args, **options):
        count = notification_digest_send()
        self.stdout.write(f"已排入 {count} 封每日摘要郵件。")
