"""Benchmark: how long everything derived from a comment takes to follow a moderator's decision
(a script, not a test).

    python tests/benchmarks/moderation_rederive.py [--comments 300]

A throw-away SQLite database is migrated and seeded as `./dev run` seeds it (seed_demo: the
vTaiwan UberX consultation with its Pol.is statements and votes); ``--comments`` comments are
added to /motc/uberx/ and analysed as the worker would; a report is generated and published.
Then a moderator masks one comment and the work the worker does for it is timed, step by step:
the derived-data job (re-analysis of the item, and the decision that the published report must
be replaced) and the generation of the replacement report. Worker polling is not included.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _setup_django(db_path: Path) -> None:
    os.environ["MINYI_IGNORE_DOTENV"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    import django
    from django.conf import settings

    # Jobs are run by hand below, each timed on its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    django.setup()


TEXTS = [
    "支持開放自用車載客，增加民眾的交通選擇。",
    "反對草案，計程車司機的生計會受到衝擊。",
    "建議設立過渡期，讓計程車業者有時間轉型。",
    "平台應該負起保險責任，乘客安全最重要。",
    "外國平台不繳稅，政府應該依法取締。",
]


def _seed(comments: int):
    import io

    from django.core.management import call_command

    from minyi.accounts.models import User
    from participation.models import Comment, ConsultationPage
    from sentiment.services import texts_analyse

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    page = ConsultationPage.objects.get(slug="uberx")
    citizen = User.objects.get(email="citizen@minyi.localhost")
    rows = Comment.objects.bulk_create(
        Comment(
            consultation=page,
            author=citizen,
            stance=("support", "oppose", "suggest")[n % 3],
            body=f"{TEXTS[n % len(TEXTS)]}（第{n}則）",
            state="published",
        )
        for n in range(comments)
    )
    target = Comment.objects.create(
        consultation=page,
        author=citizen,
        stance="oppose",
        body="這份草案寫得像蛋頭學者的作業。想連署的加我 LINE: wang_bench",
        state="published",
    )
    texts_analyse(model_label="participation.comment", pks=[c.pk for c in [*rows, target]])
    return page, target


def _timed(label: str, function, **kwargs):
    started = time.perf_counter()
    result = function(**kwargs)
    elapsed = time.perf_counter() - started
    out(f"  {label:<58} {elapsed:7.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="minyi-rederive-") as tmp:
        _setup_django(Path(tmp) / "bench.sqlite3")
        from django.utils import timezone

        from minyi.accounts.models import User
        from minyi.publishing import derived_data_refresh_now
        from moderation.services import item_decide
        from reports.models import Report
        from reports.services import report_build, report_generate, report_publish

        out(f"Seeding (seed_demo + {args.comments} analysed comments on /motc/uberx/) ...")
        page, target = _seed(args.comments)
        analyst = User.objects.get(email="analyst@minyi.localhost")
        staff = User.objects.get(email="staff.motc@minyi.localhost")
        moderator = User.objects.get(email="moderator@minyi.localhost")
        first = report_generate(consultation=page, user=analyst)
        _, baseline = _timed(
            "first report (the analyst's request)", report_build, report_id=first.pk
        )
        report_publish(report=Report.objects.get(pk=first.pk), user=staff)

        item_decide(
            moderator=moderator,
            instance=target,
            action="mask",
            rule="abuse",
            masked_text="這份草案寫得像＊＊＊＊的作業。想連署的加我 LINE: ＊＊＊",
        )
        out("After the moderator's mask decision, the worker runs:")
        _, refresh = _timed(
            "derived-data job (re-analysis, report marked for replacement)",
            derived_data_refresh_now,
            model_label="participation.comment",
            pk=target.pk,
            changed_at=timezone.now(),
        )
        replacement = Report.objects.filter(consultation=page).order_by("-version").first()
        _, build = _timed("replacement report (因審核更新)", report_build, report_id=replacement.pk)
        replacement.refresh_from_db()
        assert replacement.published and replacement.reason == "moderation"
        assert "蛋頭學者" not in str(replacement.data)
        out(f"  {'total (without worker polling)':<58} {refresh + build:7.2f} s")
        out(f"  (the first report took {baseline:.2f} s)")


if __name__ == "__main__":
    main()
