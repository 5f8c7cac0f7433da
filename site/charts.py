"""One look for every chart on the site: the dashboard, listening and decision reports.

Charts are plotly figure specifications (plain dicts) rendered in the browser by one script,
``minyi/js/charts.js``, which serves plotly.js with its Traditional Chinese locale and draws
every ``[data-chart]`` on the page. Every chart has a data table beside it with the same
figures (the accessible source, and what a page without JavaScript shows).

The palette is colour-blind safe: Okabe & Ito's eight colours for categories, and the traffic
lights and stances drawn with colours that differ in lightness as well as hue.
"""

from typing import Any

FONT = {
    "family": "system-ui, -apple-system, 'Noto Sans TC', 'Noto Sans CJK TC', 'PingFang TC', "
    "'Microsoft JhengHei', sans-serif"
}
# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour
# vision deficiency.
CATEGORY_COLOURS = (
    "#0072b2",  # blue
    "#e69f00",  # orange
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#56b4e9",  # sky blue
    "#d55e00",  # vermilion
    "#f0e442",  # yellow
    "#000000",
)
POSITIVE, NEUTRAL, NEGATIVE = "#1d6b3a", "#6b7280", "#a32a1c"
PRIMARY, SECONDARY = "#0b5cad", "#5b6770"
HEIGHT = 320


def layout(**extra: Any) -> dict[str, Any]:
    """The common layout: the site's fonts, room for axis labels, the legend above the plot
    (plotly's automatic margins make room for it when it wraps on a phone), a transparent
    background that follows the high-contrast mode. `extra` overrides or adds keys."""
    base: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 40, "b": 48},
        # Above the plot: below it, the legend met the x axis's title on a phone.
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": HEIGHT,
        "separators": ".,",
    }
    base.update(extra)
    # Tick labels as wide as "1,000,000" push the margin out instead of being clipped; 9,250
    # not 9250 (plotly separates only five digits and more by itself; years are categories).
    for axis in ("xaxis", "yaxis", "yaxis2"):
        if axis in base or axis != "yaxis2":
            base[axis] = {"automargin": True, "separatethousands": True, **base.get(axis, {})}
    return base


ROC_OFFSET = 1911  # 民國 year = Gregorian year - 1911
MAX_DATE_TICKS = 8


def minguo_day_axis(dates: list[str]) -> dict[str, Any]:
    """A date axis whose tick labels are 民國 dates, as the pages around the chart write them.

    Plotly formats dates in the Gregorian calendar only, so the ticks are chosen here: every day
    over two weeks or less, evenly spaced days up to four months, the first of each month up to
    three years, each new year beyond. ``dates`` are ISO dates, oldest first. English pages get
    Gregorian labels (2013, Jan 2013, 22 Nov), as ``minyi.home.dates.format_reader_date``."""
    from datetime import date, timedelta

    from minyi.home.dates import ENGLISH_MONTHS, english_now

    english = english_now()
    axis: dict[str, Any] = {"type": "date", "hoverformat": "%Y-%m-%d"}
    if not dates:
        return axis
    first, last = date.fromisoformat(dates[0]), date.fromisoformat(dates[-1])
    span = (last - first).days
    if span <= 120:
        step = max(1, -(-(span + 1) // MAX_DATE_TICKS)) if span > 14 else 1
        ticks = [first + timedelta(days=n) for n in range(0, span + 1, step)]
        labels = [
            f"{d.day} {ENGLISH_MONTHS[d.month - 1]}"
            if english
            else f"{d.year - ROC_OFFSET}/{d.month}/{d.day}"
            for d in ticks
        ]
    elif span <= 3 * 366:
        months = [
            date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, 1)
            for n in range(1, (last.year - first.year) * 12 + last.month - first.month + 1)
        ]
        step = max(1, -(-len(months) // MAX_DATE_TICKS))
        ticks = months[::step] or [first]
        labels = [
            f"{ENGLISH_MONTHS[d.month - 1]} {d.year}"
            if english
            else f"{d.year - ROC_OFFSET}年{d.month}月"
            for d in ticks
        ]
    else:
        years = [date(year, 1, 1) for year in range(first.year + 1, last.year + 1)]
        step = max(1, -(-len(years) // MAX_DATE_TICKS))
        ticks = years[::step] or [first]
        labels = [str(d.year) if english else f"{d.year - ROC_OFFSET}年" for d in ticks]
    axis["tickvals"] = [d.isoformat() for d in ticks]
    axis["ticktext"] = labels
    return axis


MAX_COUNT_TICKS = 6  # zero included


def count_step(largest: float) -> int:
    """The tick step of a count axis up to ``largest``: the smallest of 1, 2, 5, 10, 20, 50…
    that needs at most ``MAX_COUNT_TICKS`` ticks."""
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            if largest <= step * (MAX_COUNT_TICKS - 1):
                return step
        magnitude *= 10


def count_axis(largest: float, **extra: Any) -> dict[str, Any]:
    """An axis of counts (comments, posts, votes): ticks on whole numbers only, from zero.

    Left to itself plotly steps by 0.2 or 0.5 when the largest count is small, as if there
    could be half a comment. ``largest`` is the highest count drawn on the axis (the top of
    the stack, for stacked bars); ``extra`` adds to or overrides the axis (its title)."""
    return {
        "rangemode": "tozero",
        "tick0": 0,
        "dtick": count_step(largest),
        "tickformat": ",d",
        **extra,
    }
