"""RSS/Atom feeds of consultations (all, or one agency's) and an iCalendar file per consultation."""

from datetime import UTC

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from minyi.agencies.models import Agency

from .selectors import consultation_list

FEED_SIZE = 50


class ConsultationFeed(Feed):
    description = _("New public consultations on Minyi.")

    def get_object(self, request, agency_code: str | None = None):
        self.request = request
        if agency_code is None:
            return None
        return get_object_or_404(Agency, code=agency_code.upper())

    def title(self, agency: Agency | None) -> str:
        if agency is None:
            return str(_("Minyi: public consultations"))
        return str(_("Minyi: consultations of %(agency)s") % {"agency": agency.name_zh})

    def link(self, agency: Agency | None) -> str:
        return "/"

    def items(self, agency: Agency | None):
        pages = consultation_list()
        if agency is not None:
            pages = pages.filter(agency=agency)
        return pages[:FEED_SIZE]

    def item_title(self, item) -> str:
        return f"【{item.agency.name_zh}】{item.title}"

    def item_description(self, item) -> str:
        # The summary is plain text; feed readers treat a description as HTML.
        return escape(item.summary)

    def item_link(self, item) -> str:
        return item.get_url(request=self.request)

    def item_pubdate(self, item):
        return item.first_published_at or item.opens_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.agency.code]


class ConsultationAtomFeed(ConsultationFeed):
    feed_type = Atom1Feed
    subtitle = ConsultationFeed.description


def _ical_escape(value: str) -> str:
    # A bare carriage return would start a new (injected) property in many parsers.
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ical_fold(line: str) -> str:
    """RFC 5545 lines are folded at 75 octets (never inside a UTF-8 character)."""
    parts, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _ical_time(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def consultation_short_link(request: HttpRequest, pk: int) -> HttpResponse:
    """/c/<id>/: a short address to share. A page's own address holds its slug, which Wagtail
    makes from a Chinese title, so a shared link became a long run of %E9%AB%98…; this one
    stays short and keeps working if the slug is changed (hence a temporary redirect)."""
    page = get_object_or_404(consultation_list(), pk=pk)
    return redirect(page.url)


def consultation_ical(request: HttpRequest, pk: int) -> HttpResponse:
    """The comment deadline as a calendar event, with a reminder three days before."""
    page = get_object_or_404(consultation_list(), pk=pk)
    url = page.get_full_url(request=request)
    closing = _("Comment period closes: %(title)s") % {"title": page.title}
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Minyi//Consultations//ZH-TW",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:consultation-{page.pk}-closes@minyi",
        f"DTSTAMP:{_ical_time(timezone.now())}",
        f"DTSTART:{_ical_time(page.closes_at)}",
        f"DTEND:{_ical_time(page.closes_at)}",
        f"SUMMARY:{_ical_escape(str(closing))}",
        f"DESCRIPTION:{_ical_escape(page.summary + chr(10) + url)}",
        f"URL:{url}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-P3D",
        f"DESCRIPTION:{_ical_escape(str(closing))}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    body = "\r\n".join(_ical_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{page.pk}.ics"'
    return response
