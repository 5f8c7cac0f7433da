"""Spam checks: links, repetition, known spam domains, and the submission-rate hook.

Thresholds (``n`` = number of URLs, ``ratio`` = URL characters / non-space characters):

=================  ==================================================  ===============
rule               condition                                           severity
=================  ==================================================  ===============
spam-links         n ≥ 10, or n ≥ 5 and ratio ≥ 0.8                    3 (reject)
spam-links         n > 3, or n ≥ 2 and ratio > 0.5                     2 (hold)
spam-repetition    repeated runs cover ≥ 80 % and ≥ 50 characters      3 (reject)
spam-repetition    repeated runs cover ≥ 50 %                          2 (hold)
spam-repetition    a run of one character ≥ 10 (≥ 20 for punctuation)  1 (recorded)
                   or a 2–8 character unit repeated ≥ 5 times
spam-domain        a host in ``spam_domains.txt`` or a subdomain of it  3 (reject)
spam-flood         per-user or per-IP count over its limit             2 (hold);
                                                                       ≥ 3 × limit: 3
spam-duplicate     near-duplicate count over its limit                 2 (hold);
                                                                       ≥ 3 × limit: 3
=================  ==================================================  ===============

``SubmissionRateCheck`` stays pure: the web layer supplies the counts in the screening context
(``user_recent_submissions``, ``ip_recent_submissions``, ``near_duplicates``) and may override the
limits (``user_rate_limit``, ``ip_rate_limit``, ``duplicate_limit``).
"""

import functools
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from moderation.screening.text import nfkc_fold
from moderation.screening.types import EXTREME, NOTE, SEVERE, Reason

CHECK_NAME = "spam"
RATE_CHECK_NAME = "submission_rate"
SPAM_DOMAINS_FILE = Path(__file__).resolve().parent / "spam_domains.txt"

DEFAULT_USER_RATE_LIMIT = 5  # submissions per window (the web layer picks the window)
DEFAULT_IP_RATE_LIMIT = 20
DEFAULT_DUPLICATE_LIMIT = 2

_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。、；！？）」』】]+", re.IGNORECASE)
_HOST_RE = re.compile(
    r"(?<![\w.@\-])(?:https?://)?((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w\-])",
    re.IGNORECASE,
)
_CHAR_RUN_RE = re.compile(r"(\S)\1{9,}")
_UNIT_RUN_RE = re.compile(r"(\S{2,8}?)\1{4,}")

MESSAGES = {
    "spam-links": "內容含有大量連結，看起來像廣告或洗版，將暫緩公開。",
    "spam-links-reject": "內容幾乎全是連結，依留言規範不予公開。",
    "spam-repetition": "內容重複相同的字詞或符號。",
    "spam-repetition-hold": "內容大多是重複的字詞或符號，看起來像洗版，將暫緩公開。",
    "spam-repetition-reject": "內容幾乎全是重複的字詞或符號，依留言規範不予公開。",
    "spam-domain": "內容含有已知的廣告、詐騙或惡意網站連結，依留言規範不予公開。",
    "spam-flood": "您在短時間內發文過於頻繁，內容將暫緩公開，請稍後再試。",
    "spam-duplicate": "您已多次張貼相同或幾乎相同的內容，將暫緩公開。",
}


@functools.cache
def spam_domains() -> frozenset[str]:
    lines = SPAM_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def _is_spam_host(host: str) -> bool:
    domains = spam_domains()
    parts = host.lower().rstrip(".").split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts) - 1))


def _reason(rule: str, span: tuple[int, int], severity: int, message_key: str) -> Reason:
    return Reason(
        check=CHECK_NAME,
        rule=rule,
        span=span,
        severity=severity,
        mask=False,
        message_zh=MESSAGES[message_key],
        kind=message_key,
    )


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("P", "S")


def find_spam(text: str) -> list[Reason]:
    folded = nfkc_fold(text)
    t = folded.text
    reasons: list[Reason] = []
    visible = sum(1 for ch in t if not ch.isspace()) or 1

    if "." in t:
        for m in _HOST_RE.finditer(t):
            if _is_spam_host(m.group(1)):
                span = folded.original_span(*m.span())
                reasons.append(_reason("spam-domain", span, EXTREME, "spam-domain"))

    urls = list(_URL_RE.finditer(t)) if ("http" in t.lower() or "www." in t.lower()) else []
    if urls:
        n = len(urls)
        ratio = sum(len(m.group()) for m in urls) / visible
        span = folded.original_span(urls[0].start(), urls[-1].end())
        if n >= 10 or (n >= 5 and ratio >= 0.8):
            reasons.append(_reason("spam-links", span, EXTREME, "spam-links-reject"))
        elif n > 3 or (n >= 2 and ratio > 0.5):
            reasons.append(_reason("spam-links", span, SEVERE, "spam-links"))

    runs: list[tuple[int, int]] = []
    for m in _CHAR_RUN_RE.finditer(t):
        if _is_punctuation(m.group(1)) and len(m.group()) < 20:
            continue
        runs.append(m.span())
    for m in _UNIT_RUN_RE.finditer(t):
        if not any(m.start() < e and s < m.end() for s, e in runs):
            runs.append(m.span())
    if runs:
        runs.sort()
        covered = sum(e - s for s, e in runs)
        share = covered / visible
        span = folded.original_span(runs[0][0], runs[-1][1])
        if share >= 0.8 and covered >= 50:
            reasons.append(_reason("spam-repetition", span, EXTREME, "spam-repetition-reject"))
        elif share >= 0.5:
            reasons.append(_reason("spam-repetition", span, SEVERE, "spam-repetition-hold"))
        else:
            reasons.append(_reason("spam-repetition", span, NOTE, "spam-repetition"))
    reasons.sort(key=lambda r: r.span)
    return reasons


class SpamCheck:
    name = CHECK_NAME

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]:
        return find_spam(text)


class SubmissionRateCheck:
    """Per-user and per-IP flooding and near-duplicates, from counts supplied in the context."""

    name = RATE_CHECK_NAME

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]:
        reasons: list[Reason] = []
        whole = (0, len(text))
        floods = (
            ("user_recent_submissions", "user_rate_limit", DEFAULT_USER_RATE_LIMIT),
            ("ip_recent_submissions", "ip_rate_limit", DEFAULT_IP_RATE_LIMIT),
        )
        flood = 0
        for count_key, limit_key, default in floods:
            flood = max(flood, _severity(context.get(count_key), context.get(limit_key, default)))
        if flood:
            reasons.append(self._reason("spam-flood", flood, whole))
        duplicate = _severity(
            context.get("near_duplicates"), context.get("duplicate_limit", DEFAULT_DUPLICATE_LIMIT)
        )
        if duplicate:
            reasons.append(self._reason("spam-duplicate", duplicate, whole))
        return reasons

    def _reason(self, rule: str, severity: int, span: tuple[int, int]) -> Reason:
        return Reason(
            check=self.name,
            rule=rule,
            span=span,
            severity=severity,
            mask=False,
            message_zh=MESSAGES[rule],
            kind=rule,
        )


def _severity(count: Any, limit: Any) -> int:
    if count is None or limit is None:
        return 0
    count, limit = int(count), int(limit)
    if count <= limit:
        return 0
    return EXTREME if count >= 3 * limit else SEVERE
