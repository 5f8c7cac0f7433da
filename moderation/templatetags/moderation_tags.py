from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

register = template.Library()


@register.filter
def report_url(instance) -> str:
    """Where a citizen reports this item (content types are cached: no query per item)."""
    content_type = ContentType.objects.get_for_model(instance)
    return reverse("moderation:report", args=[content_type.pk, instance.pk])
