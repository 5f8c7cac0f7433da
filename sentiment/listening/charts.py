"""Plotly specifications of the listening dashboard (the tables beside them hold the figures)."""

from django.utils import timezone
from django.utils.translation import gettext as _

FONT = {"family": "system-ui, -apple-system, 'Noto Sans TC', 'PingFang TC', sans-serif"}
COLOURS = {"positive": "#1d6b3a", "neutral": "#6b7280", "negative": "#a32a1c", "volume": "#0b5cad"}


def _layout(**extra) -> dict:
    return {
        "font": FONT,
        "margin": {"l": 48, "r": 16, "t": 16, "b": 48},
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "height": 320,
        **extra,
    }


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
        "layout": _layout(yaxis={"title": _("Posts")}),
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
        "layout": _layout(
            barmode="stack",
            yaxis2={"overlaying": "y", "side": "right", "range": [-1, 1]},
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
            }
        ],
        "layout": _layout(),
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
        "layout": _layout(height=420, margin={"l": 96, "r": 16, "t": 16, "b": 32}),
    }
