"""The public house rules page: every rule, under a title of its own."""

from moderation.rules import RULES
from moderation.services import house_rules_page_ensure


def test_the_house_rules_page_lists_every_rule_under_its_own_title(client, home_page):
    page = house_rules_page_ensure(parent=home_page)
    html = client.get(page.url).content.decode()
    assert "<title>留言規範 | 民意 Minyi</title>" in html
    for rule in RULES.values():
        assert rule.title_zh in html


def _english(client, path):
    from django.utils import translation

    try:
        return client.get(path).content.decode()
    finally:
        translation.activate("zh-hant")


def test_the_english_site_reads_the_house_rules_in_english(client, home_page):
    house_rules_page_ensure(parent=home_page)
    html = _english(client, "/en/house-rules/")
    assert "<h1>House rules</h1>" in html and "<title>House rules | 民意 Minyi</title>" in html
    for rule in RULES.values():
        assert f"<h2>{rule.title_en}</h2>" in html, rule.code
        assert rule.title_zh not in html
    assert "Minyi welcomes differing views." in html
    # the way back, like every other page, named in English
    assert (
        '<nav class="breadcrumbs"' in html
        and '<span aria-current="page">House rules</span>' in html
    )


def test_the_report_form_names_the_rules_in_the_readers_language(
    client, make_user, make_consultation
):
    from django.contrib.contenttypes.models import ContentType
    from django.urls import reverse

    from participation.services import comment_create

    comment = comment_create(
        consultation=make_consultation(),
        user=make_user(),
        body="公車亭要加遮雨棚。",
        stance="support",
    )
    client.force_login(make_user())
    path = reverse(
        "moderation:report", args=[ContentType.objects.get_for_model(comment).pk, comment.pk]
    )
    english = _english(client, "/en" + path)
    assert RULES["abuse"].title_en in english and RULES["abuse"].title_zh not in english
    assert "<h1>Report this comment</h1>" in english  # not 「Report this 留言」
    assert RULES["abuse"].title_zh in client.get(path).content.decode()


def test_english_is_filled_for_texts_still_as_installed_and_in_the_latest_revision(home_page):
    """The migration that added the English fields fills them for sites installed before."""
    import importlib

    from django.apps import apps

    from moderation.models import HouseRulesPage, HouseRuleText

    migration = importlib.import_module("moderation.migrations.0006_english_version")
    page = house_rules_page_ensure(parent=home_page)
    HouseRulesPage.objects.filter(pk=page.pk).update(title_en="", intro_en="")
    HouseRuleText.objects.filter(page=page).update(title_en="", explanation_en="")
    HouseRuleText.objects.filter(page=page, code="abuse").update(explanation="編輯改寫過的說明")
    revision = page.latest_revision
    revision.content["title_en"] = ""
    for item in revision.content["rules"]:
        item["title_en"] = item["explanation_en"] = ""
    revision.save(update_fields=["content"])

    migration.english_for_default_texts(apps, None)

    page = HouseRulesPage.objects.get(pk=page.pk)
    assert page.title_en == "House rules" and page.intro_en.startswith("<p>Minyi welcomes")
    texts = {t.code: t for t in HouseRuleText.objects.filter(page=page)}
    assert texts["hate"].title_en == RULES["hate"].title_en
    assert texts["abuse"].title_en == ""  # edited in Chinese: no English of other words
    content = page.latest_revision.content
    assert content["title_en"] == "House rules"
    by_code = {item["code"]: item for item in content["rules"]}
    assert by_code["hate"]["explanation_en"] == RULES["hate"].summary_en
    assert by_code["abuse"]["title_en"] == ""
