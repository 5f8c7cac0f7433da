"""English versions of the pages that frame the site (home, index pages, the dashboard).

Their titles and introductions are written in Chinese; an editor may give the same in English
for the English site (/en/). Where none is given, English readers get the Chinese.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField

from .dates import english_now


class EnglishVersionMixin(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    intro_en = RichTextField(
        _("introduction (English)"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    english_fields = ("title_en", "intro_en")

    class Meta:
        abstract = True

    @classmethod
    def english_panel(cls, *extra_panels) -> MultiFieldPanel:
        return MultiFieldPanel(
            [FieldPanel("title_en"), FieldPanel("intro_en"), *extra_panels],
            heading=_("For the English site"),
        )

    @staticmethod
    def for_reader(chinese: str, english: str) -> str:
        return english if english and english_now() else chinese

    @property
    def reader_title(self) -> str:
        """The title in the reader's language (heading, breadcrumbs, browser tab)."""
        return self.for_reader(self.title, self.title_en)

    @property
    def reader_intro(self) -> str:
        return self.for_reader(self.intro, self.intro_en)
