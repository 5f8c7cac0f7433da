from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentimentConfig(AppConfig):
    name = "sentiment"
    verbose_name = _("Listening and Chinese NLP")

    def ready(self) -> None:
        from datetime import timedelta

        from minyi.jobs.schedule import periodic

        from .listening.services import post_analysis_register
        from .listening.tasks import listening_tick

        # Social media posts go through the same analysis job as citizens' texts.
        post_analysis_register()
        periodic(listening_tick, every=timedelta(minutes=1))
