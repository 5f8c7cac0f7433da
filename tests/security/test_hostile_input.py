"""Hostile input (issue 9, part 3): every payload of the corpus, posted through every citizen
input, is escaped everywhere it is shown again.

Inputs: comments, replies, statements, petition titles and bodies, report notes, appeal reasons,
display names, program questions, the search box, and (from agency staff) response reasons.
Outputs: the consultation page, all-comments page, petition page and board, search results,
state.json, the API, RSS/Atom feeds, the iCalendar file, e-mails, the personal data export, the
tallies CSV, the moderators' desk (queue, appeals, audit log and its CSV) and the dashboard.
"""

import contextlib
import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from moderation.models import Decision
from moderation.services import appeal_create, item_decide, report_create
from moderation.templatetags.moderation_tags import report_url
from participation.models import (
    AdoptionDecision,
    Comment,
    CommentState,
    ConsultationPage,
    Petition,
    PetitionIndexPage,
    Statement,
)
from participation.services import (
    comment_create,
    consultation_response_approve,
    consultation_response_draft_save,
    consultation_response_submit,
    petition_create,
    petition_moderation_approve,
    statement_create,
)
from tests.security.htmlcheck import csv_formula_cells, html_problems, ical_problems
from tests.security.payloads import ALL, DANGEROUS_CHARS, FORMULA, SHORT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    """Rate limits are tested elsewhere; here one person posts hundreds of payloads."""
    import moderation.services
    import participation.services
    import performance.services

    monkeypatch.setattr(participation.services, "_require_within_rate", lambda **kw: None)
    monkeypatch.setattr(moderation.services, "_require_report_rate", lambda user: None)
    monkeypatch.setattr(performance.services, "rate_limit_exceeded", lambda **kw: False)


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _assert_safe_html(response, where: str) -> str:
    assert response.status_code < 500, where
    body = _body(response)
    problems = html_problems(body)
    assert not problems, f"{where}: {problems[:5]}"
    return body


def _valid_display_names() -> list[str]:
    from minyi.accounts.validators import validate_display_name

    names = []
    for payload in SHORT:
        try:
            validate_display_name(payload)
        except ValidationError:
            continue
        names.append(payload)
    return names


@pytest.fixture
def world(make_consultation, make_user, home_page, django_capture_on_commit_callbacks):
    """One consultation, every payload posted once per input, a moderator who decided some."""
    page = make_consultation(sections=2)
    agency = page.agency
    names = _valid_display_names()
    authors = []
    for name in names[:40]:
        with contextlib.suppress(ValidationError):  # the same name after normalisation is taken
            authors.append(make_user(display_name=name))
    authors.append(make_user(display_name="一般市民"))
    section = page.sections.first()
    comments = []
    for n, payload in enumerate(ALL):
        author = authors[n % len(authors)]
        with contextlib.suppress(ValidationError):  # refused by the house rules: nothing stored
            comments.append(
                comment_create(
                    consultation=page,
                    user=author,
                    body=payload,
                    stance=("support", "oppose", "suggest")[n % 3],
                    section=section if n % 2 else None,
                )
            )
    visible = [c for c in comments if c.state == CommentState.PUBLISHED]
    replies = []
    for n, payload in enumerate(ALL[::4]):
        replies.append(
            comment_create(
                consultation=page, user=authors[-1], body=payload, parent=visible[n % 10]
            )
        )
    for payload in SHORT:
        with contextlib.suppress(ValidationError):
            statement_create(consultation=page, user=authors[-1], text=payload)
    moderator = make_user(display_name="審核的人")
    user_role_add(user=moderator, role=Role.MODERATOR)
    petitions = []
    for n, payload in enumerate(ALL[::6]):
        try:
            petition = petition_create(
                user=authors[n % len(authors)],
                title=payload[:60].strip() or "點子",
                body=payload,
                agency=agency,
            )
        except ValidationError:
            continue
        petitions.append(petition_moderation_approve(petition=petition, moderator=moderator))
    reporter = make_user(display_name="檢舉的人")
    for comment, payload in zip(visible[10:], ALL, strict=False):
        with contextlib.suppress(ValidationError):
            report_create(
                reporter=reporter, instance=comment, rule="spam-links", note=payload[:500]
            )
    # Decide against some comments, whose authors then appeal with a payload as the reason.
    for appealed, comment in enumerate(visible[:10]):
        decision = item_decide(
            moderator=moderator, instance=comment, action="reject", rule="abuse", note=ALL[3]
        )
        appeal_create(
            author=comment.author, decision=decision, reason=FORMULA[appealed % len(FORMULA)]
        )
    staff = make_user(display_name="機關承辦")
    agency_staff_add(agency=agency, user=staff)
    decision = AdoptionDecision.values[-1]
    ConsultationPage.objects.filter(pk=page.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    approver = make_user(display_name="機關核可")
    agency_staff_add(agency=agency, user=approver)
    # Version 1, then a correction whose note is hostile too; both stay readable.
    for version, note in ((1, ""), (2, ALL[5])):
        draft = consultation_response_draft_save(
            consultation=ConsultationPage.objects.get(pk=page.pk),
            user=staff,
            overall=ALL[0] + ALL[40 + version],
            sections={s.pk: (decision, ALL[n + 1]) for n, s in enumerate(page.sections.all())},
            correction_note=note,
        )
        consultation_response_submit(response=draft, user=staff)
        with django_capture_on_commit_callbacks(execute=True):  # e-mails go after the commit
            consultation_response_approve(response=draft, user=approver)
    board = PetitionIndexPage(title="提點子", slug="petitions")
    home_page.add_child(instance=board)
    return {
        "page": ConsultationPage.objects.get(pk=page.pk),
        "authors": authors,
        "names": names,
        "moderator": moderator,
        "staff": staff,
        "reporter": reporter,
        "petitions": petitions,
        "board": board,
        "comments": comments,
    }


def test_corpus_is_large_and_varied():
    assert len(ALL) >= 200
    assert any("\u202e" in p for p in ALL) and any("\x00" in p for p in ALL)
    assert any(p.startswith("=HYPERLINK") for p in ALL)


def test_nothing_dangerous_is_stored_for_publication(world):
    texts = list(Comment.objects.values_list("body", flat=True))
    texts += list(Statement.objects.values_list("text", flat=True))
    for petition in Petition.objects.all():
        texts += [petition.title, petition.body]
    assert len(texts) > 500
    for text in texts:
        leaked = set(text) & DANGEROUS_CHARS
        assert not leaked, (text[:60], leaked)
    # Display names are normalised (NFKC, whitespace) and refused with invisible characters.
    for author in world["authors"]:
        assert not set(author.display_name) & DANGEROUS_CHARS, repr(author.display_name)


def test_public_pages_escape_every_payload(client, world):
    page, petitions = world["page"], world["petitions"]
    urls = [
        "/",
        page.url,
        page.get_parent().url,
        reverse("participation:section_comments", args=[page.pk]),
        reverse("participation:consultation_response_versions", args=[page.pk]),
        world["board"].url,
        *(reverse("participation:petition_detail", args=[p.pk]) for p in petitions),
    ]
    for viewer in (None, world["authors"][0], world["moderator"]):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            _assert_safe_html(response, url)
    # Pages that reflect a query string.
    for payload in SHORT[::12]:
        response = client.get(reverse("participation:search"), {"q": payload})
        _assert_safe_html(response, f"search {payload!r}")
        response = client.get(page.url, {"section": payload, "sort": payload, "page": payload})
        _assert_safe_html(response, f"page query {payload!r}")


def test_json_endpoints_are_json_and_never_html(client, world):
    page = world["page"]
    for url in (
        reverse("participation:state", args=[page.pk]),
        f"/api/v1/consultations/{page.pk}",
        f"/api/v1/consultations/{page.pk}/comments?limit=1000",
        f"/api/v1/consultations/{page.pk}/statements?limit=1000",
        "/api/v1/petitions?limit=1000",
        *(f"/api/v1/petitions/{p.pk}" for p in world["petitions"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.get("X-Content-Type-Options") == "nosniff", url
        json.loads(response.content)


def test_feeds_and_calendar_stay_well_formed(client, world, make_consultation):
    # Staff titles and summaries are input too: a consultation named with payloads.
    for n, payload in enumerate(ALL[::25] + [p for p in ALL if "\r" in p or "VEVENT" in p]):
        hostile = make_consultation(slug=f"hostile-{n}", agency_code="MOTC")
        ConsultationPage.objects.filter(pk=hostile.pk).update(
            title=payload[:200].replace("\x00", "") or "x",
            summary=payload.replace("\x00", ""),
        )
    feeds = [
        reverse("consultation_feed_rss"),
        reverse("consultation_feed_atom"),
        reverse("agency_consultation_feed_rss", args=["MOTC"]),
        reverse("agency_consultation_feed_atom", args=["MOTC"]),
        "/feeds/agencies/%3Cscript%3Ealert(1)%3C%2Fscript%3E/consultations.rss",
    ]
    for url in feeds:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        if response.status_code == 404:
            continue
        root = ET.fromstring(response.content)  # well-formed XML or it raises
        for element in root.iter():
            if element.tag.split("}")[-1] in ("description", "summary", "content") and element.text:
                problems = html_problems(element.text)
                assert not problems, (url, problems[:3])
    for consultation in ConsultationPage.objects.all():
        response = client.get(reverse("consultation_ical", args=[consultation.pk]))
        assert response.status_code == 200
        problems = ical_problems(response.content.decode())
        assert not problems, (consultation.title[:40], problems[:3])


def test_emails_escape_what_citizens_wrote(world):
    assert mail.outbox, "the response notified the participants"
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                problems = html_problems(content)
                assert not problems, (message.subject, problems[:3])


def test_exports_are_inert(client, world):
    author = world["authors"][0]
    client.force_login(author)
    response = client.get(reverse("accounts:data_export"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    json.loads(_body(response))

    response = client.get(reverse("participation:tallies_csv", args=[world["page"].pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert not csv_formula_cells(rows)


def test_moderators_desk_escapes_and_its_csv_is_inert(client, world):
    client.force_login(world["moderator"])
    for name in ("queue", "appeals", "audit_log", "metrics"):
        response = client.get(reverse(f"moderation_admin:{name}"))
        assert response.status_code == 200, name
        _assert_safe_html(response, name)
    for state in ("held", "reported", "rejected", "hidden", "all"):
        response = client.get(reverse("moderation_admin:queue"), {"state": state})
        _assert_safe_html(response, f"queue {state}")
    response = client.get(reverse("moderation_admin:audit_log"), {"format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(response).lstrip("\ufeff"))))
    note_column = rows[0].index("附註")  # found by its heading: the columns may move
    notes = [row[note_column] for row in rows[1:]]
    assert any(FORMULA[0] in note for note in notes), "the payload notes are in the export"
    bad = csv_formula_cells(rows)
    assert not bad, f"formula injection in the audit CSV: {bad[:5]}"
    # Wagtail admin home and the decisions/appeal pages of the authors.
    _assert_safe_html(client.get("/admin/"), "admin home")
    author = world["comments"][0].author
    client.force_login(author)
    response = client.get(reverse("moderation:my_decisions"))
    _assert_safe_html(response, "my decisions")
    for decision in Decision.objects.all()[:3]:
        response = client.get(reverse("moderation:appeal", args=[decision.pk]))
        assert response.status_code in (200, 302, 403, 404)
        _assert_safe_html(response, "appeal form")


def test_views_re_render_hostile_form_input_safely(client, world, make_user):
    """The same payloads through the HTML forms: errors re-render the input, escaped."""
    page, comment = world["page"], world["comments"][-1]
    citizen = make_user(display_name="表單測試")
    client.force_login(citizen)
    for n, payload in enumerate(ALL[::15]):
        cache.clear()
        posts = [
            (
                reverse("participation:comment_post", args=[page.pk]),
                {"body": payload, "stance": payload if n % 2 else "support"},
            ),
            (reverse("participation:statement_post", args=[page.pk]), {"text": payload}),
            (reverse("participation:petition_new"), {"title": payload, "body": payload}),
            (report_url(comment), {"rule": payload if n % 2 else "spam-links", "note": payload}),
            (reverse("accounts:profile"), {"display_name": payload, "first_name": payload}),
        ]
        for url, data in posts:
            response = client.post(url, data, follow=True)
            assert response.status_code < 500, (url, payload[:40])
            _assert_safe_html(response, f"POST {url} {payload[:40]!r}")
    # The profile of someone whose display name is a payload that passed validation.
    for author in world["authors"][:10]:
        client.force_login(author)
        _assert_safe_html(client.get(reverse("accounts:profile")), "profile")


def test_program_questions_escape(client, make_user, home_page, make_agency):
    from performance.models import PerformanceDashboardPage, Program
    from performance.services import program_question_ask

    agency = make_agency("NDC", "國家發展委員會")
    dashboard = PerformanceDashboardPage(title="施政績效儀表板", slug="dashboard")
    home_page.add_child(instance=dashboard)
    program = Program.objects.create(
        code="P-1", name=ALL[1], agency=agency, category="一般", start_year=2024, end_year=2026
    )
    asker = make_user(display_name="發問的人")
    for payload in ALL:
        with contextlib.suppress(ValidationError):
            program_question_ask(program=program, user=asker, body=payload[:1000])
    url = dashboard.url + dashboard.reverse_subpage("program", kwargs={"code": program.code})
    for viewer in (None, asker):
        if viewer:
            client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200
        _assert_safe_html(response, "program page")
        _assert_safe_html(client.get(dashboard.url), "dashboard")
    client.force_login(asker)
    ask = dashboard.url + dashboard.reverse_subpage(
        "program_action", kwargs={"code": program.code, "action": "ask"}
    )
    for payload in SHORT[::20]:
        cache.clear()
        response = client.post(ask, {"body": payload}, follow=True)
        assert response.status_code < 500
        _assert_safe_html(response, "ask")
