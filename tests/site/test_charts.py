"""The shared chart helpers: 民國 date ticks chosen for plotly, which only knows Gregorian."""

from datetime import date, timedelta

import pytest

from minyi.charts import MAX_DATE_TICKS, minguo_day_axis


def _days(first: date, count: int) -> list[str]:
    return [(first + timedelta(days=n)).isoformat() for n in range(count)]


def test_a_short_range_has_a_tick_every_day_in_minguo():
    axis = minguo_day_axis(_days(date(2026, 11, 28), 7))
    assert axis["tickvals"][0] == "2026-11-28" and len(axis["tickvals"]) == 7
    assert axis["ticktext"][:4] == ["115/11/28", "115/11/29", "115/11/30", "115/12/1"]


@pytest.mark.parametrize(
    ("count", "first_label"),
    [(60, "115/1/1"), (400, "115年2月"), (3650, "106年")],
)
def test_longer_ranges_thin_out_to_at_most_eight_ticks(count, first_label):
    dates = _days(date(2026, 1, 1) if count < 1000 else date(2016, 6, 1), count)
    axis = minguo_day_axis(dates)
    assert 2 <= len(axis["tickvals"]) <= MAX_DATE_TICKS
    assert len(axis["ticktext"]) == len(axis["tickvals"])
    assert axis["ticktext"][0] == first_label
    assert all(dates[0] <= tick <= dates[-1] for tick in axis["tickvals"])


def test_no_dates_leaves_plotly_to_choose():
    assert "tickvals" not in minguo_day_axis([])


def test_the_common_layout_puts_the_legend_above_and_lets_axes_make_room():
    from minyi.charts import layout

    base = layout(yaxis={"title": {"text": "千元"}, "tickformat": ",.0f"})
    assert base["legend"]["y"] > 1 and base["legend"]["yanchor"] == "bottom"
    grouped = {"automargin": True, "separatethousands": True}  # 9,250 as well as 49,443
    assert base["yaxis"] == grouped | {"title": {"text": "千元"}, "tickformat": ",.0f"}
    assert base["xaxis"] == grouped
    assert "yaxis2" not in base
    assert layout(yaxis2={"side": "right"})["yaxis2"] == grouped | {"side": "right"}
    assert layout(yaxis={"automargin": False})["yaxis"] == grouped | {"automargin": False}


def _nice_steps():
    """1, 2, 5, 10, 20, 50, … as an independent list."""
    return [base * 10**power for power in range(7) for base in (1, 2, 5)]


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 5, 6, 7, 11, 26, 99, 100, 101, 2_499, 49_443])
def test_count_axes_tick_on_whole_numbers_with_at_most_six_ticks(largest):
    """Left alone, plotly ticked 0, 0.19, 0.38… for a chart of one comment."""
    from minyi.charts import count_axis

    axis = count_axis(largest, title={"text": "則數"})
    fitting = [step for step in _nice_steps() if largest <= step * 5]
    assert axis["dtick"] == fitting[0]  # the finest whole step with ticks 0…5 steps
    assert isinstance(axis["dtick"], int) and axis["tick0"] == 0
    assert axis["rangemode"] == "tozero" and axis["title"] == {"text": "則數"}
    assert axis["tickformat"] == ",d"  # 1 not 1.0, 49,443 not 49443
