from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

register = template.Library()


@register.filter
def report_url(instance) -> str:
    """Where a citizen reports this item (content types are cached: no query per item)."""
    content_type = ContentType.objects.get_for_model(instance)
    return reverse("moderation:report", args=[content_type.pk, instance.pk])


@register.filter
def moderates(user) -> bool:
    """Whether this reader is a moderator (remembered on the user: one look-up a page)."""
    cached = getattr(user, "_minyi_moderates", None)
    if cached is None:
        from moderation.services import user_is_moderator

        cached = user_is_moderator(user)
        if getattr(user, "pk", None) is not None:
            user._minyi_moderates = cached
    return cached


@register.filter
def moderate_url(instance) -> str:
    """The moderators' page for this one item (decide on it without a report)."""
    return (
        reverse("moderation_admin:items") + f"?kind={instance._meta.label_lower}&id={instance.pk}"
    )
