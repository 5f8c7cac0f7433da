"""How the performance pages write figures: ``num`` drops trailing zeros (an indicator's 12.5),
``share`` keeps one decimal so that a column of rates lines up (95.0%, 96.9%)."""

from performance.templatetags.performance_tags import num, share


def test_a_column_of_rates_keeps_its_decimal():
    assert [share(v) for v in (95, 96.94, 100, 0.05)] == ["95.0%", "96.9%", "100.0%", "0.1%"]
    assert share(None) == "—" and share("") == "—"


def test_plain_figures_drop_trailing_zeros_and_group_thousands():
    assert num(1234.5) == "1,234.5" and num(5406503, 0) == "5,406,503" and num(95.0, 1) == "95"
