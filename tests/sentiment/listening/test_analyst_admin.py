"""Analysts manage listening topics and sources in the Wagtail admin, and reach the dashboard
from the admin menu, their account page and the dashboard's own buttons."""

import pytest

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from sentiment.listening.admin import ListeningSourceForm
from sentiment.models import Source, SourceKind, Topic

pytestmark = pytest.mark.django_db

TOPIC_ADD = "/admin/snippets/sentiment/topic/add/"
SOURCE_ADD = "/admin/snippets/sentiment/source/add/"


@pytest.fixture
def analyst(make_user):
    user = make_user(display_name="分析師乙")
    user_role_add(user=user, role=Role.ANALYST)
    return user


def _source_form(data: dict) -> ListeningSourceForm:
    form_class = Source.snippet_viewset.get_form_class()
    assert issubclass(form_class, ListeningSourceForm)
    base = {"name": "來源", "interval_minutes": 30, "enabled": True, "config": "{}"}
    return form_class({**base, **data}, instance=Source())


def test_analyst_creates_a_topic_in_the_admin(client, analyst):
    client.force_login(analyst)
    assert client.get(TOPIC_ADD).status_code == 200
    response = client.post(
        TOPIC_ADD,
        {
            "name": "多元計程車",
            "query": "計程車 OR 多元",
            "alert_z": "3.0",
            "alert_min_volume": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Topic.objects.filter(name="多元計程車").exists()


def test_analyst_adds_and_edits_sources_but_may_not_delete_them(client, analyst):
    source = Source.objects.create(
        name="八卦板", kind=SourceKind.PTT, config={"board": "Gossiping"}
    )
    client.force_login(analyst)
    assert client.get(SOURCE_ADD).status_code == 200
    assert client.get(f"/admin/snippets/sentiment/source/edit/{source.pk}/").status_code == 200
    assert analyst.has_perm("sentiment.change_source")
    assert not analyst.has_perm("sentiment.delete_source")
    assert analyst.has_perm("sentiment.add_userdictionaryentry")


def test_citizen_still_may_not_add_a_topic(client, make_user):
    citizen = make_user()
    assert not citizen.has_perm("sentiment.add_topic")
    client.force_login(citizen)
    assert client.get(TOPIC_ADD).status_code == 302


def test_alert_recipients_are_analysts_and_superusers_only(analyst, make_user):
    citizen = make_user(display_name="熱心市民")
    superuser = make_user(display_name="管理者")
    superuser.is_superuser = True
    superuser.save()
    form_class = Topic.snippet_viewset.get_form_class()
    choices = set(form_class().fields["analysts"].queryset)
    assert choices == {analyst, superuser}
    assert citizen not in choices


def test_listings_show_booleans_as_ticks_not_true(client, analyst):
    Topic.objects.create(name="計程車", query="計程車")
    Source.objects.create(name="八卦板", kind=SourceKind.PTT, config={"board": "Gossiping"})
    client.force_login(analyst)
    for url in ("/admin/snippets/sentiment/topic/", "/admin/snippets/sentiment/source/"):
        html = client.get(url).content.decode()
        assert ">True<" not in html and "True\n" not in html, url
        assert "#icon-check" in html, url


def test_source_form_keeps_what_to_read_in_the_configuration():
    form = _source_form({"kind": "ptt", "target": " Gossiping ", "config": '{"max_pages": 2}'})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["config"] == {"max_pages": 2, "board": "Gossiping"}

    missing = _source_form({"kind": "dcard", "target": ""})
    assert not missing.is_valid() and "target" in missing.errors

    feed = _source_form({"kind": "rss", "target": "not a url"})
    assert not feed.is_valid() and "target" in feed.errors

    upload = _source_form({"kind": "upload", "config": '{"format": "csv"}'})
    assert upload.is_valid(), upload.errors

    not_an_object = _source_form({"kind": "upload", "config": "[1, 2]"})
    assert not not_an_object.is_valid() and "config" in not_an_object.errors


def test_source_form_shows_what_to_read_apart_from_the_other_settings():
    source = Source.objects.create(
        name="八卦板", kind=SourceKind.PTT, config={"board": "Gossiping", "max_pages": 2}
    )
    form = Source.snippet_viewset.get_form_class()(instance=source)
    assert form.initial["target"] == "Gossiping"
    assert form.initial["config"] == {"max_pages": 2}


def test_upload_source_edit_page_explains_settings_and_links_to_its_upload(client, analyst):
    source = Source.objects.create(name="匯入", kind=SourceKind.UPLOAD, config={"format": "csv"})
    client.force_login(analyst)
    html = client.get(f"/admin/snippets/sentiment/source/edit/{source.pk}/").content.decode()
    assert f'href="/listening/sources/{source.pk}/upload/"' in html
    assert "max_pages" in html and "published_at" in html  # the settings of each kind
    listing = client.get("/admin/snippets/sentiment/source/").content.decode()
    assert f"/listening/sources/{source.pk}/upload/" in listing


def test_dashboard_offers_adding_a_topic_to_those_allowed(client, analyst, make_user):
    client.force_login(analyst)
    html = client.get("/listening/").content.decode()
    assert f'href="{TOPIC_ADD}"' in html
    superuser = make_user()
    superuser.is_superuser = True
    superuser.save()
    client.force_login(superuser)
    assert f'href="{TOPIC_ADD}"' in client.get("/listening/").content.decode()


def test_account_page_and_admin_menu_link_the_dashboard_for_analysts_only(
    client, analyst, make_user
):
    sidebar_link = '"url": "/listening/"'  # the admin sidebar is JSON in the page
    client.force_login(analyst)
    assert 'href="/listening/"' in client.get("/me/").content.decode()
    assert sidebar_link in client.get("/admin/").content.decode()

    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    assert 'href="/listening/"' not in client.get("/me/").content.decode()
    assert sidebar_link not in client.get("/admin/").content.decode()

    client.force_login(make_user())
    assert 'href="/listening/"' not in client.get("/me/").content.decode()


def test_a_new_source_shows_no_run_status_and_a_saved_one_reads_it_in_minguo(client, analyst):
    """The new-source form showed 「上次執行 None」; saved sources showed Gregorian times."""
    from datetime import UTC, datetime

    client.force_login(analyst)
    html = client.get(SOURCE_ADD).content.decode()
    # each kind's settings are marked, and a script keeps the chosen kind's in view
    assert 'dd data-kind="ptt"' in html and "sentiment/listening/source_form" in html
    assert ">None<" not in html and "None\n" not in html
    assert "上次執行" not in html
    source = Source.objects.create(
        name="八卦板",
        kind=SourceKind.PTT,
        config={"board": "Gossiping"},
        last_run_at=datetime(2026, 12, 6, 8, 0, tzinfo=UTC),
    )
    html = client.get(f"/admin/snippets/sentiment/source/edit/{source.pk}/").content.decode()
    assert "115年12月6日 16:00" in html and "2026" not in html.split("上次執行")[1][:400]


def test_bad_other_settings_are_refused_in_chinese_and_nothing_is_saved(client, analyst):
    """「其他設定（JSON）」 took anything: broken JSON got a bare 「輸入有效的 JSON。」, a typo in a
    setting's name or a word for a number was saved and failed at the next run."""
    client.force_login(analyst)
    base = {"name": "八卦板", "kind": "ptt", "target": "Gossiping", "interval_minutes": 30}
    for config, expected in [
        ("{max_pages: 5}", "「其他設定」的格式不正確"),
        ('{"maxpages": 5}', "「PTT 看板」來源沒有「maxpages」這項設定。可用的設定：max_pages"),
        ('{"max_pages": "five"}', "「max_pages」必須是 1 以上的整數"),
    ]:
        response = client.post(
            SOURCE_ADD, {**base, "config": config}, HTTP_ACCEPT_LANGUAGE="zh-Hant"
        )
        assert response.status_code == 200, config
        assert expected in response.content.decode(), config
    assert not Source.objects.exists()

    response = client.post(SOURCE_ADD, {**base, "config": '{"max_pages": 5}'})
    assert response.status_code == 302
    assert Source.objects.get().config == {"max_pages": 5, "board": "Gossiping"}


def test_other_settings_are_checked_per_kind():
    upload = _source_form({"kind": "upload", "config": '{"format": "xlsx"}'})
    assert not upload.is_valid() and "config" in upload.errors
    mapped = _source_form({"kind": "upload", "config": '{"mapping": {"text": "內容"}}'})
    assert mapped.is_valid(), mapped.errors
    empty = _source_form({"kind": "rss", "target": "https://example.org/feed", "config": ""})
    assert empty.is_valid(), empty.errors
    assert empty.cleaned_data["config"] == {"url": "https://example.org/feed"}
    dcard = _source_form({"kind": "dcard", "target": "trending", "config": '{"limit": 0}'})
    assert not dcard.is_valid() and "config" in dcard.errors


def test_a_topic_without_sources_says_so_on_its_dashboard_and_in_its_form(client, analyst):
    """A topic saved without sources showed only zeros, with nothing saying it reads nothing."""
    topic = Topic.objects.create(name="停車", query="停車")
    client.force_login(analyst)
    html = client.get(f"/listening/topics/{topic.pk}/").content.decode()
    assert "這個主題尚未選擇監測來源" in html
    assert f'href="/admin/snippets/sentiment/topic/edit/{topic.pk}/"' in html
    assert "未選擇來源的主題不會收到任何貼文" in client.get(TOPIC_ADD).content.decode()
    topic.sources.add(Source.objects.create(name="上傳", kind=SourceKind.UPLOAD))
    html = client.get(f"/listening/topics/{topic.pk}/").content.decode()
    assert "這個主題尚未選擇監測來源" not in html
