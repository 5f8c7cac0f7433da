"""Benchmark of decision reports (a script, not a test).

    python tests/benchmarks/report_generation.py [--comments 10000] [--votes 100000]
        [--participants 100000] [--statements 1000] [--votes-each 30] [--skip-report]
        [--skip-groups]

(a) A report over ``--comments`` comments and ``--votes`` votes: a throw-away SQLite database is
    migrated and filled (comments written from sentences of the vTaiwan UberX statements, 5 % of
    them copies of a few campaign letters, 90 % already analysed by the NLP engine as the worker
    would have done), then the job body (``reports.services.report_build``, what the worker runs)
    is timed, and so is opening the stored report page (median of 20 requests).
(b) Opinion groups for ``--participants`` × ``--statements`` sparse synthetic votes (each
    participant votes on ``--votes-each`` random statements; three planted opinion camps):
    building the matrix and the whole Pol.is pipeline, timed separately, with the adjusted Rand
    index against the planted camps.
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

UBERX = ROOT / "participation" / "fixtures" / "polis" / "vtaiwan-uberx" / "comments.csv"


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- (b) opinion groups -------------------------------------------------------------------------


def bench_groups(n_participants: int, n_statements: int, votes_each: int) -> None:
    import numpy as np

    from participation.opinion_groups import adjusted_rand, opinion_groups, vote_matrix

    rng = np.random.default_rng(7)
    camps = rng.integers(0, 3, n_participants)
    # Each camp leans agree or disagree on each statement.
    lean = rng.choice([-1, 1], size=(3, n_statements)) * rng.uniform(0.4, 0.9, (3, n_statements))
    rows = np.repeat(np.arange(n_participants), votes_each)
    cols = np.concatenate(
        [rng.choice(n_statements, votes_each, replace=False) for _ in range(n_participants)]
    )
    p_agree = (1 + lean[camps[rows], cols]) / 2
    draw = rng.random(rows.size)
    values = np.where(draw < p_agree * 0.9, 1, np.where(draw < 0.9, -1, 0))
    out(
        f"(b) opinion groups: {n_participants:,} participants × {n_statements:,} statements, "
        f"{rows.size:,} votes (density {rows.size / n_participants / n_statements:.1%})"
    )
    t0 = time.perf_counter()
    matrix = vote_matrix(rows, cols, values, statements=list(range(n_statements)))
    t1 = time.perf_counter()
    result = opinion_groups(matrix)
    t2 = time.perf_counter()
    truth = {p: int(c) for p, c in enumerate(camps)}
    ari, matched = adjusted_rand(result.assignments, truth)
    out(
        f"    matrix {t1 - t0:.1f} s, PCA + k-means + repness {t2 - t1:.1f} s, "
        f"total {t2 - t0:.1f} s (target < 60 s)"
    )
    out(
        f"    k={result.k}, sizes {[g['size'] for g in result.groups]}, "
        f"silhouettes {result.silhouettes}, ARI vs planted camps {ari:.3f} over {matched:,}"
    )


# --- (a) a whole report -------------------------------------------------------------------------


def _setup_django(db_path: Path) -> None:
    os.environ["MINYI_IGNORE_DOTENV"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    import django
    from django.conf import settings

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()


def _sentences() -> list[str]:
    from reports.summaries import split_sentences

    with UBERX.open(encoding="utf-8") as handle:
        bodies = [row["comment-body"] for row in csv.DictReader(handle)]
    sentences = [s for body in bodies for s in split_sentences(body) if len(s) >= 6]
    return sentences or bodies


def _fill(n_comments: int, n_votes: int):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from minyi.accounts.models import User
    from minyi.agencies.roles import Role
    from minyi.agencies.services import agency_create, user_role_add
    from minyi.home.models import HomePage
    from moderation.models import Submission
    from participation.models import (
        Comment,
        ConsultationPage,
        ConsultationSection,
        Participant,
        Statement,
        Vote,
    )
    from sentiment.models import TextAnalysis
    from sentiment.nlp.pipeline import get_pipeline

    rng = random.Random(11)
    agency = agency_create(code="MOTC", name_zh="交通部", section_parent=HomePage.objects.get())
    now = timezone.now()
    page = ConsultationPage(
        title="自用車載客服務管理辦法草案",
        slug="bench",
        agency=agency,
        summary="效能測試",
        opens_at=now - timezone.timedelta(days=30),
        closes_at=now + timezone.timedelta(days=1),
    )
    for n in range(1, 11):
        page.sections.add(ConsultationSection(number=f"第{n}條", text=f"條文 {n}"))
    agency.root_page.add_child(instance=page)
    sections = list(page.sections.all())
    users = User.objects.bulk_create(
        [User(email=f"b{i}@example.org", display_name=f"b{i}") for i in range(2000)]
    )
    analyst = users[0]
    user_role_add(user=analyst, role=Role.ANALYST)

    sentences = _sentences()
    campaigns = ["".join(rng.sample(sentences, 3)) for _ in range(5)]
    bodies = []
    for i in range(n_comments):
        if i % 20 == 0:
            base = campaigns[i % 5]
            bodies.append(base if i % 40 else base.replace("，", " "))
        else:
            bodies.append("".join(rng.sample(sentences, rng.randint(2, 4)))[:600])
    stances = ["support", "oppose", "suggest"]
    comments = Comment.objects.bulk_create(
        [
            Comment(
                consultation=page,
                section=rng.choice([*sections, None]),
                author=users[i % len(users)],
                stance=rng.choice(stances),
                body=body,
                state="published" if i % 50 else "held",
                created_at=now - timezone.timedelta(days=rng.randint(0, 29), minutes=i),
            )
            for i, body in enumerate(bodies)
        ],
        batch_size=2000,
    )
    t0 = time.perf_counter()
    analysed = get_pipeline().analyze(bodies, only={"tokens", "keywords"})
    out(
        f"    (setup: analysing {n_comments:,} comments (tokens, keywords) took "
        f"{time.perf_counter() - t0:.1f} s; the worker does this when each comment arrives)"
    )
    ct = ContentType.objects.get_for_model(Comment)
    labels = ["positive", "neutral", "negative"]
    TextAnalysis.objects.bulk_create(
        [
            TextAnalysis(
                content_type=ct,
                object_id=c.pk,
                text_sha256="0" * 64,
                sentiment=labels[i % 3],
                score_positive=0.3,
                score_neutral=0.4,
                score_negative=0.3,
                model_version="bench-model",
                tokens=analysed[i]["tokens"],
                keywords=analysed[i]["keywords"],
                emotions={},
                analysed_at=now,
            )
            for i, c in enumerate(comments)
            if i % 10
        ],
        batch_size=2000,
    )
    Submission.objects.bulk_create(
        [
            Submission(
                content_type=ct,
                object_id=c.pk,
                author=c.author,
                original_text=c.body,
                published_text=c.body,
                outcome="publish" if c.state == "published" else "hold",
                reasons=[]
                if c.state == "published"
                else [{"check": "abuse", "rule": "abuse", "span": [0, 1]}],
            )
            for c in comments
        ],
        batch_size=2000,
    )
    n_statements = 200
    statements = Statement.objects.bulk_create(
        [
            Statement(consultation=page, text=rng.choice(sentences)[:140], external_id=str(i))
            for i in range(n_statements)
        ]
    )
    n_participants = max(1, n_votes // 50)
    participants = Participant.objects.bulk_create(
        [Participant(consultation=page, external_id=f"v{i}") for i in range(n_participants)],
        batch_size=2000,
    )
    votes, seen = [], set()
    while len(votes) < n_votes:
        p = rng.randrange(n_participants)
        s = rng.randrange(n_statements)
        if (p, s) in seen:
            continue
        seen.add((p, s))
        camp = p % 2
        value = (1 if camp else -1) if s < 60 else rng.choice([1, 1, 0, -1])
        votes.append(
            Vote(
                statement=statements[s],
                participant=participants[p],
                value=value,
                updated_at=now - timezone.timedelta(days=rng.randint(0, 29)),
            )
        )
    Vote.objects.bulk_create(votes, batch_size=5000)
    return page, analyst


def _trace_stages(stages: list) -> None:
    """Record when the job enters each stage (the same calls that move the progress bar)."""
    from reports import services

    original = services._progress

    def traced(report_id):
        update = original(report_id)

        def record(percent, stage):
            stages.append((time.perf_counter(), stage))
            update(percent, stage)

        return record

    services._progress = traced


def bench_report(n_comments: int, n_votes: int, profile: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="minyi-bench-") as tmp:
        _setup_django(Path(tmp) / "bench.sqlite3")
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import override_settings
        from django.urls import reverse

        from reports.models import Report
        from reports.services import report_build

        out(f"(a) report over {n_comments:,} comments and {n_votes:,} votes (SQLite)")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        page, analyst = _fill(n_comments, n_votes)
        out(f"    (setup: migrate and fill {time.perf_counter() - t0:.1f} s)")
        report = Report.objects.create(consultation=page, version=1, created_by=analyst)
        stages = []
        started = time.perf_counter()
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(report_build, report_id=report.pk)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        else:
            _trace_stages(stages)
            report_build(report_id=report.pk)
        elapsed = time.perf_counter() - started
        report.refresh_from_db()
        out(
            f"    generation (the job body, one process): {elapsed:.1f} s, status {report.status}"
            f" (target < 30 s)"
        )
        if stages:
            marks = [started, *[t for t, _ in stages], started + elapsed]
            names = ["setup", *[name for _, name in stages]]
            spans = zip(names, marks, marks[1:], strict=False)
            out("    stages: " + ", ".join(f"{name} {b - a:.1f} s" for name, a, b in spans))
        size = len(json.dumps(report.data, ensure_ascii=False).encode("utf-8"))
        out(
            f"    stored figures: {size / 1e6:.1f} MB of JSON; "
            f"{len(report.data['campaigns']['groups'])} campaign groups, "
            f"{report.data['opinion_groups']['k']} opinion groups"
        )
        with override_settings(ROOT_URLCONF="tests.reports.urls", DEBUG=False):
            client = Client()
            client.force_login(analyst)
            url = reverse(
                "reports:detail", kwargs={"consultation_id": page.pk, "version": report.version}
            )
            assert client.get(url).status_code == 200
            timings = []
            for _ in range(20):
                t = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t) * 1000)
            out(
                f"    stored report page: median {statistics.median(timings):.0f} ms, "
                f"max {max(timings):.0f} ms, {len(response.content) / 1e3:.0f} kB "
                f"(target < 200 ms)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--statements", type=int, default=1_000)
    parser.add_argument("--votes-each", type=int, default=30)
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-groups", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile the report job")
    args = parser.parse_args()
    if not args.skip_report:
        bench_report(args.comments, args.votes, profile=args.profile)
    if not args.skip_groups:
        bench_groups(args.participants, args.statements, args.votes_each)


if __name__ == "__main__":
    main()
