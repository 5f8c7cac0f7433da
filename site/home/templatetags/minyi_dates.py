"""Template filters for 民國 dates.

    {% load minyi_dates %}
    {{ consultation.closes_at|minguo_date }}       115年11月22日
    {{ consultation.closes_at|minguo_datetime }}   115年11月22日 14:05
    {{ consultation.closes_at|tw_date }}           <time datetime="2026-11-22T14:05:00+08:00"
                                                   title="2026-11-22">115年11月22日</time>
    {{ consultation.closes_at|tw_date:"time" }}    the same with the time of day

``tw_date`` writes "22 Nov 2026" instead when the active language is English. Anything
that is not a date or datetime renders as an empty string.
"""

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from minyi.home import dates

register = template.Library()


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date)


@register.filter
def minguo_date(value: object) -> str:
    return dates.format_minguo_date(value) if _is_date(value) else ""


@register.filter
def minguo_datetime(value: object) -> str:
    return dates.format_minguo_datetime(value) if _is_date(value) else ""


@register.filter
def tw_date(value: object, arg: str = "") -> SafeString | str:
    """A ``<time>`` element: 民國 date for readers, Gregorian date for machines (and in title)."""
    if not _is_date(value):
        return ""
    with_time = arg == "time" and isinstance(value, dt.datetime)
    text = dates.format_reader_date(value, with_time=with_time)
    local = dates.to_taipei(value)
    title = f"{local:%Y-%m-%d %H:%M}" if with_time else f"{dates.taipei_date(local):%Y-%m-%d}"
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', dates.iso_value(value), title, text
    )


@register.filter
def duration(value: object) -> str:
    """Seconds as 「3 小時 12 分鐘」 (``dates.format_duration``); "" for anything not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return ""
    return dates.format_duration(value)
