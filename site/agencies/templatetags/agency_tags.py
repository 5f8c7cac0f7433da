"""Marks what an agency's staff write on its own consultations as the agency's word."""

from django import template

from minyi.agencies.selectors import agency_member_ids

register = template.Library()

# Per request: consultation pk -> (its agency, the ids of that agency's staff), so a page
# of comments asks the database once per consultation, not once per comment.
_CACHE = "_minyi_agency_voices"


@register.simple_tag(takes_context=True)
def agency_voice(context, comment):
    """The agency ``comment`` speaks for (its author is on the staff of the consultation's
    agency), or None. Comments store no agency: an agency's reply is its staff's reply on the
    agency's own consultation."""
    holder = context.get("request") or context
    cache = getattr(holder, _CACHE, None)
    if cache is None:
        cache = {}
        setattr(holder, _CACHE, cache)
    consultation_id = comment.consultation_id
    if consultation_id not in cache:
        agency = comment.consultation.agency
        cache[consultation_id] = (agency, agency_member_ids(agency))
    agency, staff_ids = cache[consultation_id]
    return agency if comment.author_id in staff_ids else None
