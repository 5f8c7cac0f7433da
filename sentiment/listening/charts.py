"""Plotly specifications of the listening dashboard (the tables beside them hold the figures)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.charts import CATEGORY_COLOURS, NEGATIVE, NEUTRAL, POSITIVE, PRIMARY
from minyi.charts import layout as chart_layout

COLOURS = {"positive": POSITIVE, "neutral": NEUTRAL, "negative": NEGATIVE, "volume": PRIMARY}
# Dates on the time axis as a reader in Taiwan writes them (11月27日), not "Nov 27".
TIME_AXIS = {"type": "date", "tickformat": "%-m月%-d日", "hoverformat": "%Y/%m/%d %H:%M"}


def _x(series) -> list[str]:
    return [timezone.localtime(row["start"]).isoformat() for row in series]


def volume_chart(series) -> dict:
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
        "layout": chart_layout(xaxis=TIME_AXIS, yaxis={"title": {"text": _("Posts")}}),
    }


def sentiment_chart(series) -> dict:
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
            xaxis=TIME_AXIS,
            yaxis={"title": {"text": _("Posts")}},
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
        "layout": chart_layout(height=420, margin={"l": 96, "r": 16, "t": 16, "b": 32}),
    }
