"""`manage.py listening_mask_posts`: mask personal data in social posts stored before posts were
masked at ingestion (text, title, raw payload), then re-analyse them and refresh their
aggregates, so top words and reports no longer carry it. Safe to run again."""

from django.core.management.base import BaseCommand

from sentiment.listening.services import posts_personal_data_mask


class Command(BaseCommand):
    help = "Mask personal data in stored social posts and refresh what was derived from them."

    def handle(self, *args, **options) -> None:
        changed = posts_personal_data_mask()
        self.stdout.write(f"已遮蔽 {changed} 則貼文中的個人資料，並重新分析與更新統計。")
