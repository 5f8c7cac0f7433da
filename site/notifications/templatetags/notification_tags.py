from django import template

from minyi.notifications.bell import bell_output

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context):
    """The header's link to the notifications with the reader's unread count."""
    return bell_output(context)
