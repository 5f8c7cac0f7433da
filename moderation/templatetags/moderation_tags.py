from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.filter
def report_url(instance) -> str:
    """Where a citizen reports this item (content types are cached: no query per item)."""
    content_type = ContentType.objects.get_for_model(instance)
    return reverse("moderation:report", args=[content_type.pk, instance.pk])


_QUEUE_STATES = {
    "held": _("Held by screening"),
    "hidden": _("Hidden after reports"),
    "reported": _("Reported, still visible"),
}


@register.filter
def queue_state_label(state: str) -> str:
    """The queue's state of an item in words (never the code)."""
    return str(_QUEUE_STATES.get(state, state))


@register.filter
def outcome_label(outcome: str) -> str:
    from moderation.models import Outcome

    return str(Outcome(outcome).label) if outcome in Outcome.values else outcome


@register.filter
def rule_title(code: str) -> str:
    from moderation.rules import RULES

    return RULES[code].title_zh if code in RULES else code
