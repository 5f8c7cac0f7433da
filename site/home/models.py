"""The home page: what a citizen sees first."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .english import EnglishVersionMixin


class HomePage(EnglishVersionMixin, Page):
    """The root of the public site: open consultations and dashboard highlights."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )
    max_count = 1

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        EnglishVersionMixin.english_panel(),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "agencies.AgencyPage",
        "participation.ConsultationIndexPage",
        "participation.PetitionIndexPage",
        "moderation.HouseRulesPage",
        "performance.PerformanceDashboardPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from .selectors import home_highlights

        context = super().get_context(request, *args, **kwargs)
        context.update(home_highlights())
        return context
