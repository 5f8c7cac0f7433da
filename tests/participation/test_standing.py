"""Where I stand: participants see the opinion groups, their place and their group's views."""

import re

import pytest
from django.urls import reverse

from participation.models import Participant, Statement
from participation.services import statement_vote_cast
from participation.standing import opinion_map_layout, participant_standing


@pytest.fixture
def two_camps(make_consultation, make_user):
    """Eight statements; six people agree with the first four and disagree with the rest, six
    do the opposite: two clear groups."""
    page = make_consultation()
    statements = [Statement.objects.create(consultation=page, text=f"陳述 {n}") for n in range(8)]
    camps = {"pro": [make_user() for _ in range(6)], "con": [make_user() for _ in range(6)]}
    for camp, people in camps.items():
        for person in people:
            for n, statement in enumerate(statements):
                agrees = (n < 4) == (camp == "pro")
                statement_vote_cast(statement=statement, user=person, value=1 if agrees else -1)
    return page, statements, camps


def test_a_participant_sees_their_group_and_what_it_agrees_on(client, two_camps):
    page, statements, camps = two_camps
    me = camps["pro"][0]
    client.force_login(me)
    url = reverse("participation:standing", args=[page.pk])
    html = client.get(url).content.decode()
    assert "意見地圖" in html and "<svg" in html

    standing = participant_standing(consultation=page, user=me)
    assert standing.ready and standing.votes_needed == 0
    assert [g.size for g in standing.groups] == [6, 6]
    mine = standing.my_group
    assert mine is not None and mine.size == 6
    # The same group as every other "pro" voter, a different one from every "con" voter.
    others = {
        person.pk: participant_standing(consultation=page, user=person).my_group.letter
        for person in camps["pro"] + camps["con"]
    }
    assert {others[p.pk] for p in camps["pro"]} == {mine.letter}
    assert {others[p.pk] for p in camps["con"]} == {"A", "B"} - {mine.letter}
    # What sets my group apart: agreeing with the first four statements or rejecting the rest.
    pro_texts = {s.text for s in statements[:4]}
    for row in mine.statements:
        assert (row["text"] in pro_texts) == (row["direction"] == "agree")
    assert mine.statements
    # Every divisive statement splits the two groups one way and the other.
    assert standing.divisive
    for row in standing.divisive:
        assert sorted(g["net"] > 0 for g in row["groups"]) == [False, True]
    # The page says it in words, and marks my place on the map.
    assert f"您屬於意見群 {mine.letter}" in html
    assert 'class="map-me"' in html
    assert len(re.findall(r'class="map-dot', html)) == 12
    layout = opinion_map_layout(standing)
    size = layout["size"]
    assert all(0 <= dot.x <= size and 0 <= dot.y <= size for dot in layout["dots"])


def test_too_few_votes_are_told_how_many_more(client, two_camps, make_user):
    page, statements, _camps = two_camps
    newcomer = make_user()
    for statement in statements[:3]:
        statement_vote_cast(statement=statement, user=newcomer, value=1)
    client.force_login(newcomer)
    html = client.get(reverse("participation:standing", args=[page.pk])).content.decode()
    assert "再表態 4 則" in html
    assert participant_standing(consultation=page, user=newcomer).my_group is None
    # The vote card says the same and, once there are enough votes, links to the page.
    card = client.get(page.url).content.decode()
    assert "再表態 4 則" in card
    for statement in statements[3:7]:
        statement_vote_cast(statement=statement, user=newcomer, value=1)
    standing_url = reverse("participation:standing", args=[page.pk])
    assert standing_url in client.get(page.url).content.decode()


def test_the_map_follows_new_votes_and_anonymous_readers_are_asked_in(client, two_camps, make_user):
    page, statements, camps = two_camps
    url = reverse("participation:standing", args=[page.pk])
    anonymous = client.get(url).content.decode()
    assert "登入" in anonymous and "<svg" not in anonymous

    late = make_user()
    client.force_login(late)
    for n, statement in enumerate(statements):
        statement_vote_cast(statement=statement, user=late, value=1 if n < 4 else -1)
    standing = participant_standing(consultation=page, user=late)
    assert standing.my_group is not None  # the votes bumped the stream: recomputed
    assert sum(g.size for g in standing.groups) == 13
    assert Participant.objects.filter(consultation=page).count() == 13


def test_no_groups_before_enough_people_vote(client, make_consultation, make_user):
    page = make_consultation()
    statement = Statement.objects.create(consultation=page, text="唯一的陳述")
    voter = make_user()
    statement_vote_cast(statement=statement, user=voter, value=1)
    client.force_login(voter)
    html = client.get(reverse("participation:standing", args=[page.pk])).content.decode()
    assert "才能分出意見群" in html
    assert "各對 1 則陳述表態" in html and "目前有 1 位" in html


def test_with_fewer_statements_than_seven_every_statement_is_enough(
    client, make_consultation, make_user
):
    """Six statements: the page asked for 「至少 7 則」 after a reader had voted on all six,
    and never placed them. Voting on all six must be enough, and the page must say so."""
    page = make_consultation()
    statements = [Statement.objects.create(consultation=page, text=f"陳述 {n}") for n in range(6)]
    camps = {"pro": [make_user() for _ in range(3)], "con": [make_user() for _ in range(3)]}
    for camp, people in camps.items():
        for person in people:
            for n, statement in enumerate(statements):
                agrees = (n < 3) == (camp == "pro")
                statement_vote_cast(statement=statement, user=person, value=1 if agrees else -1)
    me = camps["pro"][0]
    client.force_login(me)
    html = client.get(reverse("participation:standing", args=[page.pk])).content.decode()
    assert "至少 7 則" not in html and "7 則" not in html
    assert "對至少 6 則陳述表態的參與者" in html
    standing = participant_standing(consultation=page, user=me)
    assert standing.votes_to_join == 6 and standing.votes_needed == 0
    assert standing.my_group is not None and standing.my_group.size == 3
    assert f"您屬於意見群 {standing.my_group.letter}" in html
