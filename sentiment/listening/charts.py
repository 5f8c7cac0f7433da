"""Plotly specifications of the listening dashboard (the tables beside them hold the figures)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.charts import (
    CATEGORY_COLOURS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    PRIMARY,
    count_axis,
    minguo_day_axis,
)
from minyi.charts import layout as chart_layout
from sentiment.models import Granularity

COLOURS = {"positive": POSITIVE, "neutral": NEUTRAL, "negative": NEGATIVE, "volume": PRIMARY}


def _x(series) -> list[str]:
    return [timezone.localtime(row["start"]).isoformat() for row in series]


def time_axis(series, granularity: str = Granularity.DAY) -> dict:
    """The periods' axis with 民國 dates, as the rest of the site's charts write them
    (115/11/27); hourly buckets (a range of three days or less) hover with their hour."""
    days = sorted({timezone.localtime(row["start"]).date().isoformat() for row in series})
    axis = minguo_day_axis(days)
    if granularity == Granularity.HOUR:
        return {**axis, "hoverformat": "%Y-%m-%d %H:%M"}
    return axis


def volume_chart(series, granularity: str = Granularity.DAY) -> dict:
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Posts"),
                "x": _x(series),
                "y": [row["volume"] for row in series],
                "marker": {"color": COLOURS["volume"]},
            }
        ],
        "layout": chart_layout(
            xaxis=time_axis(series, granularity),
            yaxis=count_axis(
                max((row["volume"] for row in series), default=0), title={"text": _("Posts")}
            ),
        ),
    }


STACKED = ("positive", "neutral", "negative")


def sentiment_chart(series, granularity: str = Granularity.DAY) -> dict:
    x = _x(series)
    data = [
        {
            "type": "bar",
            "name": label,
            "x": x,
            "y": [row[key] for row in series],
            "marker": {"color": COLOURS[key]},
        }
        for key, label in (
            ("positive", _("Positive")),
            ("neutral", _("Neutral")),
            ("negative", _("Negative")),
        )
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": _("Net sentiment"),
            "x": x,
            "y": [row["net"] for row in series],
            "yaxis": "y2",
            "line": {"color": "#111827"},
        }
    )
    return {
        "data": data,
        "layout": chart_layout(
            barmode="stack",
            xaxis=time_axis(series, granularity),
            # The bars are stacked: the axis reaches the tallest stack.
            yaxis=count_axis(
                max((sum(row[key] for key in STACKED) for row in series), default=0),
                title={"text": _("Posts")},
            ),
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "range": [-1.1, 1.1],
                "tickvals": [-1, -0.5, 0, 0.5, 1],
                "showgrid": False,
                "zeroline": False,
                "title": {"text": _("Net sentiment")},
            },
            margin={"l": 48, "r": 56, "t": 16, "b": 48},
        ),
    }


def sources_chart(sources) -> dict:
    return {
        "data": [
            {
                "type": "pie",
                "labels": [row["name"] for row in sources],
                "values": [row["volume"] for row in sources],
                "hole": 0.4,
                "marker": {"colors": list(CATEGORY_COLOURS)},
            }
        ],
        "layout": chart_layout(),
    }


def keywords_chart(keywords) -> dict:
    top = list(reversed(keywords[:15]))
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [count for _word, count in top],
                "y": [word for word, _count in top],
                "marker": {"color": COLOURS["volume"]},
            }
        ],
        "layout": chart_layout(
            height=420,
            margin={"l": 96, "r": 16, "t": 16, "b": 32},
            xaxis=count_axis(max((count for _word, count in top), default=0)),
        ),
    }
