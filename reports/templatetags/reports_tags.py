"""Template helpers of decision reports (and the links on the consultation page)."""

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter
def iso_moment(value: object) -> date | datetime | str:
    """An ISO 8601 date or datetime as stored in a report's figures, parsed, for ``tw_date``
    to write as the site writes dates; "" for anything else."""
    if not isinstance(value, str):
        return ""
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        return ""


@register.simple_tag
def table_rows(table, comment_url: str = "") -> list[list[dict]]:
    """A table's rows on the page: each cell with its value, link and alignment."""
    return table.cells(comment_url)


@register.inclusion_tag("reports/includes/published_link.html", takes_context=True)
def published_report_link(context, page, in_list: bool = False) -> dict:
    """On the consultation page: its latest published report, and for analysts and the
    agency's staff a link to every version (one query for the public). ``in_list``: one of
    several on a page (the archive), so without the page's ``#decision-report`` anchor."""
    from reports.selectors import (
        report_latest_published,
        report_moderation_update_pending,
        user_can_see_drafts,
    )

    request = context.get("request")
    user = getattr(request, "user", None)
    staff = bool(user and user.is_authenticated) and user_can_see_drafts(
        user=user, consultation=page
    )
    report = report_latest_published(consultation=page)
    return {
        "report": report,
        # Between a moderator's decision and the new version: say so instead of a dead link.
        "updating": report is None and report_moderation_update_pending(consultation=page),
        "consultation": page,
        "can_see_drafts": staff,
        "in_list": in_list,
    }
