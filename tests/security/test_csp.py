"""Content-Security-Policy (issue 9, item 6): a fresh nonce per response, scripts only from our
origin or carrying that nonce on public pages, a looser documented policy for the admin, and the
standalone report download (inline scripts) still working."""

import re

import pytest
from django.test import RequestFactory

from minyi.security import CSP_HEADER, CSP_REPORT_ONLY_HEADER, csp_nonce

# The reports app's fixtures: a consultation with a generated decision report.
from tests.reports.conftest import generated, report_urls, report_world  # noqa: F401

pytestmark = pytest.mark.django_db

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def policy(response, header: str = CSP_HEADER) -> dict[str, list[str]]:
    assert response.has_header(header), dict(response.headers)
    directives = {}
    for part in response[header].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(response) -> str:
    (nonce,) = [
        source[len("'nonce-") : -1]
        for source in policy(response)["script-src"]
        if source.startswith("'nonce-")
    ]
    assert len(nonce) >= 16
    return nonce


def executable_script_attributes(html: str) -> list[str]:
    """The attributes of every <script> a browser would run (json_script blocks are data)."""
    return [attrs for attrs in SCRIPT_TAG.findall(html) if 'type="application/json"' not in attrs]


def assert_allowed_by_the_public_policy(attrs: str, nonce: str) -> None:
    """Ours carry the nonce; Wagtail's user bar (shown to editors) loads files from our origin."""
    src = re.search(r'src="([^"]*)"', attrs)
    assert src, f"inline script: {attrs}"
    origin_relative = src.group(1).startswith("/") and not src.group(1).startswith("//")
    assert (
        f'nonce="{nonce}"' in attrs
        or origin_relative
        or src.group(1).startswith("//testserver/static/wagtailadmin/")
    ), attrs


def assert_public_policy(response) -> None:
    csp = policy(response)
    nonce = nonce_of(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert {"'self'", "ws:", "wss:"} <= set(csp["connect-src"])
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]


def test_public_pages_send_the_strict_policy(client, home_page, make_consultation):
    page = make_consultation()
    for url in ("/", page.url, "/en/", "/accounts/login/", "/participate/search/?q=公車"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_public_policy(response)


def test_nonce_differs_per_request_and_matches_the_script_tags(client, make_consultation):
    page = make_consultation()
    first, second = client.get(page.url), client.get(page.url)
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        scripts = executable_script_attributes(response.content.decode())
        assert scripts, "the consultation page loads live.js"
        for attrs in scripts:
            assert f'nonce="{nonce_of(response)}"' in attrs, attrs
            assert "src=" in attrs  # files only: nothing inline on public pages


def test_dashboard_scripts_carry_the_nonce(client, home_page):
    from performance.models import PerformanceDashboardPage

    dashboard = PerformanceDashboardPage(title="施政績效儀表板", slug="dashboard")
    home_page.add_child(instance=dashboard)
    response = client.get(dashboard.url)
    assert response.status_code == 200
    assert_public_policy(response)
    for attrs in executable_script_attributes(response.content.decode()):
        assert f'nonce="{nonce_of(response)}"' in attrs, attrs


def test_errors_redirects_and_json_carry_the_policy(client, home_page):
    for url, status in (("/no-such-page/", 404), ("/api/v1/consultations", 200), ("/me/", 302)):
        response = client.get(url)
        assert response.status_code == status, url
        assert_public_policy(response)


def test_admin_has_its_own_looser_policy(client, make_user):
    admin = make_user()
    admin.is_superuser = True
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    for url in ("/admin/", "/django-admin/"):
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        # Wagtail's panels and widgets run inline scripts: allowed here, and only here.
        assert "'unsafe-inline'" in csp["script-src"]
        assert not any(source.startswith("'nonce-") for source in csp["script-src"])
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]


def test_api_docs_load_swagger_from_our_own_static_files(client):
    """No CDN on a government intranet: Swagger UI comes with django-ninja's static files."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html and "/static/ninja/swagger-ui.css" in html
    assert "https://" not in html
    csp = policy(response)
    assert csp["script-src"] == ["'self'"]  # no inline script, nothing from elsewhere
    assert not any(source.startswith("https") for sources in csp.values() for source in sources)


def test_report_only_mode(client, home_page, settings):
    settings.MINYI_CSP_REPORT_ONLY = True
    response = client.get("/")
    assert not response.has_header(CSP_HEADER)
    assert "'nonce-" in response[CSP_REPORT_ONLY_HEADER]


def test_a_template_rendered_outside_a_request_gets_an_empty_nonce():
    assert csp_nonce(RequestFactory().get("/")) == {"csp_nonce": ""}


# --- The standalone report (an attachment with inline scripts) --------------------------------


def test_standalone_report_download_runs_its_inline_scripts(client, generated, report_urls):  # noqa: F811
    from django.urls import reverse

    client.force_login(generated["analyst"])
    report = generated["report"]
    response = client.get(
        reverse(
            "reports:html",
            kwargs={"consultation_id": generated["consultation"].pk, "version": report.version},
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    html = response.content.decode()
    scripts = executable_script_attributes(html)
    assert len(scripts) == 2  # plotly.js and report.js, inlined so the file works offline
    for attrs in scripts:
        assert attrs.strip() == f'nonce="{nonce_of(response)}"'
    # The report page itself loads the same scripts from files, with the nonce.
    page = client.get(
        reverse(
            "reports:detail",
            kwargs={"consultation_id": generated["consultation"].pk, "version": report.version},
        )
    )
    for attrs in executable_script_attributes(page.content.decode()):
        assert_allowed_by_the_public_policy(attrs, nonce_of(page))
