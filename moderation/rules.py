"""House-rule codes (留言規範) that every moderation reason points to.

The codes are stable identifiers: automatic screening reasons, moderator decisions and the house
rules page all refer to them, so never rename one; add a new code instead.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HouseRule:
    code: str
    title_zh: str
    summary_zh: str
    # Whether a reader can see the breach and report it; screening alone applies the others
    # (stripped control characters, a flood of posts from one account).
    reportable: bool = True


_RULES = (
    HouseRule(
        "personal-data",
        "保護個人資料",
        "請勿公開自己或他人的身分證字號、居留證號、電話、電子郵件、帳號、卡號或住址等個人資料。",
    ),
    HouseRule(
        "abuse",
        "禁止人身攻擊與粗俗辱罵",
        "請就事論事，不要辱罵、嘲諷或以粗話攻擊其他人。",
    ),
    HouseRule(
        "hate",
        "禁止仇恨與歧視言論",
        "請勿以族群、國籍、性別、性傾向、身心障礙、宗教等身分貶低或歧視他人。",
    ),
    HouseRule(
        "threat",
        "禁止威脅與煽動暴力",
        "任何威脅他人安全、恐嚇或煽動暴力的內容一律暫緩公開，並由管理員審查。",
    ),
    HouseRule(
        "spam-links",
        "禁止大量張貼連結",
        "留言應以文字表達意見，請勿張貼大量連結或以連結為主的內容。",
    ),
    HouseRule(
        "spam-repetition",
        "禁止洗版",
        "請勿重複張貼相同的字詞或符號。",
    ),
    HouseRule(
        "spam-domain",
        "禁止廣告與詐騙連結",
        "含有已知廣告、詐騙或惡意網站連結的內容不予公開。",
    ),
    HouseRule(
        "spam-flood",
        "禁止短時間大量發文",
        "同一帳號或來源在短時間內發文過於頻繁時，內容將暫緩公開。",
        reportable=False,
    ),
    HouseRule(
        "spam-duplicate",
        "禁止重複發文",
        "請勿一再張貼相同或幾乎相同的內容。",
    ),
    HouseRule(
        "off-topic",
        "請針對議題發言",
        "與本議題無關的內容（例如其他政策的陳情或個人糾紛）會請您改到合適的管道，不在此公開。",
    ),
    HouseRule(
        "unsafe-text",
        "文字格式限制",
        "控制字元、雙向文字覆寫字元與零寬字元會被移除，過長的內容會被截斷。",
        reportable=False,
    ),
)

RULES: dict[str, HouseRule] = {rule.code: rule for rule in _RULES}
REPORTABLE_RULES: dict[str, HouseRule] = {rule.code: rule for rule in _RULES if rule.reportable}


def rule_title(code: str) -> str:
    """The Traditional Chinese title of a house rule, e.g. for a moderator's reason list."""
    return RULES[code].title_zh
