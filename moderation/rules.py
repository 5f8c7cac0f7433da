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
    title_en: str
    summary_en: str
    # Whether a reader can see the breach and report it; screening alone applies the others
    # (stripped control characters, a flood of posts from one account).
    reportable: bool = True

    @property
    def title(self) -> str:
        """The title in the reader's language (citizens' pages: report, appeal, decisions)."""
        from minyi.home.dates import english_now

        return self.title_en if english_now() else self.title_zh


_RULES = (
    HouseRule(
        "personal-data",
        "保護個人資料",
        "請勿公開自己或他人的身分證字號、居留證號、電話、電子郵件、帳號、卡號或住址等個人資料。",
        "Protect personal data",
        (
            "Do not publish your own or anyone else's ID or residence permit number, phone "
            "number, e-mail address, account or card number, or home address."
        ),
    ),
    HouseRule(
        "abuse",
        "禁止人身攻擊與粗俗辱罵",
        "請就事論事，不要辱罵、嘲諷或以粗話攻擊其他人。",
        "No personal attacks or abuse",
        "Argue about the issue: do not insult, mock or swear at other people.",
    ),
    HouseRule(
        "hate",
        "禁止仇恨與歧視言論",
        "請勿以族群、國籍、性別、性傾向、身心障礙、宗教等身分貶低或歧視他人。",
        "No hate speech or discrimination",
        (
            "Do not demean or discriminate against anyone for their ethnicity, nationality, "
            "gender, sexual orientation, disability, religion or other identity."
        ),
    ),
    HouseRule(
        "threat",
        "禁止威脅與煽動暴力",
        "任何威脅他人安全、恐嚇或煽動暴力的內容一律暫緩公開，並由管理員審查。",
        "No threats or incitement to violence",
        (
            "Anything that threatens someone's safety, intimidates or incites violence is held "
            "back and reviewed by a moderator."
        ),
    ),
    HouseRule(
        "spam-links",
        "禁止大量張貼連結",
        "留言應以文字表達意見，請勿張貼大量連結或以連結為主的內容。",
        "No mass posting of links",
        "Express your opinion in words; do not post many links or content that is mostly links.",
    ),
    HouseRule(
        "spam-repetition",
        "禁止洗版",
        "請勿重複張貼相同的字詞或符號。",
        "No flooding",
        "Do not post the same words or symbols over and over.",
    ),
    HouseRule(
        "spam-domain",
        "禁止廣告與詐騙連結",
        "含有已知廣告、詐騙或惡意網站連結的內容不予公開。",
        "No advertising or scam links",
        "Content with links to known advertising, scam or malicious sites is not published.",
    ),
    HouseRule(
        "spam-flood",
        "禁止短時間大量發文",
        "同一帳號或來源在短時間內發文過於頻繁時，內容將暫緩公開。",
        "No bursts of posts",
        "When one account or source posts too often in a short time, its posts are held back.",
        reportable=False,
    ),
    HouseRule(
        "spam-duplicate",
        "禁止重複發文",
        "請勿一再張貼相同或幾乎相同的內容。",
        "No duplicate posts",
        "Do not post the same or nearly the same content again and again.",
    ),
    HouseRule(
        "off-topic",
        "請針對議題發言",
        "與本議題無關的內容（例如其他政策的陳情或個人糾紛）會請您改到合適的管道，不在此公開。",
        "Stay on topic",
        (
            "Content unrelated to the issue (such as petitions about other policies or personal "
            "disputes) is not published here; you will be pointed to a suitable channel."
        ),
    ),
    HouseRule(
        "unsafe-text",
        "文字格式限制",
        "控制字元、雙向文字覆寫字元與零寬字元會被移除，過長的內容會被截斷。",
        "Text format limits",
        (
            "Control characters, bidirectional override characters and zero-width characters are "
            "removed, and overlong content is cut."
        ),
        reportable=False,
    ),
)

RULES: dict[str, HouseRule] = {rule.code: rule for rule in _RULES}
REPORTABLE_RULES: dict[str, HouseRule] = {rule.code: rule for rule in _RULES if rule.reportable}


def rule_title(code: str) -> str:
    """The Traditional Chinese title of a house rule, e.g. for a moderator's reason list."""
    return RULES[code].title_zh
