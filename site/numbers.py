"""Figures on pages as Taiwan's government writes them, through Django's number formats and the
site's own (minyi.formats: 49,443 in both languages): counts whole, ratios rounded to what a
reader compares (1.4, not 1.395878), shares as percentages (12.5%).

The CSV and spreadsheet exports keep the plain numbers; these are for reading only.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format, number_format


def _rounded(value: float | int | Decimal, places: int) -> Decimal:
    """Rounded half up (四捨五入, as official statistics round); never "-0"."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def format_figure(value: float | int | Decimal, places: int = 2) -> str:
    """A count or a ratio: 49,443; 1.4 (1.395878 to ``places`` decimals, trailing zeros
    dropped); 0."""
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    text = number_format(_rounded(value, places), places, force_grouping=True)
    separator = get_format("DECIMAL_SEPARATOR")
    if separator in text:
        text = text.rstrip("0").removesuffix(separator)
    return text


def format_percent(share: float | int | Decimal, places: int = 1) -> str:
    """A share (0..1) as a percentage with ``places`` decimals, kept so that a column of them
    lines up: 0.125 → 12.5%, 1 → 100.0%."""
    percentage = _rounded(Decimal(str(share)) * 100, places)
    return f"{number_format(percentage, places, force_grouping=True)}%"
