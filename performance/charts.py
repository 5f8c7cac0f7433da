"""Plotly figure specifications (plain dicts, rendered in the browser by plotly.js).

Every chart on a page has a data table beside it with the same figures, so readers of
screen readers, and pages without JavaScript, lose nothing.
"""

import textwrap
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from minyi.charts import layout as chart_layout
from minyi.charts import minguo_day_axis

from .lights import Light

LIGHT_COLOURS = {
    Light.RED: "#a32a1c",
    Light.YELLOW: "#b07800",
    Light.GREEN: "#1d6b3a",
    Light.GREY: "#6b7280",
}
TARGET_COLOUR = "#5b6770"
ACTUAL_COLOUR = "#0b5cad"


def _f(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _unit_layout(unit: str) -> dict[str, Any]:
    """The y axis's unit written level on a line of its own above the legend (plotly turns an
    axis title sideways, which 「件」 and 「千元」 do not read well; beside the legend it ran
    into it on a phone)."""
    if not unit:
        return {}
    return {
        "annotations": [
            {
                "text": _("Unit: %(unit)s") % {"unit": unit},
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "yshift": 30,
                "showarrow": False,
            }
        ],
        "margin": {"l": 48, "r": 16, "t": 64, "b": 48},
    }


# Progress is drawn up to 100 %; the top of the axis sits a little above it so that lines and
# markers at 100 % are not cut by the plot's edge.
PROGRESS_AXIS_TOP = 108


def _axis_label(text: str, width: int = 18) -> str:
    """A long English name on two or three lines, so that a phone keeps room for the bars
    (Chinese names are short and have no spaces to break at)."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(lines) if " " in text else text


def lights_stacked(rows: list[dict], *, label_key: str) -> dict[str, Any]:
    """Horizontal stacked bars: programs per light for each agency or category."""
    labels = [_axis_label(str(row[label_key])) for row in rows]
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": str(Light(light).label),
            "y": labels,
            "x": [row[light] for row in rows],
            "marker": {"color": LIGHT_COLOURS[light]},
        }
        for light in (Light.RED, Light.YELLOW, Light.GREEN, Light.GREY)
    ]
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    height = max(200, (22 + 14 * lines) * len(rows) + 90)
    return {
        "data": data,
        "layout": chart_layout(
            barmode="stack",
            height=height,
            margin={"l": 160, "r": 16, "t": 16, "b": 48},
            yaxis={"autorange": "reversed", "automargin": True},
        ),
    }


def lights_total(lights: dict[str, int]) -> dict[str, Any]:
    order = [Light.RED, Light.YELLOW, Light.GREEN, Light.GREY]
    return {
        "data": [
            {
                "type": "bar",
                "x": [str(Light(light).label) for light in order],
                "y": [lights[light] for light in order],
                "marker": {"color": [LIGHT_COLOURS[light] for light in order]},
            }
        ],
        "layout": chart_layout(height=260),
    }


def budget_years(rows: list[dict]) -> dict[str, Any]:
    years = [f"{row['roc_year']}" for row in rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Budget"),
                "x": years,
                "y": [_f(row["budget"]) for row in rows],
                "marker": {"color": TARGET_COLOUR},
            },
            {
                "type": "bar",
                "name": _("Spent"),
                "x": years,
                "y": [_f(row["spent"]) for row in rows],
                "marker": {"color": ACTUAL_COLOUR},
            },
        ],
        "layout": chart_layout(
            barmode="group",
            xaxis={"type": "category", "title": {"text": _("Year (ROC)")}},
            # Whole thousands with separators: plotly's default "1M" next to 千元 misleads.
            yaxis={"tickformat": ",.0f"},
            **_unit_layout(_("Thousand NTD")),
        ),
    }


def kpi_target_actual(kpi) -> dict[str, Any]:
    years = [str(row["roc_year"]) for row in kpi.rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Target"),
                "x": years,
                "y": [_f(row["target"]) for row in kpi.rows],
                "marker": {"color": TARGET_COLOUR},
            },
            {
                "type": "bar",
                "name": _("Actual"),
                "x": years,
                "y": [_f(row["actual"]) for row in kpi.rows],
                "marker": {"color": ACTUAL_COLOUR},
            },
        ],
        "layout": chart_layout(
            barmode="group",
            height=280,
            xaxis={"type": "category", "title": {"text": _("Year (ROC)")}},
            **_unit_layout(kpi.unit),
        ),
    }


def progress_curve(reports: list) -> dict[str, Any]:
    dates = [report.period_end.isoformat() for report in reports]
    values = [_f(r.planned_percent) for r in reports] + [_f(r.actual_percent) for r in reports]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Planned progress"),
                "x": dates,
                "y": [_f(r.planned_percent) for r in reports],
                "line": {"color": TARGET_COLOUR, "dash": "dash"},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("Actual progress"),
                "x": dates,
                "y": [_f(r.actual_percent) for r in reports],
                "line": {"color": ACTUAL_COLOUR},
            },
        ],
        "layout": chart_layout(
            xaxis=minguo_day_axis(dates),
            yaxis={
                "range": [0, max([PROGRESS_AXIS_TOP, *(v * 1.08 for v in values if v)])],
                "tickvals": [0, 20, 40, 60, 80, 100],
                "ticksuffix": "%",
            },
        ),
    }


def program_budget(budgets: list) -> dict[str, Any]:
    return budget_years(
        [
            {"roc_year": b.year - 1911, "budget": b.budget, "spent": b.spent or Decimal(0)}
            for b in budgets
        ]
    )
