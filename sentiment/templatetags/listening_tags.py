"""Links to the social-listening dashboard from pages outside it (the account page)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sentiment.listening.selectors import user_is_analyst

register = template.Library()


@register.simple_tag(takes_context=True)
def listening_dashboard_link(context) -> str:
    """A button to /listening/ for analysts and superusers; nothing for anyone else."""
    request = context.get("request")
    if request is None or not user_is_analyst(request.user):
        return ""
    return format_html(
        '<p><a class="button button-secondary" href="{}">{}</a></p>',
        reverse("listening:topics"),
        _("Social listening dashboard"),
    )
