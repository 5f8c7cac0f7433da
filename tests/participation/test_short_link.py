"""A consultation's short address for sharing (/c/<id>/): a Chinese slug made long links."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_share_links_use_the_short_address_which_leads_to_the_page(client, make_consultation):
    page = make_consultation(slug="高齡駕駛人換照制度調整草案")
    short = reverse("consultation_short", args=[page.pk])
    assert short == f"/c/{page.pk}/"
    html = client.get(page.url).content.decode()
    share = html[html.index('<nav class="share"') :]
    share = share[: share.index("</nav>")]
    assert f"http%3A%2F%2Ftestserver%2Fc%2F{page.pk}%2F" in share
    assert "%E9%AB%98" not in share and "%25E9" not in share  # no encoded slug
    landed = client.get(short)
    assert landed.status_code == 302 and landed.url == page.url
    assert client.get(reverse("consultation_short", args=[999999])).status_code == 404


def test_an_unpublished_consultation_has_no_short_address(client, make_consultation):
    page = make_consultation()
    page.unpublish()
    assert client.get(reverse("consultation_short", args=[page.pk])).status_code == 404
