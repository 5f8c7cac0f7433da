"""Every citizen text is analysed by the worker, never in the request; results carry the model."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from participation.models import Comment, Petition, Statement
from participation.services import comment_create, comment_edit, statement_create
from sentiment.models import TextAnalysis
from sentiment.services import texts_analyse

PRAISE = "這個政策非常好，感謝政府用心規劃，值得支持！"
COMPLAINT = "規劃太爛了，浪費公帑又擾民，非常失望。"


def drain_queue() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_posted_comment_is_analysed_once_the_worker_has_run(
    settings, client, make_consultation, make_user
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = make_consultation()
    client.force_login(make_user())
    response = client.post(
        reverse("participation:comment_post", args=[page.pk]),
        {"body": COMPLAINT, "stance": "oppose"},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    # The request only queued the work.
    assert not TextAnalysis.objects.exists()
    assert DBTaskResult.objects.filter(task_path="sentiment.tasks.text_analysis").count() == 1
    assert "sentiment-negative" not in client.get(page.url).content.decode()

    drain_queue()

    analysis = comment.analysis
    assert analysis.sentiment == "negative"
    assert analysis.model_version.startswith(("minyi-sentiment-", "lexicon-fallback-"))
    assert analysis.score_negative > analysis.score_positive
    html = client.get(page.url).content.decode()
    assert f'<li class="comment" id="comment-{comment.pk}"' in html
    # The public never sees the model's tone per comment (it misreads single comments).
    assert "sentiment-negative" not in html and "語氣" not in html


@pytest.mark.django_db
def test_edited_comment_is_analysed_again(
    make_consultation, make_user, django_capture_on_commit_callbacks
):
    page = make_consultation()
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(consultation=page, user=user, body=COMPLAINT, stance="oppose")
    first = TextAnalysis.objects.get()
    assert first.sentiment == "negative"
    with django_capture_on_commit_callbacks(execute=True):
        comment_edit(comment=comment, user=user, body=PRAISE, stance="support")
    second = TextAnalysis.objects.get()
    assert second.sentiment == "positive"
    assert second.text_sha256 != first.text_sha256


@pytest.mark.django_db
def test_statements_and_petitions_are_analysed(
    make_consultation, make_user, make_agency, django_capture_on_commit_callbacks
):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from participation.services import petition_create, petition_moderation_approve

    page = make_consultation()
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_create(consultation=page, user=make_user(), text=PRAISE)
        petition = petition_create(
            user=make_user(), title="增設公共托育", body=PRAISE, agency=page.agency
        )
    # A petition awaiting review is not public: it is analysed once a moderator approves it.
    assert not TextAnalysis.objects.filter(content_type__model="petition").exists()
    with django_capture_on_commit_callbacks(execute=True):
        petition_moderation_approve(petition=petition, moderator=moderator)
    kinds = set(TextAnalysis.objects.values_list("content_type__model", "object_id"))
    assert kinds == {("statement", statement.pk), ("petition", petition.pk)}
    assert Statement.objects.get().analyses.get().keywords
    assert Petition.objects.get().analyses.get().emotions["counts"]


@pytest.mark.django_db
def test_reanalyze_brings_stale_analyses_up_to_date(make_consultation, make_user):
    page = make_consultation()
    for n in range(3):
        comment_create(consultation=page, user=make_user(), body=f"{PRAISE}{n}", stance="support")
    assert not TextAnalysis.objects.exists()  # on_commit never ran inside the test transaction

    out, err = io.StringIO(), io.StringIO()
    call_command("reanalyze", "--batch-size", "2", stdout=out, stderr=err)
    assert TextAnalysis.objects.count() == 3
    assert "已分析 3 筆" in out.getvalue()
    assert "3/3" in err.getvalue()

    TextAnalysis.objects.update(model_version="old-model-0")
    out = io.StringIO()
    call_command("reanalyze", "--model", "participation.comment", stdout=out, stderr=io.StringIO())
    assert "已分析 3 筆" in out.getvalue()
    assert not TextAnalysis.objects.filter(model_version="old-model-0").exists()

    out = io.StringIO()
    call_command("reanalyze", stdout=out, stderr=io.StringIO())
    assert "已分析 0 筆" in out.getvalue()
    call_command("reanalyze", "--force", stdout=out, stderr=io.StringIO())
    assert "已分析 3 筆" in out.getvalue()


def test_reanalyze_gives_sentiment_every_core_then_restores(monkeypatch):
    from sentiment.management.commands.reanalyze import all_cores_for_sentiment
    from sentiment.nlp.sentiment import sentiment_threads

    monkeypatch.delenv("MINYI_SENTIMENT_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    with all_cores_for_sentiment():
        assert sentiment_threads() == 6
    assert sentiment_threads() == 1  # task workers keep their single thread
    monkeypatch.setenv("MINYI_SENTIMENT_THREADS", "3")  # the operator's choice wins
    with all_cores_for_sentiment():
        assert sentiment_threads() == 3
    assert sentiment_threads() == 3


@pytest.mark.django_db
def test_consultation_page_queries_do_not_grow_with_analysed_comments(
    client, make_consultation, make_user
):
    page = make_consultation()

    def queries() -> int:
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    def post(n: int, parent=None) -> Comment:
        comment = comment_create(
            consultation=page,
            user=make_user(),
            body=f"{COMPLAINT}{n}",
            stance="" if parent else "oppose",
            parent=parent,
        )
        texts_analyse(model_label="participation.comment", pks=[comment.pk])
        return comment

    top = post(0)
    post(1, parent=top)
    few = queries()
    for n in range(6):
        post(n, parent=top)
        post(n + 10)
    assert queries() == few
