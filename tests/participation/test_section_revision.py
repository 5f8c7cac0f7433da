"""An article changed after people commented says so, and keeps the wording they answered."""

import pytest

from participation.services import comment_create

pytestmark = pytest.mark.django_db


def _publish_with_text(page, section_pk: int, text: str) -> None:
    """What the admin's 發布 does: a revision of the page and its sections, published."""
    page = type(page).objects.get(pk=page.pk)
    sections = list(page.sections.all())
    for section in sections:
        if section.pk == section_pk:
            section.text = text
    page.sections.set(sections)  # in the page's cluster, as the admin's form sets them
    page.save_revision().publish()


def test_changing_a_commented_article_marks_it_and_keeps_the_earlier_text(
    client, make_consultation, make_user
):
    page = make_consultation()
    first, second = page.sections.all()[:2]
    original = first.text
    comment_create(
        consultation=page, user=make_user(), body="寬度太窄。", stance="oppose", section=first
    )
    _publish_with_text(page, first.pk, "自行車道寬度不得小於二公尺。")
    _publish_with_text(page, second.pk, second.text + "（文字修正）")  # no comments: no mark

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.text == "自行車道寬度不得小於二公尺。"
    assert first.revised_at is not None and first.text_before_revision == original
    assert second.revised_at is None

    html = client.get(page.url).content.decode()
    assert "本條文已於" in html and "修正前的條文" in html and original in html

    # A later publish from a revision saved before the mark keeps the mark.
    stale = page.revisions.order_by("created_at").first()
    stale.publish()
    first.refresh_from_db()
    assert first.revised_at is not None
