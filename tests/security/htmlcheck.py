"""Find markup that came from user input in rendered HTML, XML feeds and iCalendar files.

The site's own markup never uses inline event handlers, ``javascript:`` URLs, frames, MathML or
scripts that call ``alert``; every payload in :mod:`tests.security.payloads` does one of these.
So any such element or attribute in a response is markup that escaped.
"""

import json
import re
from html.parser import HTMLParser

FORBIDDEN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "marquee",
    "math",
    "mglyph",
    "maction",
    "xmp",
    "plaintext",
    "isindex",
    "foreignobject",
    "animate",
    "set",
    "x",
}
URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "to",
    "values",
    "srcset",
}
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data:text/html|data:image/svg)", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\u200b-\u200d\u2060\ufeff]+")
_BAD_STYLE = re.compile(
    r"expression\s*\(|javascript:|-moz-binding|behavior\s*:|evil\.example", re.I
)


def _scheme(value: str) -> str:
    return _INVISIBLE.sub("", value).lower()


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._script: dict | None = None
        self._style = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        attrs = {name.lower(): value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRS and (
                _BAD_SCHEME.match(_scheme(value)) or "evil.example" in value.lower()
            ):
                if tag == "a" and name == "href" and not _BAD_SCHEME.match(_scheme(value)):
                    continue  # a link to a foreign site is not markup injection
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc>")
            if name == "style" and _BAD_STYLE.search(value):
                self.problems.append(f"<{tag} style={value[:60]!r}>")
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "link" and "evil.example" in attrs.get("href", ""):
            self.problems.append("<link> to a foreign stylesheet")
        if tag == "script":
            self._script = attrs
            self._text = []
        if tag == "style":
            self._style = True
            self._text = []

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        if self._script is not None or self._style:
            self._text.append(data)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag == "script" and self._script is not None:
            text = "".join(self._text)
            kind = self._script.get("type", "").lower()
            if kind in ("application/json", "application/ld+json"):
                try:
                    json.loads(text)
                except ValueError:
                    self.problems.append("<script type=json> that is not JSON")
            elif "alert" in text or "evil.example" in text or "atob(" in text:
                self.problems.append(f"<script> with injected code: {text[:60]!r}")
            self._script = None
        if tag == "style" and self._style:
            if _BAD_STYLE.search("".join(self._text)) or "@import" in "".join(self._text):
                self.problems.append("<style> with injected rules")
            self._style = False


def html_problems(html: str) -> list[str]:
    """Every element or attribute in ``html`` that looks like it came from a payload."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


_ICAL_PROPERTY = re.compile(r"^[A-Z][A-Z0-9-]*[;:]")
ICAL_ALLOWED = {
    "BEGIN",
    "END",
    "VERSION",
    "PRODID",
    "CALSCALE",
    "METHOD",
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "URL",
    "LOCATION",
    "ORGANIZER",
    "X-WR-CALNAME",
    "X-WR-TIMEZONE",
    "TRANSP",
    "STATUS",
    "SEQUENCE",
    "CATEGORIES",
    "BEGIN:VALARM",
    "ACTION",
    "TRIGGER",
    "LAST-MODIFIED",
    "CREATED",
    "CLASS",
}


def ical_problems(text: str) -> list[str]:
    """Lines of an iCalendar file that a payload could have injected (after unfolding)."""
    problems = []
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    lines = [line for line in unfolded.split("\r\n") if line]
    if "\n" in unfolded.replace("\r\n", ""):
        problems.append("bare line feed inside the file")
    events = sum(1 for line in lines if line == "BEGIN:VEVENT")
    if events > 1:
        problems.append(f"{events} events in the file")
    for line in lines:
        if "\r" in line:
            problems.append(f"bare carriage return: {line[:60]!r}")
        match = _ICAL_PROPERTY.match(line)
        if not match:
            problems.append(f"not a property line: {line[:60]!r}")
            continue
        name = re.split(r"[;:]", line, maxsplit=1)[0]
        if name not in ICAL_ALLOWED:
            problems.append(f"unexpected property {name}")
    return problems


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_formula_cells(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula (text starting with = + - @ tab or CR)."""
    bad = []
    for row in rows:
        for cell in row:
            if cell and cell.startswith(FORMULA_START):
                try:
                    float(cell)  # a plain negative number is data, not a formula
                except ValueError:
                    bad.append(cell[:60])
    return bad
