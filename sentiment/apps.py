from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SentimentConfig(AppConfig):
    name = "sentiment"
    verbose_name = _("Listening and Chinese NLP")

    def ready(self) -> None:
        from datetime import timedelta

        from minyi.jobs.schedule import periodic
        from minyi.notifications.kinds import notification_kind_register
        from minyi.publishing import derived_refresher_register

        from .listening.services import ALERT_NOTIFICATION_KIND, post_analysis_register
        from .listening.tasks import listening_tick
        from .services import text_analysis_refresh

        # Social media posts go through the same analysis job as citizens' texts.
        post_analysis_register()
        notification_kind_register(ALERT_NOTIFICATION_KIND, _("Listening alert"))
        periodic(listening_tick, every=timedelta(minutes=1))
        # After a moderator's decision or an author's edit: analyse the published text again.
        derived_refresher_register(text_analysis_refresh)
