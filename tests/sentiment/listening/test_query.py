import pytest

from sentiment.listening.query import QueryError, query_matches, query_parse

ISSUE_QUERY = "(Uber OR 優步) AND (計程車 OR 小黃) NOT 股價"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Uber 跟計程車哪個好", True),
        ("UBER 與小黃", True),
        ("优步和计程车", True),  # Simplified is converted before matching
        ("優步股價大漲，計程車業者擔憂", False),
        ("只有 Uber", False),
        ("只有計程車", False),
        ("", False),
    ],
)
def test_issue_query(text, expected):
    assert query_matches(ISSUE_QUERY, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("A B", "a b", True),
        ("A B", "a", False),
        ("A OR B", "b", True),
        ("A | B", "b", True),
        ("A & B", "ab", True),
        ("A OR B C", "a", True),  # AND binds tighter than OR
        ("A OR B C", "b", False),
        ("(A OR B) C", "a", False),
        ("NOT A B", "b", True),
        ("NOT A B", "a b", False),
        ("A -B", "a", True),
        ("A -B", "a b", False),
        ('"台北 捷運"', "臺北 捷運 很擠", True),  # 臺/台 folded
        ('"台北 捷運"', "台北的捷運", False),
        ("Ｕｂｅｒ", "uber", True),  # full-width folded by NFKC
        ("A NOT (B OR C)", "a c", False),
        ("A NOT (B OR C)", "a d", True),
        ("and", "hand", True),  # lower-case words are terms, not operators
    ],
)
def test_grammar(query, text, expected):
    assert query_matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("(A OR B", "not closed"),
        ("A OR B)", "no matching"),
        ('"A B', "quotation mark"),
        ('""', "empty"),
        ("A OR", "ends with an operator"),
        ("AND A", "needs a word on each side"),
        ("A AND OR B", "needs a word on each side"),
        ("()", "empty"),
        ("NOT A", "not only NOT"),
        ("NOT", "ends with an operator"),
        ("(" * 30 + "a" + ")" * 30, "nested"),
        ("a " * 1500, "too long"),
    ],
)
def test_malformed_queries_explain_themselves(query, message):
    with pytest.raises(QueryError) as raised:
        query_parse(query)
    assert message in str(raised.value)


def test_every_query_error_has_a_translation():
    import re
    from pathlib import Path

    import sentiment.listening as package

    root = Path(package.__file__).parent
    tsv = (root / "TRANSLATIONS.tsv").read_text(encoding="utf-8")
    known = {line.split("\t")[0] for line in tsv.splitlines() if "\t" in line}
    missing = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for msgid in re.findall(r'_\(\s*"((?:[^"\\]|\\.)*)"', source):
            if msgid not in known:
                missing.append((path.name, msgid))
    assert missing == []
