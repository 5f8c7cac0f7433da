"""The site shell: language, landmarks, skip link, navigation, forms and error pages."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.template import loader
from django.urls import reverse
from wagtail.models import Page

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from minyi.home.templatetags.minyi_tags import html_lang, tel_href

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """The tags, attributes and focusable elements of a page, in document order."""

    FOCUSABLE = {"a", "button", "input", "select", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.focusable: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in self.FOCUSABLE and attributes.get("type") != "hidden":
            if tag == "a" and "href" not in attributes:
                return
            self.focusable.append((tag, attributes))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


def test_home_page_language_landmarks_and_skip_link(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    page = outline(response)
    (html,) = page.find("html")
    assert html["lang"] == "zh-Hant-TW"
    # The skip link is the first thing a keyboard reaches, and it leads to <main id="main">.
    first_tag, first = page.focusable[0]
    assert first_tag == "a"
    assert first["href"] == "#main"
    assert "skip-link" in first["class"]
    (main,) = page.find("main")
    assert main["id"] == "main"
    assert main["tabindex"] == "-1"
    assert page.find("header") and page.find("footer")
    navs = page.find("nav")
    assert navs and all(nav.get("aria-label") for nav in navs)
    assert page.find("div", role="status")
    assert page.find("link", rel="stylesheet")


def test_home_page_headings_start_at_h1_and_do_not_skip(client, home_page):
    page = outline(client.get("/"))
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))


def test_home_page_lists_agency_sections_and_empty_states(client, make_agency):
    make_agency("MODA", "數位發展部", name_en="Ministry of Digital Affairs")
    content = client.get("/").content.decode()
    assert "數位發展部" in content
    assert '<p class="card-meta" lang="en">Ministry of Digital Affairs</p>' in content
    assert content.count('class="empty-state"') == 2  # no consultations, no highlights yet


def test_home_page_lists_consultations_and_highlights(rf, home_page):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    closes_at = dt.datetime(2026, 11, 22, 16, 30, tzinfo=dt.UTC)
    context = {
        "page": home_page,
        "request": request,
        "open_consultations": [
            {"title": "電動機車補助", "url": "/moenv/ev/", "closes_at": closes_at}
        ],
        "dashboard_highlights": [{"label": "5G 涵蓋率", "value": "98%", "url": "/dash/5g/"}],
        "agency_sections": [],
    }
    html = loader.render_to_string("home/home_page.html", context, request=request)
    assert '<a href="/moenv/ev/">電動機車補助</a>' in html
    assert '<time datetime="2026-11-23T00:30:00+08:00"' in html
    assert '<a href="/dash/5g/">5G 涵蓋率</a>' in html
    assert "98%" in html


def test_english_pages_say_so(client, home_page):
    response = client.get("/en/")
    assert response.status_code == 200
    (html,) = outline(response).find("html")
    assert html["lang"] == "en"


def test_language_switcher_posts_to_set_language(client, home_page):
    content = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in content
    assert re.search(r'name="language" value="en" lang="en" aria-pressed="false"', content)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response["Location"] == "/en/"


def test_navigation_for_visitors(client, home_page):
    content = client.get("/").content.decode()
    assert f'href="{reverse("account_login")}"' in content
    assert f'href="{reverse("account_signup")}"' in content
    assert reverse("accounts:profile") not in content
    assert 'href="/admin/"' not in content


def test_navigation_for_citizens_has_logout_form_but_no_admin(client, make_user):
    client.force_login(make_user())
    content = client.get("/").content.decode()
    assert f'href="{reverse("accounts:profile")}"' in content
    assert re.search(rf'<form[^>]*method="post"[^>]*action="{reverse("account_logout")}"', content)
    assert 'href="/admin/"' not in content


def test_navigation_for_staff_links_to_the_admin(client, make_user):
    user = make_user()
    user_role_add(user=user, role=Role.AGENCY_STAFF)
    client.force_login(user)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_signup_page_uses_the_site_layout_with_labelled_fields(client, home_page):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    page = outline(response)
    assert page.find("main", id="main")
    (html,) = page.find("html")
    assert html["lang"] == "zh-Hant-TW"
    for name in ("email", "display_name", "password1", "password2"):
        assert page.find("label", **{"for": f"id_{name}"}), f"no label for {name}"
        assert page.find("input", name=name, id=f"id_{name}")
    (display_name,) = page.find("input", name="display_name")
    assert display_name["aria-describedby"] == "id_display_name_helptext"
    assert page.find("div", id="id_display_name_helptext")


def test_signup_errors_are_linked_and_announced(client, home_page):
    response = client.post(
        reverse("account_signup"),
        {"email": "not-an-address", "display_name": "x", "password1": "a", "password2": "b"},
    )
    assert response.status_code == 200
    page = outline(response)
    assert page.find("div", role="alert")
    (display_name,) = page.find("input", name="display_name")
    assert display_name["aria-invalid"] == "true"
    assert "id_display_name_error" in display_name["aria-describedby"].split()
    assert page.find("ul", id="id_display_name_error")
    assert page.find("a", href="#id_display_name")


@pytest.mark.parametrize(
    "url_name", ["account_login", "account_reset_password", "account_email_verification_sent"]
)
def test_allauth_pages_use_the_site_layout(client, home_page, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = outline(response)
    assert page.find("main", id="main")
    assert page.find("a", href="#main")
    assert page.headings and page.headings[0] == 1


def test_login_error_is_shown(client, home_page):
    response = client.post(
        reverse("account_login"), {"login": "nobody@example.org", "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert outline(response).find("div", role="alert")


def test_email_management_page_renders(client, make_user):
    client.force_login(make_user(email="radio@example.org"))
    response = client.get(reverse("account_email"))
    assert response.status_code == 200
    page = outline(response)
    assert page.find("input", type="radio", value="radio@example.org")
    assert page.find("a", href=reverse("accounts:profile"))


def test_messages_are_rendered_in_the_status_region(client, make_user):
    client.force_login(make_user())
    response = client.post(
        reverse("accounts:profile"), {"display_name": "新的名字", "last_name": "", "first_name": ""}
    )
    response = client.get(response["Location"])
    content = response.content.decode()
    status = re.search(r'<div class="messages" role="status">(.*?)</div>', content, re.S)
    assert status and 'class="message message-success"' in status.group(1)
    # The script that gives each message its close button comes with messages only.
    assert 'data-close-label="關閉這則訊息"' in status.group(1)
    assert "minyi/js/messages" in content
    assert "minyi/js/messages" not in client.get(reverse("accounts:profile")).content.decode()


def test_profile_page(client, make_user, make_agency):
    from minyi.agencies.services import agency_staff_add

    user = make_user(display_name="資料主人", email="owner@example.org")
    agency_staff_add(agency=make_agency("MODA", "數位發展部"), user=user)
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    content = response.content.decode()
    page = outline(response)
    assert "owner@example.org" in content
    assert "資料主人" in content
    assert Role.CITIZEN.value in content
    assert "數位發展部" in content
    for name in ("display_name", "last_name", "first_name"):
        assert page.find("label", **{"for": f"id_{name}"})
    for url in (
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("accounts:data_export"),
        reverse("accounts:delete"),
    ):
        assert page.find("a", href=url), url


def test_delete_page_explains_the_house_rule(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 200
    page = outline(response)
    assert page.find("form", method="post", action=reverse("accounts:delete"))
    assert page.find("input", name="csrfmiddlewaretoken")
    assert page.find("label", **{"for": "id_password"})
    assert page.find("input", type="checkbox", name="confirm")
    assert "已刪除的使用者" in response.content.decode()


def test_agency_page_shows_contact_details(client, make_agency):
    parent = make_agency("MOTC", "交通部")
    agency = make_agency(
        "THB",
        "交通部公路局",
        name_en="Highway Bureau, MOTC",
        parent=parent,
        website="https://www.thb.gov.tw/",
        contact_email="service@thb.gov.tw",
        contact_phone="(02) 2307-0123 分機 5",
    )
    response = client.get(agency.section_page.url)
    assert response.status_code == 200
    content = response.content.decode()
    page = outline(response)
    assert page.find("a", href="https://www.thb.gov.tw/")
    assert page.find("a", href="mailto:service@thb.gov.tw")
    assert page.find("a", href="tel:0223070123")
    assert page.find("a", href=parent.section_page.url)
    assert '<p class="subtitle" lang="en">Highway Bureau, MOTC</p>' in content
    assert page.find("nav", **{"class": "breadcrumbs"})


def test_agency_sub_page(client, make_agency):
    from minyi.agencies.models import AgencySubPage

    section = make_agency("MODA", "數位發展部").section_page
    sub = section.add_child(
        instance=AgencySubPage(title="業務簡介", slug="about", body="<p>數位轉型。</p>")
    )
    response = client.get(sub.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>業務簡介</h1>" in content
    assert "數位轉型。" in content
    assert f'href="{section.url}"' in content
    # The section lists its pages.
    assert f'href="{sub.url}"' in client.get(section.url).content.decode()


def test_404_page(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = outline(response)
    assert page.find("main", id="main")
    assert page.headings[0] == 1


def test_500_page_needs_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "<h1>" in html
    assert 'lang="zh-Hant-TW"' in html
    assert 'href="/"' in html


def test_503_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("503.html").render()
    assert "<h1>" in html


def test_wagtail_root_page_is_not_in_breadcrumbs(client, make_agency):
    section = make_agency("MODA", "數位發展部").section_page
    root = Page.objects.get(depth=1)
    content = client.get(section.url).content.decode()
    assert root.title not in re.search(r'<nav class="breadcrumbs".*?</nav>', content, re.S).group(0)


@pytest.mark.parametrize(
    ("code", "tag"),
    [("zh-hant", "zh-Hant-TW"), ("en", "en"), ("EN", "en"), ("pt-br", "pt-BR"), ("", "zh-Hant-TW")],
)
def test_html_lang(code, tag):
    assert html_lang(code) == tag


@pytest.mark.parametrize(
    ("phone", "href"),
    [
        ("(02) 2737-7111", "0227377111"),
        ("+886 2 2737 7111", "+886227377111"),
        ("02-2737-7111 分機 123", "0227377111"),
        ("02-2737-7111 ext. 12", "0227377111"),
        ("1999", "1999"),
        ("請洽服務台", ""),
        ("", ""),
    ],
)
def test_tel_href(phone, href):
    assert tel_href(phone) == href


def test_breadcrumbs_name_the_agency_in_the_readers_language(client, make_agency):
    from minyi.agencies.models import AgencySubPage

    section = make_agency("MODA", "數位發展部", name_en="Ministry of Digital Affairs").section_page
    sub = section.add_child(instance=AgencySubPage(title="業務簡介", slug="about", body="<p>x</p>"))

    def crumbs(url: str) -> str:
        content = client.get(url).content.decode()
        return re.search(r'<nav class="breadcrumbs".*?</nav>', content, re.S).group(0)

    assert "數位發展部" in crumbs(sub.url)
    english = crumbs("/en" + sub.url)
    assert "Ministry of Digital Affairs" in english
    assert "數位發展部" not in english


def test_the_footer_offers_the_other_language(client, home_page):
    footer = re.search(
        r'<footer class="site-footer">.*?</footer>', client.get("/").content.decode(), re.S
    )
    assert 'value="en" lang="en">English</button>' in footer.group(0)
    english = client.get("/en/").content.decode()
    footer = re.search(r'<footer class="site-footer">.*?</footer>', english, re.S).group(0)
    assert "繁體中文</button>" in footer and ">English</button>" not in footer
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.url.startswith("/en/")
