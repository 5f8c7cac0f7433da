"""民國 dates: the pure helpers and the template filters."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from minyi.home.dates import (
    format_duration,
    format_english_date,
    format_minguo_date,
    format_minguo_datetime,
    iso_value,
    minguo_year,
)

UTC = dt.UTC
TAIPEI = ZoneInfo("Asia/Taipei")


def render(template: str, **context) -> str:
    return Template("{% load minyi_dates %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (dt.date(2026, 11, 22), 115),
        (dt.date(1912, 1, 1), 1),
        (dt.date(1949, 12, 31), 38),
        (dt.date(1911, 12, 31), None),
        (dt.date(1850, 6, 1), None),
    ],
)
def test_minguo_year(value, year):
    assert minguo_year(value) == year


def test_format_minguo_date_without_zero_padding():
    assert format_minguo_date(dt.date(2026, 11, 22)) == "115年11月22日"
    assert format_minguo_date(dt.date(2026, 1, 5)) == "115年1月5日"
    assert format_minguo_date(dt.date(1912, 1, 1)) == "1年1月1日"


def test_years_before_1912_are_gregorian():
    assert format_minguo_date(dt.date(1911, 10, 10)) == "西元1911年10月10日"


def test_aware_datetime_is_converted_to_taipei_time():
    # 16:30 UTC is 00:30 the next day in Taipei (UTC+8).
    value = dt.datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    assert format_minguo_date(value) == "115年11月23日"
    assert format_minguo_datetime(value) == "115年11月23日 00:30"
    assert format_english_date(value) == "23 Nov 2026"


def test_datetime_already_in_taipei_keeps_its_time():
    value = dt.datetime(2026, 11, 22, 14, 5, tzinfo=TAIPEI)
    assert format_minguo_datetime(value) == "115年11月22日 14:05"
    assert iso_value(value) == "2026-11-22T14:05:00+08:00"


def test_naive_datetime_is_taken_as_taipei_time():
    assert format_minguo_datetime(dt.datetime(2026, 11, 22, 14, 5)) == "115年11月22日 14:05"


def test_plain_date_has_no_time():
    assert format_minguo_datetime(dt.date(2026, 11, 22)) == "115年11月22日"
    assert iso_value(dt.date(2026, 11, 22)) == "2026-11-22"


def test_minguo_filters():
    value = dt.datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    assert render("{{ v|minguo_date }}", v=value) == "115年11月22日"
    assert render("{{ v|minguo_datetime }}", v=value) == "115年11月22日 14:05"


def test_filters_ignore_values_that_are_not_dates():
    assert render("[{{ v|minguo_date }}|{{ v|tw_date }}]", v=None) == "[|]"
    assert render("[{{ v|minguo_datetime }}|{{ v|tw_date }}]", v="2026-11-22") == "[|]"


def test_tw_date_renders_a_time_element_in_chinese():
    value = dt.datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    with translation.override("zh-hant"):
        html = render("{{ v|tw_date }}", v=value)
    assert html == (
        '<time datetime="2026-11-22T14:05:00+08:00" title="2026-11-22">115年11月22日</time>'
    )


def test_tw_date_with_time():
    value = dt.datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
    with translation.override("zh-hant"):
        html = render('{{ v|tw_date:"time" }}', v=value)
    assert html == (
        '<time datetime="2026-11-22T14:05:00+08:00" title="2026-11-22 14:05">'
        "115年11月22日 14:05</time>"
    )


def test_tw_date_timezone_edge():
    value = dt.datetime(2026, 11, 22, 16, 30, tzinfo=UTC)
    with translation.override("zh-hant"):
        html = render("{{ v|tw_date }}", v=value)
    assert 'datetime="2026-11-23T00:30:00+08:00"' in html
    assert ">115年11月23日<" in html


def test_tw_date_in_english():
    with translation.override("en"):
        assert render("{{ v|tw_date }}", v=dt.date(2026, 11, 22)) == (
            '<time datetime="2026-11-22" title="2026-11-22">22 Nov 2026</time>'
        )
        value = dt.datetime(2026, 11, 22, 6, 5, tzinfo=UTC)
        assert ">22 Nov 2026, 14:05<" in render('{{ v|tw_date:"time" }}', v=value)


def test_tw_date_before_1912():
    with translation.override("zh-hant"):
        html = render("{{ v|tw_date }}", v=dt.date(1911, 10, 10))
    assert html == '<time datetime="1911-10-10" title="1911-10-10">西元1911年10月10日</time>'


@pytest.mark.parametrize(
    ("seconds", "chinese", "english"),
    [
        (0, "0 秒", "0 seconds"),
        (0.7, "0 秒", "0 seconds"),
        (-5, "0 秒", "0 seconds"),
        (45, "45 秒", "45 seconds"),
        (60, "1 分鐘", "1 minute"),
        (61, "1 分鐘 1 秒", "1 minute 1 second"),
        (3 * 3600 + 12 * 60 + 59, "3 小時 12 分鐘", "3 hours 12 minutes"),
        (86400, "1 天", "1 day"),
        (2 * 86400 + 7 * 3600 + 1800, "2 天 7 小時", "2 days 7 hours"),
        (2 * 86400 + 59, "2 天", "2 days"),  # rounded down to its two largest units
    ],
)
def test_durations_read_as_people_say_them(seconds, chinese, english):
    with translation.override("zh-hant"):
        assert format_duration(seconds) == chinese
    with translation.override("en"):
        assert format_duration(seconds) == english


def test_duration_filter_leaves_what_is_not_a_number_empty():
    template = Template(
        "{% load minyi_dates %}[{{ a|duration }}][{{ b|duration }}][{{ c|duration }}]"
    )
    with translation.override("zh-hant"):
        assert (
            template.render(Context({"a": 5400.0, "b": None, "c": "x"})) == "[1 小時 30 分鐘][][]"
        )
