"""民國 (Republic of China) dates, as Taiwan's government writes them.

The 民國 year counts from 1912 (民國1年); 2026 is 民國115年. Datetimes are shown in
Taipei time whatever time zone they are stored in. Years before 1912 have no
民國 year and are written in the Gregorian calendar (西元).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import ngettext

TAIPEI = ZoneInfo("Asia/Taipei")
MINGUO_OFFSET = 1911  # 民國 year = Gregorian year − 1911
ENGLISH_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def to_taipei(value: dt.date | dt.datetime) -> dt.date | dt.datetime:
    """A datetime in Taipei time; a naive datetime is taken to be Taipei time already.

    Plain dates are returned unchanged.
    """
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.replace(tzinfo=TAIPEI)
        return value.astimezone(TAIPEI)
    return value


def taipei_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar day in Taipei on which ``value`` falls."""
    local = to_taipei(value)
    return local.date() if isinstance(local, dt.datetime) else local


def minguo_year(value: dt.date | dt.datetime) -> int | None:
    """The 民國 year of ``value`` (in Taipei), or None before 1912."""
    year = taipei_date(value).year - MINGUO_OFFSET
    return year if year >= 1 else None


def english_now() -> bool:
    """Whether the active language is English (else Chinese: 民國 dates, full-width marks)."""
    from django.utils import translation

    return (translation.get_language() or "").startswith("en")


def format_minguo_date(value: dt.date | dt.datetime) -> str:
    """``115年11月22日``; before 1912 ``西元1911年10月10日``."""
    day = taipei_date(value)
    year = minguo_year(day)
    year_text = f"{year}年" if year is not None else f"西元{day.year}年"
    return f"{year_text}{day.month}月{day.day}日"


def format_minguo_datetime(value: dt.date | dt.datetime) -> str:
    """``115年11月22日 14:05`` in Taipei time; a plain date gives the date alone."""
    local = to_taipei(value)
    if not isinstance(local, dt.datetime):
        return format_minguo_date(local)
    return f"{format_minguo_date(local)} {local:%H:%M}"


def format_english_date(value: dt.date | dt.datetime) -> str:
    """``22 Nov 2026`` (the Taipei calendar day), independent of the server's locale."""
    day = taipei_date(value)
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def format_english_datetime(value: dt.date | dt.datetime) -> str:
    """``22 Nov 2026, 14:05`` in Taipei time; a plain date gives the date alone."""
    local = to_taipei(value)
    if not isinstance(local, dt.datetime):
        return format_english_date(local)
    return f"{format_english_date(local)}, {local:%H:%M}"


def format_reader_date(value: dt.date | dt.datetime, *, with_time: bool = False) -> str:
    """The date (and time) in the reader's calendar: 民國 in Chinese, Gregorian in English."""
    if english_now():
        return format_english_datetime(value) if with_time else format_english_date(value)
    return format_minguo_datetime(value) if with_time else format_minguo_date(value)


def iso_value(value: dt.date | dt.datetime) -> str:
    """The machine-readable value for ``<time datetime=...>``, with the +08:00 offset."""
    local = to_taipei(value)
    if isinstance(local, dt.datetime):
        return local.isoformat(timespec="seconds")
    return local.isoformat()


_DURATION_UNITS = (
    (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n) % {"n": n}),
    (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}),
    (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}),
    (1, lambda n: ngettext("%(n)d second", "%(n)d seconds", n) % {"n": n}),
)


def format_duration(seconds: float) -> str:
    """A span of time as people say it: its two largest units, rounded down
    (「2 天 3 小時」, 「45 分鐘」, 「0 秒」), not a count of seconds."""
    left = max(0, int(seconds))
    counts = []
    for size, say in _DURATION_UNITS:
        count, left = divmod(left, size)
        counts.append((count, say))
    largest = next((i for i, (count, _say) in enumerate(counts) if count), len(counts) - 1)
    # 「2 天」, not 「2 天 0 小時」; 「0 秒」 for nothing at all.
    shown = [part for part in counts[largest : largest + 2] if part[0]] or [counts[largest]]
    return " ".join(say(count) for count, say in shown)
