from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Consultations and participation")

    def ready(self) -> None:
        from minyi.accounts.selectors import register_export_section
        from sentiment.services import analysed_model_register

        from .selectors import participant_data_export
        from .services import moderated_kinds_register

        moderated_kinds_register()
        _page_cache_connect()
        _schedule_periodic_jobs()
        register_export_section("participation", participant_data_export)

        # Every citizen text goes through the NLP engine (in the background, after commit).
        analysed_model_register(model_label="participation.comment", text_of=lambda c: c.body)
        analysed_model_register(model_label="participation.statement", text_of=lambda s: s.text)
        analysed_model_register(
            model_label="participation.petition", text_of=lambda p: f"{p.title}\n{p.body}"
        )


def _page_cache_connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    from .models import ConsultationPage
    from .page_cache import consultation_page_changed, view_restriction_changed

    for signal in (page_published, page_unpublished):
        signal.connect(consultation_page_changed, sender=ConsultationPage)
    for signal in (post_save, post_delete):
        signal.connect(view_restriction_changed, sender=PageViewRestriction)


def _schedule_periodic_jobs() -> None:
    from datetime import time, timedelta

    from minyi.jobs.schedule import periodic

    from .tasks import closing_notices, notification_digest

    periodic(closing_notices, every=timedelta(hours=1))
    periodic(notification_digest, daily_at=time(8, 0))
