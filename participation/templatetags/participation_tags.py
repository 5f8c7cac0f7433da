from django import template

from participation.page_holes import page_hole_output

register = template.Library()


@register.simple_tag(takes_context=True)
def page_hole(context, name: str):
    """A part of the consultation page that differs between signed-in readers
    (see ``participation.page_holes``)."""
    return page_hole_output(name=name, context=context)
