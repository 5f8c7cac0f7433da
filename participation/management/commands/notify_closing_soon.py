"""Daily (or hourly): tell followers that a consultation closes within three days, once each."""

from django.core.management.base import BaseCommand

from participation.follows import consultations_closing_notify


class Command(BaseCommand):
    help = "Notify followers of consultations closing within three days (each follower once)."

    def handle(self, *args, **options):
        count = consultations_closing_notify()
        self.stdout.write(f"已通知 {count} 位追蹤者。")
