"""An agency's reply to a comment showed only 「交通部承辦人 · 115年12月6日」, like any citizen's.
Comments store no agency: what its staff write on the agency's own consultation is marked as the
agency's (「交通部回覆」), with text for screen readers; nobody else's is."""

import re

import pytest

from minyi.agencies.services import agency_staff_add
from participation.services import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(make_consultation, make_agency, make_user):
    page = make_consultation(agency_code="MOTC")
    motc = page.agency
    motc.name_zh = "交通部"
    motc.save()
    citizen = make_user(display_name="熱心市民")
    staff = make_user(display_name="交通部承辦人")
    agency_staff_add(agency=motc, user=staff)
    other_staff = make_user(display_name="數位部承辦人")
    agency_staff_add(agency=make_agency("MODA", "數位發展部"), user=other_staff)
    question = comment_create(consultation=page, user=citizen, body="何時實施？", stance="suggest")
    comment_create(consultation=page, user=staff, body="預計明年實施。", parent=question)
    comment_create(consultation=page, user=other_staff, body="我也想知道。", parent=question)
    comment_create(consultation=page, user=citizen, body="謝謝說明。", parent=question)
    return page


def _reply_items(html) -> list[str]:
    return [item.split("</li>")[0] for item in html.split('<li class="comment reply')[1:]]


def test_the_agencys_reply_carries_its_badge(client, thread):
    html = client.get(thread.url).content.decode()
    replies = _reply_items(html)
    official = next(item for item in replies if "預計明年實施" in item)
    assert "reply-by-agency" in official
    assert "交通部回覆" in official and "（機關人員代表機關撰寫）" in official
    for text in ("我也想知道", "謝謝說明"):
        item = next(item for item in replies if text in item)
        assert "回覆</span>" not in item and "reply-by-agency" not in item
    # once on the reply; the page's <template> for live replies is not shown
    shown = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert shown.count("交通部回覆") == 1
