"""Agency staff read Wagtail's admin in Traditional Chinese where Wagtail 8's own zh_Hant
catalogue is silent (site/accounts/wagtail_wording.py): the page editor's autosave, the
reviewer's dashboard, the workflow e-mails and the slug clash that autosave's draft causes.
People appear by display name there, never by e-mail address."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from minyi.agencies.models import AgencySubPage
from minyi.agencies.services import agency_staff_add
from tests.support.draftail import draftail_body

pytestmark = pytest.mark.django_db

DRAFTAIL_BODY = draftail_body("送審版本")


@pytest.fixture
def staff(make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    author = make_user(display_name="交通部承辦人", email="author@motc.gov.tw")
    reviewer = make_user(display_name="交通部科長", email="reviewer@motc.gov.tw")
    for user in (author, reviewer):
        agency_staff_add(agency=motc, user=user)
    return motc, author, reviewer


def _draft(agency, author, title="數位身分證說明"):
    page = AgencySubPage(title=title, body="<p>草稿</p>", live=False, owner=author)
    agency.root_page.add_child(instance=page)
    page.save_revision(user=author)
    return page


def test_the_walks_english_strings_have_chinese():
    with translation.override("zh-hant"):
        for english in (
            "Autosave is paused",
            "Saved",
            "There are validation errors, click save to highlight them.",
            'Multi-word tags with spaces will automatically be enclosed in double quotes (").',
            "Privacy and access",
            "Task submitted by",
            "The page could not be created due to validation errors.",
            "Go to the first error",
        ):
            assert translation.gettext(english) != english, english
        assert (
            translation.ngettext("Referenced %(count)s time", "Referenced %(count)s times", 3)
            % {"count": 3}
            == "被引用 3 次"
        )


def test_the_page_editor_speaks_chinese(client, staff):
    motc, author, _reviewer = staff
    page = _draft(motc, author)
    client.force_login(author)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert "自動儲存已暫停" in html and "Autosave is paused" not in html
    assert "Privacy and access" not in html


def test_a_taken_slug_says_in_chinese_where_the_draft_is(client, staff):
    """Autosave has already created the draft: starting again with the same title is told
    where to find it, or to change the title or slug."""
    motc, author, _reviewer = staff
    _draft(motc, author, title="高齡駕駛人換照")
    taken = AgencySubPage.objects.get().slug
    client.force_login(author)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["agencies", "agencysubpage", motc.root_page.pk],
    )
    response = client.post(url, {"title": "高齡駕駛人換照", "slug": taken, "body": DRAFTAIL_BODY})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"網址代稱「{taken}」已被同一層的另一個頁面使用" in html
    assert "請到「頁面」找到它繼續編輯" in html and "修改標題或網址代稱" in html
    assert "is already in use" not in html
    assert "有欄位未通過檢查，頁面尚未建立。" in html


def test_workflow_mail_and_dashboard_are_chinese_and_name_people(
    client, staff, make_user, django_capture_on_commit_callbacks
):
    motc, author, reviewer = staff
    administrator = make_user(display_name="網站管理員", email="admin@minyi.example")
    administrator.is_superuser = True  # Wagtail tells superusers of every submission
    administrator.save(update_fields=["is_superuser"])
    page = _draft(motc, author)
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            {"title": page.title, "slug": page.slug, "body": DRAFTAIL_BODY, "action-submit": "1"},
        )
    assert response.status_code == 302
    to_admin = "\n".join(m.subject + m.body for m in mail.outbox if administrator.email in m.to)
    assert f"交通部承辦人 已將頁面「{page.title}」送交工作流程" in to_admin, to_admin
    assert "submitted" not in to_admin and author.email not in to_admin
    assert "網站管理員 您好：" in to_admin
    to_reviewer = next(m for m in mail.outbox if reviewer.email in m.to)
    assert "交通部科長 您好：" in to_reviewer.body, to_reviewer.body
    assert f"頁面「{page.title}」已送交審核階段" in to_reviewer.body
    assert reviewer.email not in to_reviewer.body and " 你" not in to_reviewer.body

    client.force_login(reviewer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "作業提交者" in html and "隱私與存取權限" in html
    assert "Task submitted by" not in html and "Privacy and access" not in html
    assert "交通部承辦人" in html and author.email not in html


# --- The administrator's user screens and the rest of the admin (wagtail_users.py) ---------


@pytest.fixture
def administrator(make_user):
    user = make_user(display_name="網站管理員", email="admin@minyi.example")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def _user_form(user, **changes) -> dict:
    from django.contrib.auth.models import Group

    data = {
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "display_name": user.display_name,
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [str(g.pk) for g in user.groups.all()],
    }
    for name, value in changes.items():
        data[name] = value
    data.setdefault("groups", [])
    if "role" in changes:
        data["groups"].append(str(Group.objects.get(name=data.pop("role")).pk))
    return data


def test_an_administrator_gives_a_role_without_a_real_name(client, administrator, make_user):
    citizen = make_user(display_name="新承辦")
    client.force_login(administrator)
    edit_url = reverse("wagtailusers_users:edit", args=[citizen.pk])
    html = client.get(edit_url).content.decode()
    assert "顯示名稱" in html and "新承辦" in html
    assert "選填，不會公開" in html

    response = client.post(
        edit_url, _user_form(citizen, role="分析師", display_name="國發會分析師")
    )

    assert response.status_code == 302, response.context["form"].errors
    citizen.refresh_from_db()
    assert set(citizen.groups.values_list("name", flat=True)) >= {"分析師"}
    assert citizen.display_name == "國發會分析師" and citizen.first_name == ""


def test_an_administrator_creates_a_user_without_a_real_name(client, administrator):
    from minyi.accounts.models import User

    client.force_login(administrator)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "new.staff@minyi.example",
            "display_name": "新同仁",
            "password1": "a-long-Passphrase-2026",
            "password2": "a-long-Passphrase-2026",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(email="new.staff@minyi.example").display_name == "新同仁"


def test_the_walks_admin_leftovers_are_chinese():
    with translation.override("zh-hant"):
        for english in ("Shortcuts", "Aging pages", "Page types usage", "Access level"):
            assert translation.gettext(english) != english, english
        assert translation.gettext("Last login") == "上次登入"
        assert translation.gettext("Other searches") == "其他搜尋"
        assert "創建" not in translation.gettext("User '%(object)s' created.")
        count = translation.gettext(
            "%(start_index)s-%(end_index)s of %(items_count)s %(model_name)s"
        ) % {"start_index": 1, "end_index": 1, "items_count": 1, "model_name": None}
        assert count == "第 1–1 項，共 1 項"


def test_the_users_listing_and_an_empty_snippet_listing_are_chinese(client, administrator, staff):
    client.force_login(administrator)
    html = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "上次登入" in html and "存取層級" in html
    assert "Last login" not in html and "Access level" not in html

    _motc, author, _reviewer = staff
    client.force_login(author)
    html = client.get(reverse("wagtailsnippets_performance_program:list")).content.decode()
    assert "Why not" not in html and "沒有可顯示的計畫" in html


def test_page_search_counts_without_none(client, staff):
    motc, author, _reviewer = staff
    _draft(motc, author, title="數位身分證說明")
    client.force_login(author)
    html = client.get(reverse("wagtailadmin_pages:search"), {"q": "數位身分證"}).content.decode()
    assert "數位身分證說明" in html
    assert "第 1–1 項，共 1 項" in html and "項None" not in html


def test_the_user_form_speaks_taiwans_wording_and_names_agencies(client, make_user, make_agency):
    """The administrator's user form said 用戶, 帳戶, 對象, 配置 and 「組」, and listed agency
    groups by code (「機關 MOTC 人員」)."""
    make_agency("MOTC", "交通部")
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    html = client.get(f"/admin/users/edit/{make_user().pk}/").content.decode()
    for mainland in ("用戶", "帳戶", "對象", "配置"):
        assert mainland not in html, mainland
    assert "交通部 人員" in html and "機關 MOTC 人員" not in html
