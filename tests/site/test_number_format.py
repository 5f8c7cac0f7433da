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
