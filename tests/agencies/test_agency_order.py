"""The agency a citizen picks from (petition form and filter): each ministry's own bodies
right under it, 行政院 first, not the English codes' alphabetical order."""

import pytest

pytestmark = pytest.mark.django_db


def test_agencies_are_listed_as_their_tree(make_agency, client):
    from minyi.agencies.selectors import agencies_as_tree

    ey = make_agency("EY", "行政院")
    make_agency("DGPA", "行政院人事行政總處", parent=ey)
    motc = make_agency("MOTC", "交通部", parent=ey)
    make_agency("MOF", "財政部", parent=ey)
    make_agency("THB", "交通部公路局", parent=motc)

    assert [(a.code, depth) for a, depth in agencies_as_tree()] == [
        ("EY", 0),
        ("DGPA", 0),
        ("MOF", 0),
        ("MOTC", 0),
        ("THB", 1),
    ]


def test_the_petition_filter_lists_an_agency_right_under_its_ministry(
    make_agency, home_page, client
):
    from participation.models import PetitionIndexPage

    ey = make_agency("EY", "行政院")
    motc = make_agency("MOTC", "交通部", parent=ey)
    make_agency("THB", "交通部公路局", parent=motc)
    make_agency("NDC", "國家發展委員會", parent=ey)  # between MOTC and THB by code
    board = PetitionIndexPage(title="提點子", slug="petitions")
    home_page.add_child(instance=board)
    html = client.get(board.url).content.decode()
    order = [
        html.index(f">{name}</option>") for name in ("交通部", "交通部公路局", "國家發展委員會")
    ]
    assert order == sorted(order)
