"""Template helpers of the dashboard: the header link, plotly's URL, numbers and 民國 years."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

NAV_CACHE_KEY = "performance:dashboard_url"


def dashboard_url_cached() -> str:
    """The dashboard's URL, cached so that the header costs no query per page view."""
    url = cache.get(NAV_CACHE_KEY)
    if url is None:
        from performance.selectors import dashboard_page

        page = dashboard_page()
        url = (page.url or "") if page else ""
        cache.set(NAV_CACHE_KEY, url, 300)
    return url


@register.simple_tag(takes_context=True)
def performance_nav_item(context) -> str:
    """``<li>`` with a link to the dashboard for the site header (nothing without one)."""
    url = dashboard_url_cached()
    if not url:
        return ""
    request = context.get("request")
    current = request is not None and request.path.startswith(url)
    return format_html(
        '<li><a href="{}"{}>{}</a></li>',
        url,
        mark_safe(' aria-current="page"') if current else "",
        _("Performance"),  # short: the English header fits one line at 1280 px
    )


@register.simple_tag
def plotly_js_url() -> str:
    from performance.views import plotly_version

    return reverse("performance:plotly_js", kwargs={"version": plotly_version()})


@register.filter
def num(value, places: int = 2) -> str:
    """1234.5 → 1,234.5; None → —."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)))
    text = f"{value:,.{int(places)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def share(value, places: int = 1) -> str:
    """A percentage in a column of them: always one decimal (95.0%, 96.9%), rounded half up
    (四捨五入, as official statistics round), None → —."""
    if value is None or value == "":
        return "—"
    value = Decimal(str(value)).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)
    return f"{value:,.{int(places)}f}%"


@register.filter
def roc(year) -> str:
    try:
        return str(int(year) - 1911)
    except (TypeError, ValueError):
        return ""


@register.filter
def percent_of(part, whole) -> str:
    try:
        if part is None or not whole:
            return "—"
        return num(Decimal(str(part)) * 100 / Decimal(str(whole)), 1) + "%"
    except (ArithmeticError, ValueError):
        return "—"


@register.filter
def light_reason(reason) -> str:
    """A stored light reason in the reader's language (performance.lights.reason_text)."""
    from performance.lights import reason_text

    return reason_text(reason)


@register.filter
def opendata_table(key):
    """The open-data table ``key`` (performance.opendata): its names in the reader's language."""
    from performance.opendata import TABLES_BY_KEY

    return TABLES_BY_KEY.get(key)


@register.filter
def get_item(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def sub_num(value, other) -> str:
    """``value − other`` with a sign and one decimal, for differences in percentage points: a
    column of them reads −1.0, −1.2, +0.5 (not −1 beside −1.2), rounded half up like share."""
    try:
        difference = (Decimal(str(value)) - Decimal(str(other))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    except (ArithmeticError, ValueError):
        return "—"
    if difference == 0:
        return "0.0"
    return f"{difference:+,.1f}"
