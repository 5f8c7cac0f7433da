"""Small helpers for the site shell's templates."""

import re

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import to_locale

register = template.Library()

# Django's language codes to BCP 47 tags for <html lang>: screen readers pick their
# voice from it, and browsers choose Traditional Chinese glyphs for zh-Hant.
HTML_LANG = {"zh-hant": "zh-Hant-TW", "zh-tw": "zh-Hant-TW", "en": "en"}

# Where the number ends and an extension begins: "(02) 2737-7111 分機 123", "… ext. 12".
_PHONE_EXTENSION = re.compile(r"(分機|轉|#|ext|x|,|;)", re.IGNORECASE)


@register.filter
def html_lang(language_code: str | None) -> str:
    """``zh-hant`` → ``zh-Hant-TW``, ``en`` → ``en``; others in BCP 47 form (``pt-BR``)."""
    code = (language_code or "").lower()
    if not code:
        return HTML_LANG["zh-hant"]
    if code in HTML_LANG:
        return HTML_LANG[code]
    return to_locale(code).replace("_", "-")


@register.filter
def tel_href(phone: str | None) -> str:
    """The dialable part of a phone number for a ``tel:`` link, or "" if there is none.

    ``(02) 2737-7111 分機 123`` → ``0227377111``; ``+886 2 2737 7111`` → ``+886227377111``.
    """
    number = _PHONE_EXTENSION.split(phone or "", maxsplit=1)[0].strip()
    digits = re.sub(r"\D", "", number)
    if len(digits) < 3:
        return ""
    return ("+" if number.startswith("+") else "") + digits


@register.filter
def percent(share: object) -> str:
    """A share (0..1) as the site writes percentages (``minyi.numbers``): 0.125 → 12.5%;
    "" for anything not a number."""
    from minyi.numbers import format_percent

    if isinstance(share, bool) or not isinstance(share, int | float):
        return ""
    return format_percent(share)


@register.simple_tag
def label_colon() -> str:
    """The colon after a label: full-width in Chinese (「留言規範：」), ": " in English."""
    from minyi.home.dates import english_now

    return ": " if english_now() else "："


@register.simple_tag
def sentence_gap() -> str:
    """Between two sentences: a space in English, none in Chinese (「…。註冊日期…」)."""
    from minyi.home.dates import english_now

    return " " if english_now() else ""


@register.filter
def highlight(text: object, terms) -> SafeString:
    """``text`` escaped, with each of the searched ``terms`` in it marked (<mark>), longest
    first so that one term inside another is not marked twice; case is ignored."""
    text = "" if text is None else str(text)
    words = sorted({str(term) for term in terms or () if str(term).strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces, last = [], 0
    for found in pattern.finditer(text):
        pieces.append(escape(text[last : found.start()]))
        pieces.append(format_html("<mark>{}</mark>", found.group()))
        last = found.end()
    pieces.append(escape(text[last:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


@register.filter
def reader_title(page) -> str:
    """A page's name for the breadcrumbs in the reader's language.

    An agency section's title is its Chinese name; English readers get the agency's English
    name there. Other pages keep their title (their content is written in one language).
    """
    if not hasattr(page, "specific_deferred"):  # a view that is not a Wagtail page
        return getattr(page, "title", "")
    specific = page.specific_deferred
    return getattr(specific, "reader_title", None) or page.title
