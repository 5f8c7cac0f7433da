"""Figures as Taiwan's government writes them: 49,443 in Chinese pages too (Django's own
zh_Hant formats group by four with no separator, which left 49443 as it was)."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import translation
from django.utils.formats import number_format


def test_thousands_are_grouped_by_three_with_commas_in_both_languages():
    for language in ("zh-hant", "en"):
        with translation.override(language):
            assert intcomma(1912) == "1,912"
            assert intcomma(1234567) == "1,234,567"
            assert intcomma(999) == "999"


def test_plain_figures_and_form_values_stay_ungrouped():
    with translation.override("zh-hant"):
        assert number_format(49443) == "49443"  # only intcomma (force_grouping) groups
        assert number_format(12.5, 1) == "12.5"


def test_figures_are_rounded_for_reading_and_shares_are_percentages():
    """「差距 1.395878」 and 「近似重複比例 0.0」 as a reader met them."""
    from minyi.numbers import format_figure, format_percent

    for language in ("zh-hant", "en"):
        with translation.override(language):
            assert format_figure(1.395878) == "1.4"
            assert format_figure(0.125) == "0.13"  # half up, as official statistics round
            assert format_figure(12345.5) == "12,345.5"
            assert format_figure(49443) == "49,443"
            assert format_figure(0.0) == "0" and format_figure(-0.001) == "0"
            assert format_figure(2.0) == "2"
            assert format_percent(0.0) == "0.0%"
            assert format_percent(0.3333) == "33.3%"
            assert format_percent(0.12345) == "12.3%" and format_percent(0.00125) == "0.1%"
            assert format_percent(1) == "100.0%"
