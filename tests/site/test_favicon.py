"""The site's icon: linked from every page, and /favicon.ico leads to it (no 404 per page)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_icon_every_page_links(client, home_page):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith(".svg")
    from django.contrib.staticfiles import finders

    assert Path(finders.find("minyi/favicon.svg")).read_text().startswith("<svg")
    assert f'<link rel="icon" href="{response.url}"' in client.get(home_page.url).content.decode()
