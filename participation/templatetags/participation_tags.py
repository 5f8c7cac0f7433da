from django import template

from participation.page_holes import page_hole_output

register = template.Library()


@register.simple_tag(takes_context=True)
def page_hole(context, name: str):
    """A part of the consultation page that differs between signed-in readers
    (see ``participation.page_holes``)."""
    return page_hole_output(name=name, context=context)


@register.simple_tag(takes_context=True)
def refusals_for(context, form_id: str, pk: int | None = None) -> list[str]:
    """The errors a view refused the form ``form_id`` (``form_id-pk`` with a pk) with
    (``views._refused``), to show in that form: its redirect scrolls to the form, out of
    sight of the messages at the top."""
    from participation.views import refusal_tag

    request = context.get("request")
    if request is None or getattr(request, "_messages", None) is None:
        return []
    from django.contrib.messages import get_messages

    tag = refusal_tag(form_id if pk is None else f"{form_id}-{pk}")
    return [str(m) for m in get_messages(request) if tag in m.tags.split()]


@register.simple_tag(takes_context=True)
def refused_draft(context, form_id: str, pk: int | None = None) -> dict:
    """What the reader had typed in the form ``form_id`` (``form_id-pk``) when a view refused
    it (``views._refused``), once: the form shows it again to be corrected."""
    from participation.views import REFUSED_DRAFT

    request = context.get("request")
    session = getattr(request, "session", None)
    anchor = form_id if pk is None else f"{form_id}-{pk}"
    if session is None or session.get(REFUSED_DRAFT, {}).get("anchor") != anchor:
        return {}
    return session.pop(REFUSED_DRAFT)
