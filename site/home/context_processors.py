"""Display preferences for readers: text size and high contrast (kept in cookies)."""

from django.http import HttpRequest

TEXT_SIZES = ("normal", "large", "larger")
TEXT_SIZE_COOKIE = "minyi_text_size"
CONTRAST_COOKIE = "minyi_contrast"


def display_preferences(request: HttpRequest) -> dict[str, str]:
    text_size = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    if text_size not in TEXT_SIZES:
        text_size = "normal"
    contrast = "high" if request.COOKIES.get(CONTRAST_COOKIE) == "high" else "normal"
    return {"text_size": text_size, "contrast": contrast}


def site_sections(request: HttpRequest) -> dict[str, dict[str, str]]:
    """Links to the site's main sections for the header (one query per page view)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from .sections import site_section_models

    kinds = {
        ContentType.objects.get_for_model(apps.get_model(label)).pk: key
        for key, label in site_section_models().items()
    }
    sections: dict[str, str] = {}
    for page in Page.objects.live().filter(content_type_id__in=kinds).order_by("path"):
        sections.setdefault(kinds[page.content_type_id], page.get_url(request=request))
    return {"site_sections": sections}
