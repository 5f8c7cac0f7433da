from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "participation"
    verbose_name = _("Consultations and participation")

    def ready(self) -> None:
        from minyi.accounts.selectors import register_export_section
        from minyi.home.sections import site_section_register
        from minyi.notifications.bell import bell_deferral_register
        from minyi.notifications.follows import follow_provider_register
        from sentiment.services import analysed_model_register

        from .follows import participation_followed_items
        from .notification_kinds import notification_kinds_register
        from .page_holes import bell_deferred
        from .selectors import participant_data_export
        from .services import moderated_kinds_register

        moderated_kinds_register()
        notification_kinds_register()
        _listening_panel_register()
        site_section_register("consultations", model="participation.ConsultationIndexPage")
        site_section_register("petitions", model="participation.PetitionIndexPage")
        follow_provider_register("participation", participation_followed_items)
        # Cached consultation pages leave the bell as a hole, filled for each reader.
        bell_deferral_register(bell_deferred)
        _page_cache_connect()
        _schedule_periodic_jobs()
        register_export_section("participation", participant_data_export)

        _publishable_kinds_register()
        # Every citizen text goes through the NLP engine (in the background, after commit).
        for label in ("participation.comment", "participation.statement", "participation.petition"):
            analysed_model_register(model_label=label)


def _publishable_kinds_register() -> None:
    """What the public sees now, and its text as published (minyi.publishing's one rule)."""
    from minyi.publishing import publishable_kind_register

    from .models import CommentState, ModerationState, PetitionModeration

    publishable_kind_register(
        label="participation.comment",
        text_of=lambda comment: comment.body,
        visible=lambda comments: comments.filter(state=CommentState.PUBLISHED),
    )
    publishable_kind_register(
        label="participation.statement",
        text_of=lambda statement: statement.text,
        visible=lambda statements: statements.filter(
            moderation_state__in=[ModerationState.UNMODERATED, ModerationState.ACCEPTED]
        ),
    )
    publishable_kind_register(
        label="participation.petition",
        text_of=lambda petition: f"{petition.title}\n{petition.body}",
        visible=lambda petitions: petitions.filter(moderation_state=PetitionModeration.APPROVED),
    )


def _listening_panel_register() -> None:
    """A listening topic linked to consultations shows their comments (sentiment.listening)."""
    from sentiment.listening.panels import TopicPanel, topic_panel_register

    from .selectors import topic_consultation_comments

    topic_panel_register(
        "consultation_comments",
        TopicPanel(
            template="participation/includes/topic_comments_panel.html",
            context=lambda topic: topic_consultation_comments(topic=topic),
        ),
    )


def _page_cache_connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction
    from wagtail.signals import page_published, page_unpublished

    from minyi.page_cache import page_cache_personalisation_register, page_published_changed

    from .models import ConsultationPage
    from .page_holes import PERSONALISATION

    page_cache_personalisation_register(PERSONALISATION)
    for signal in (page_published, page_unpublished):
        signal.connect(page_published_changed, sender=ConsultationPage)
    for signal in (post_save, post_delete):
        signal.connect(_view_restriction_changed, sender=PageViewRestriction)


def _view_restriction_changed(sender, instance, **kwargs) -> None:
    """A page (or a section above it) became private or public again: the cached copies of
    every consultation below it are stale at once, not after the cache's TTL."""
    from minyi.live.versions import stream_version_bump

    from .models import ConsultationPage

    for pk in (
        ConsultationPage.objects.descendant_of(instance.page, inclusive=True)
        .values_list("pk", flat=True)
        .iterator()
    ):
        stream_version_bump(ConsultationPage.stream_of(pk))


def _schedule_periodic_jobs() -> None:
    from datetime import timedelta

    from minyi.jobs.schedule import periodic

    from .tasks import closing_notices

    periodic(closing_notices, every=timedelta(hours=1))
