"""The public house rules page: every rule, under a title of its own."""

from moderation.rules import RULES
from moderation.services import house_rules_page_ensure


def test_the_house_rules_page_lists_every_rule_under_its_own_title(client, home_page):
    page = house_rules_page_ensure(parent=home_page)
    html = client.get(page.url).content.decode()
    assert "<title>留言規範 | 民意 Minyi</title>" in html
    for rule in RULES.values():
        assert rule.title_zh in html
