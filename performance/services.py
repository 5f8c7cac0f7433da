"""Writes for programs: lights and their history, imports, citizen monitoring (公民管考).

Messages are in Traditional Chinese because citizens and agency staff read them.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from minyi.accounts.models import User
from minyi.agencies.models import Agency
from minyi.agencies.selectors import agencies_for_user
from minyi.ratelimit import rate_limit_exceeded
from moderation.models import Outcome
from moderation.services import screen_text, submission_record
from participation.models import Notification

from .importing import (
    _INVALID,
    ACTUALS,
    BUDGETS,
    KPIS,
    MILESTONES,
    PROGRAMS,
    PROGRESS,
    TARGETS,
    ImportFailed,
    RowError,
    Sheet,
    Upload,
    read_files,
)
from .lights import LightResult, light_compute, light_rules
from .models import (
    ANSWER_MAX_LENGTH,
    KPI,
    QUESTION_MAX_LENGTH,
    BudgetYear,
    ControlLevel,
    Direction,
    KPIActual,
    KPITarget,
    Milestone,
    Period,
    Program,
    ProgramFollow,
    ProgramLight,
    ProgramQuestion,
    ProgressMatch,
    ProgressRating,
    ProgressReport,
    QuestionState,
)
from .selectors import (
    dashboard_page,
    light_inputs_for,
    program_follower_users,
    program_url,
    question_answer_days,
    user_can_manage_program,
)

# The kind of in-site notification about a followed program (participation's Notification).
NOTIFICATION_KIND = "program_update"


# --- Lights --------------------------------------------------------------------------------------


def program_lights_refresh(
    *, programs: Iterable[Program] | QuerySet | None = None, today: date | None = None
) -> list[Program]:
    """Recompute the lights of ``programs`` (all when None); keep history and tell followers.

    A history entry is written only when the light changes; changed reasons alone update the
    program. Returns the programs whose light changed.
    """
    if programs is None:
        programs = Program.objects.all()
    programs = list(programs)
    rules = light_rules()
    inputs = light_inputs_for(program_ids=[p.pk for p in programs], today=today)
    now = timezone.now()
    changed_light, changed_any, history = [], [], []
    for program in programs:
        result: LightResult = light_compute(inputs[program.pk], rules)
        reasons = result.reasons_as_dicts()
        first = program.light_updated_at is None
        if not first and program.light == result.light and program.light_reasons == reasons:
            continue
        if program.light != result.light or first:
            history.append(
                ProgramLight(program=program, light=result.light, reasons=reasons, changed_at=now)
            )
            if not first:
                changed_light.append(program)
        program.light = result.light
        program.light_reasons = reasons
        program.light_updated_at = now
        changed_any.append(program)
    with transaction.atomic():
        Program.objects.bulk_update(
            changed_any, ["light", "light_reasons", "light_updated_at"], batch_size=500
        )
        ProgramLight.objects.bulk_create(history, batch_size=500)
        for program in changed_light:
            program_followers_notify(
                program=program,
                title=f"「{program.name}」燈號變更為{program.get_light_display()}",
            )
    return changed_light


def program_light_refresh(*, program: Program, today: date | None = None) -> Program:
    """Recompute one program's light (see :func:`program_lights_refresh`)."""
    program_lights_refresh(programs=[program], today=today)
    return program


def program_followers_notify(*, program: Program, title: str) -> int:
    """An in-site notification to every follower of ``program``; returns how many."""
    url = program_url(page=dashboard_page(), code=program.code)
    recipients = list(program_follower_users(program=program).only("pk"))
    Notification.objects.bulk_create(
        Notification(user=user, kind=NOTIFICATION_KIND, title=title[:200], url=url)
        for user in recipients
    )
    return len(recipients)


# --- Citizen monitoring (公民管考) ---------------------------------------------------------------


def _require_citizen(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise ValidationError("請先登入。")


def program_follow(*, program: Program, user: User) -> ProgramFollow:
    _require_citizen(user)
    try:
        with transaction.atomic():
            follow, _created = ProgramFollow.objects.get_or_create(program=program, user=user)
    except IntegrityError:
        follow = ProgramFollow.objects.get(program=program, user=user)
    return follow


def program_unfollow(*, program: Program, user: User) -> None:
    _require_citizen(user)
    ProgramFollow.objects.filter(program=program, user=user).delete()


@transaction.atomic
def program_question_ask(*, program: Program, user: User, body: str) -> ProgramQuestion:
    """Ask the agency a question; it passes the house-rule screening like every submission."""
    _require_citizen(user)
    body = (body or "").strip()
    if not body:
        raise ValidationError("請輸入問題內容。")
    if len(body) > QUESTION_MAX_LENGTH:
        raise ValidationError(f"問題最多 {QUESTION_MAX_LENGTH} 個字，目前為 {len(body)} 個字。")
    for limit, window in ((3, 60), (20, 3600)):
        if rate_limit_exceeded(
            key=f"program_question:user:{user.pk}", limit=limit, window_seconds=window
        ):
            raise ValidationError("您發問的速度太快，請稍後再試。")
    verdict = screen_text(text=body, author=user)
    if verdict.outcome == Outcome.REJECT:
        reasons = "；".join(dict.fromkeys(reason["message"] for reason in verdict.reasons))
        raise ValidationError(f"依社群守則無法刊登：{reasons}")
    now = timezone.now()
    question = ProgramQuestion.objects.create(
        program=program,
        author=user,
        body=verdict.published_text or body,
        state=QuestionState.PUBLISHED if verdict.visible else QuestionState.HELD,
        created_at=now,
        answer_due_at=now + timezone.timedelta(days=question_answer_days()),
    )
    submission_record(content_object=question, author=user, text=body, verdict=verdict)
    question.moderation_verdict = verdict
    return question


@transaction.atomic
def program_question_answer(*, question: ProgramQuestion, user: User, text: str) -> ProgramQuestion:
    """Staff of the program's agency answer a citizen's question; the asker is notified."""
    question = (
        ProgramQuestion.objects.select_for_update()
        .select_related("program", "program__agency")
        .get(pk=question.pk)
    )
    if not user_can_manage_program(user, question.program):
        raise ValidationError("只有該計畫主管機關的人員可以回覆。")
    if question.answered_at is not None:
        raise ValidationError("這個問題已經回覆過了。")
    if question.state != QuestionState.PUBLISHED:
        raise ValidationError("這個問題尚待審核，審核通過後才能回覆。")
    text = (text or "").strip()
    if not text:
        raise ValidationError("回覆內容不可空白。")
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationError(f"回覆最多 {ANSWER_MAX_LENGTH} 個字，目前為 {len(text)} 個字。")
    question.answer = text
    question.answered_at = timezone.now()
    question.answered_by = user
    question.save(update_fields=["answer", "answered_at", "answered_by"])
    url = program_url(page=dashboard_page(), code=question.program.code)
    Notification.objects.create(
        user=question.author,
        kind=NOTIFICATION_KIND,
        title=f"{question.program.agency.name_zh}已回覆您對「{question.program.name}」的提問"[:200],
        url=f"{url}#question-{question.pk}",
    )
    return question


def progress_rating_set(*, program: Program, user: User, value: str) -> ProgressRating:
    """Rate whether the reported progress matches what one sees (a later rating replaces it)."""
    _require_citizen(user)
    if value not in ProgressMatch.values:
        raise ValidationError("請選擇進度是否與您所見相符。")
    rating, _created = ProgressRating.objects.update_or_create(
        program=program, user=user, defaults={"value": value, "updated_at": timezone.now()}
    )
    return rating


# --- Import (填報匯入) ---------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import did, per sheet: created, updated, deleted and unchanged rows."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)

    def add(self, sheet: Sheet, what: str, n: int = 1) -> None:
        row = self.counts.setdefault(
            sheet.title, {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
        )
        row[what] += n

    @property
    def changed(self) -> bool:
        return any(
            row["created"] or row["updated"] or row["deleted"] for row in self.counts.values()
        )


def _valid(value) -> bool:
    return value is not _INVALID


def _check_references(upload: Upload, user: User) -> list[RowError]:
    """Duplicates, unknown programs, KPIs and agencies, and programs the user may not edit."""
    errors: list[RowError] = []
    tables = upload.tables
    managed = set(agencies_for_user(user).values_list("code", flat=True))
    agency_ids = dict(Agency.objects.values_list("code", "pk"))

    referenced = {
        row.values["program"]
        for table in tables.values()
        for row in table.rows
        if row.values.get("program") and _valid(row.values["program"])
    }
    existing = dict(Program.objects.filter(code__in=referenced).values_list("code", "agency__code"))
    in_file: dict[str, int] = {}
    if PROGRAMS.key in tables:
        table = tables[PROGRAMS.key]
        for row in table.rows:
            code, agency = row.values["program"], row.values["agency"]
            label = row.cells["program"]
            if not code or not _valid(code):
                continue
            if code in in_file:
                errors.append(
                    RowError(
                        table.source,
                        row.line,
                        label,
                        f"計畫代碼「{code}」重複（第 {in_file[code]} 列已出現）。",
                    )
                )
                continue
            in_file[code] = row.line
            if _valid(agency) and agency:
                if agency not in agency_ids:
                    errors.append(
                        RowError(
                            table.source,
                            row.line,
                            row.cells["agency"],
                            f"找不到機關代碼「{agency}」。",
                        )
                    )
                elif agency not in managed:
                    errors.append(
                        RowError(
                            table.source,
                            row.line,
                            row.cells["agency"],
                            f"您不是「{agency}」的機關人員，不能匯入該機關的計畫。",
                        )
                    )
            if code in existing and existing[code] not in managed:
                errors.append(
                    RowError(
                        table.source,
                        row.line,
                        label,
                        f"計畫「{code}」屬於其他機關（{existing[code]}），您沒有權限修改。",
                    )
                )
            start, end = row.values["start_year"], row.values["end_year"]
            if _valid(start) and _valid(end) and start and end and end < start:
                errors.append(
                    RowError(
                        table.source, row.line, row.cells["end_year"], "結束年度早於開始年度。"
                    )
                )

    kpi_names: set[tuple[str, str]] | None = None
    if KPIS.key in tables:
        kpi_names = set()
    else:
        kpi_names = set(
            KPI.objects.filter(program__code__in=referenced).values_list("program__code", "name")
        )

    keys = {
        KPIS.key: ("program", "kpi"),
        TARGETS.key: ("program", "kpi", "year"),
        ACTUALS.key: ("program", "kpi", "year", "period"),
        BUDGETS.key: ("program", "year"),
        PROGRESS.key: ("program", "period_end"),
        MILESTONES.key: ("program", "name"),
    }
    for sheet_key, key_columns in keys.items():
        table = tables.get(sheet_key)
        if table is None:
            continue
        seen: dict[tuple, int] = {}
        for row in table.rows:
            code = row.values["program"]
            if not code or not _valid(code):
                continue
            if code not in in_file:
                if code not in existing:
                    errors.append(
                        RowError(
                            table.source,
                            row.line,
                            row.cells["program"],
                            f"找不到計畫代碼「{code}」（請一併匯入「計畫」工作表）。",
                        )
                    )
                    continue
                if existing[code] not in managed:
                    errors.append(
                        RowError(
                            table.source,
                            row.line,
                            row.cells["program"],
                            f"計畫「{code}」屬於其他機關（{existing[code]}），您沒有權限修改。",
                        )
                    )
                    continue
            values = [row.values.get(column) for column in key_columns]
            if any(not _valid(v) for v in values):
                continue
            if sheet_key == ACTUALS.key and values[3] is None:
                values[3] = Period.YEAR
            key = tuple(values)
            if key in seen:
                errors.append(
                    RowError(
                        table.source,
                        row.line,
                        "",
                        f"與第 {seen[key]} 列重複（同一計畫的{_key_words(sheet_key)}只能有一列）。",
                    )
                )
                continue
            seen[key] = row.line
            if sheet_key == KPIS.key:
                kpi_names.add((code, row.values["kpi"]))
        if sheet_key == KPIS.key:
            continue
    for sheet_key in (TARGETS.key, ACTUALS.key):
        table = tables.get(sheet_key)
        if table is None:
            continue
        for row in table.rows:
            code, kpi = row.values["program"], row.values["kpi"]
            if not code or not kpi or not _valid(code) or not _valid(kpi):
                continue
            if (code in in_file or code in existing) and (code, kpi) not in kpi_names:
                errors.append(
                    RowError(
                        table.source,
                        row.line,
                        row.cells["kpi"],
                        f"計畫「{code}」沒有名為「{kpi}」的績效指標（請列在「績效指標」工作表）。",
                    )
                )
    return errors


def _key_words(sheet_key: str) -> str:
    return {
        KPIS.key: "同一指標名稱",
        TARGETS.key: "同一指標、同一年度",
        ACTUALS.key: "同一指標、同一年度與期別",
        BUDGETS.key: "同一年度",
        PROGRESS.key: "同一期末日期",
        MILESTONES.key: "同一查核點名稱",
    }[sheet_key]


def programs_import(
    *, files: list[tuple[str, bytes]], user: User, encoding: str = "auto"
) -> ImportSummary:
    """Import programs and their figures from XLSX or CSV files, all or nothing.

    Raises :class:`ImportFailed` listing every bad row (sheet, line, column) when anything is
    wrong; then nothing is stored. Programs are matched by code (upsert). For each sheet in
    the upload, the rows of the programs it covers become those programs' complete data:
    rows that are new are created, changed rows updated, and rows no longer listed deleted.
    Importing the same file again changes nothing.
    """
    upload = read_files(files, encoding=encoding)
    errors = upload.errors + _check_references(upload, user)
    if errors:
        raise ImportFailed(errors)
    summary = ImportSummary()
    with transaction.atomic():
        touched, reported = _import_write(upload, summary)
        programs = list(Program.objects.filter(pk__in=touched))
        program_lights_refresh(programs=programs)
        if reported:
            _followers_notify_many(
                programs=[p for p in programs if p.pk in reported],
                title="「{name}」有新的進度或績效報告",
            )
    summary.programs = sorted(p.code for p in programs)
    return summary


def _followers_notify_many(*, programs: list[Program], title: str) -> None:
    if not programs:
        return
    page = dashboard_page()
    by_pk = {p.pk: p for p in programs}
    Notification.objects.bulk_create(
        (
            Notification(
                user_id=user_id,
                kind=NOTIFICATION_KIND,
                title=title.format(name=by_pk[program_id].name)[:200],
                url=program_url(page=page, code=by_pk[program_id].code),
            )
            for program_id, user_id in ProgramFollow.objects.filter(
                program_id__in=list(by_pk), user__is_active=True
            ).values_list("program_id", "user_id")
        ),
        batch_size=500,
    )


def _present(table, mapping: dict[str, str]) -> list[str]:
    """Model fields whose columns the table has (absent optional columns keep their value)."""
    return [model_field for key, model_field in mapping.items() if key in table.present]


def _sync(
    *,
    sheet: Sheet,
    summary: ImportSummary,
    existing: dict,
    desired: dict,
    fields: list[str],
    make,
    model,
) -> tuple[list, list]:
    """Create, update or delete so that ``existing`` matches ``desired``.

    Returns the created and the updated objects.
    """
    created, updated = [], []
    for key, values in desired.items():
        obj = existing.pop(key, None)
        if obj is None:
            created.append(make(key, values))
            continue
        changes = [f for f in fields if getattr(obj, f) != values.get(f)]
        if changes:
            for f in fields:
                setattr(obj, f, values.get(f))
            updated.append(obj)
        else:
            summary.add(sheet, "unchanged")
    if created:
        model.objects.bulk_create(created, batch_size=500)
    if updated:
        model.objects.bulk_update(updated, fields, batch_size=500)
    stale = [obj.pk for obj in existing.values()]
    for start in range(0, len(stale), 500):
        model.objects.filter(pk__in=stale[start : start + 500]).delete()
    summary.add(sheet, "created", len(created))
    summary.add(sheet, "updated", len(updated))
    summary.add(sheet, "deleted", len(stale))
    return created, updated


def _sync_counties(
    *, counties: dict[str, tuple[bool, tuple[str, ...]]], program_ids: dict, before: dict
) -> set[str]:
    """Set the counties and the nationwide flag; returns the codes of programs that changed."""
    through = Program.counties.through
    ids = [program_ids[code] for code in counties]
    current: dict[int, set[str]] = defaultdict(set)
    for program_id, county_id in _in_chunks(
        lambda chunk: through.objects.filter(program_id__in=chunk).values_list(
            "program_id", "county_id"
        ),
        ids,
    ):
        current[program_id].add(county_id)
    changed: set[str] = set()
    add, remove, nationwide = [], [], {True: [], False: []}
    for code, (is_nationwide, wanted) in counties.items():
        pk = program_ids[code]
        have, want = current[pk], set(wanted)
        if have != want:
            changed.add(code)
            add.extend(through(program_id=pk, county_id=c) for c in want - have)
            remove.extend((pk, c) for c in have - want)
        if before.get(code, False) != is_nationwide:
            changed.add(code)
            nationwide[is_nationwide].append(pk)
    through.objects.bulk_create(add, batch_size=500)
    for pk, county in remove:
        through.objects.filter(program_id=pk, county_id=county).delete()
    for value, pks in nationwide.items():
        for start in range(0, len(pks), 500):
            Program.objects.filter(pk__in=pks[start : start + 500]).update(nationwide=value)
    return changed


def _in_chunks(queryset_for, values: list) -> list:
    rows = []
    for start in range(0, len(values), 500):
        rows.extend(queryset_for(values[start : start + 500]))
    return rows


def _import_write(upload: Upload, summary: ImportSummary) -> tuple[set[int], set[int]]:
    """Write checked tables; returns (programs touched, programs with new reports)."""
    tables = upload.tables
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    now = timezone.now()
    touched: set[int] = set()

    # Programs, by code.
    file_codes: list[str] = []
    if PROGRAMS.key in tables:
        table = tables[PROGRAMS.key]
        mapping = {
            "name": "name",
            "agency": "agency_id",
            "control_level": "control_level",
            "category": "category",
            "start_year": "start_year",
            "end_year": "end_year",
            "objectives": "objectives",
            "description": "description",
            "is_demo": "is_demo",
        }
        fields = _present(table, mapping)
        desired, counties = {}, {}
        for row in table.rows:
            v = row.values
            desired[v["program"]] = {
                "name": v["name"],
                "agency_id": agency_ids[v["agency"]],
                "control_level": v["control_level"] or ControlLevel.MINISTRY,
                "category": v["category"] or "",
                "start_year": v["start_year"],
                "end_year": v["end_year"],
                "objectives": v["objectives"] or "",
                "description": v["description"] or "",
                "is_demo": bool(v["is_demo"]),
            }
            if "counties" in table.present:
                counties[v["program"]] = v["counties"] or (False, ())
        file_codes = list(desired)
        existing = {
            p.code: p
            for p in _in_chunks(lambda codes: Program.objects.filter(code__in=codes), file_codes)
        }
        before = {code: p.nationwide for code, p in existing.items()}
        created, updated = _sync(
            sheet=PROGRAMS,
            summary=summary,
            existing=dict(existing),
            desired=desired,
            fields=fields,
            model=Program,
            make=lambda code, values: Program(
                code=code, created_at=now, updated_at=now, light_reasons=[], **values
            ),
        )
        program_ids = dict(
            _in_chunks(
                lambda codes: Program.objects.filter(code__in=codes).values_list("code", "pk"),
                file_codes,
            )
        )
        created_codes = {p.code for p in created}
        changed = {p.code for p in updated}
        if counties:
            moved = _sync_counties(counties=counties, program_ids=program_ids, before=before)
            moved -= created_codes | changed
            summary.add(PROGRAMS, "updated", len(moved))
            summary.add(PROGRAMS, "unchanged", -len(moved))
            changed |= moved
        touched.update(program_ids.values())
        # Updated programs get a new updated_at (created ones already have it).
        if changed:
            Program.objects.filter(pk__in=[program_ids[c] for c in changed]).update(updated_at=now)

    referenced = sorted({row.values["program"] for table in tables.values() for row in table.rows})
    program_ids = dict(
        _in_chunks(
            lambda codes: Program.objects.filter(code__in=codes).values_list("code", "pk"),
            referenced,
        )
    )

    def scope(table) -> list[int]:
        codes = {row.values["program"] for row in table.rows} | set(file_codes)
        return [program_ids[code] for code in codes if code in program_ids]

    reported: set[int] = set()

    if KPIS.key in tables:
        table = tables[KPIS.key]
        ids = scope(table)
        touched.update(ids)
        mapping = {
            "unit": "unit",
            "definition": "definition",
            "formula": "formula",
            "direction": "direction",
            "baseline": "baseline",
            "baseline_year": "baseline_year",
        }
        fields = [*_present(table, mapping), "sort_order"]
        desired = {}
        positions: dict[str, int] = defaultdict(int)
        for row in table.rows:
            v = row.values
            order = positions[v["program"]]
            positions[v["program"]] += 1
            desired[(program_ids[v["program"]], v["kpi"])] = {
                "unit": v["unit"] or "",
                "definition": v["definition"] or "",
                "formula": v["formula"] or "",
                "direction": v["direction"] or Direction.HIGHER,
                "baseline": v["baseline"],
                "baseline_year": v["baseline_year"],
                "sort_order": min(order, 32000),
            }
        existing = {
            (k.program_id, k.name): k
            for k in _in_chunks(lambda chunk: KPI.objects.filter(program_id__in=chunk), ids)
        }
        _sync(
            sheet=KPIS,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=fields,
            model=KPI,
            make=lambda key, values: KPI(program_id=key[0], name=key[1], **values),
        )

    kpi_ids = {}
    if TARGETS.key in tables or ACTUALS.key in tables:
        kpi_ids = {
            (program_id, name): pk
            for pk, program_id, name in _in_chunks(
                lambda chunk: KPI.objects.filter(program_id__in=chunk).values_list(
                    "pk", "program_id", "name"
                ),
                list(program_ids.values()),
            )
        }

    if TARGETS.key in tables:
        table = tables[TARGETS.key]
        ids = scope(table)
        touched.update(ids)
        desired = {
            (kpi_ids[(program_ids[r.values["program"]], r.values["kpi"])], r.values["year"]): {
                "value": r.values["value"]
            }
            for r in table.rows
        }
        existing = {
            (t.kpi_id, t.year): t
            for t in _in_chunks(
                lambda chunk: KPITarget.objects.filter(kpi__program_id__in=chunk), ids
            )
        }
        _sync(
            sheet=TARGETS,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=["value"],
            model=KPITarget,
            make=lambda key, values: KPITarget(kpi_id=key[0], year=key[1], **values),
        )

    if ACTUALS.key in tables:
        table = tables[ACTUALS.key]
        ids = scope(table)
        touched.update(ids)
        mapping = {
            "value": "value",
            "reported_on": "reported_on",
            "note": "note",
            "evidence_url": "evidence_url",
        }
        fields = _present(table, mapping)
        desired = {}
        for r in table.rows:
            v = r.values
            key = (
                kpi_ids[(program_ids[v["program"]], v["kpi"])],
                v["year"],
                v["period"] or Period.YEAR,
            )
            desired[key] = {
                "value": v["value"],
                "reported_on": v["reported_on"],
                "note": v["note"] or "",
                "evidence_url": v["evidence_url"] or "",
            }
        existing = {
            (a.kpi_id, a.year, a.period): a
            for a in _in_chunks(
                lambda chunk: KPIActual.objects.filter(kpi__program_id__in=chunk), ids
            )
        }
        kpi_program = {pk: program_id for (program_id, _name), pk in kpi_ids.items()}
        created, _updated = _sync(
            sheet=ACTUALS,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=fields,
            model=KPIActual,
            make=lambda key, values: KPIActual(kpi_id=key[0], year=key[1], period=key[2], **values),
        )
        reported.update(kpi_program[a.kpi_id] for a in created)

    if BUDGETS.key in tables:
        table = tables[BUDGETS.key]
        ids = scope(table)
        touched.update(ids)
        fields = _present(
            table, {"budget": "budget", "spent": "spent", "planned_to_date": "planned_to_date"}
        )
        desired = {
            (program_ids[r.values["program"]], r.values["year"]): {
                "budget": r.values["budget"],
                "spent": r.values["spent"],
                "planned_to_date": r.values["planned_to_date"],
            }
            for r in table.rows
        }
        existing = {
            (b.program_id, b.year): b
            for b in _in_chunks(lambda chunk: BudgetYear.objects.filter(program_id__in=chunk), ids)
        }
        _sync(
            sheet=BUDGETS,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=fields,
            model=BudgetYear,
            make=lambda key, values: BudgetYear(program_id=key[0], year=key[1], **values),
        )

    if PROGRESS.key in tables:
        table = tables[PROGRESS.key]
        ids = scope(table)
        touched.update(ids)
        fields = _present(
            table,
            {
                "planned_percent": "planned_percent",
                "actual_percent": "actual_percent",
                "note": "note",
            },
        )
        desired = {
            (program_ids[r.values["program"]], r.values["period_end"]): {
                "planned_percent": r.values["planned_percent"],
                "actual_percent": r.values["actual_percent"],
                "note": r.values["note"] or "",
            }
            for r in table.rows
        }
        existing = {
            (p.program_id, p.period_end): p
            for p in _in_chunks(
                lambda chunk: ProgressReport.objects.filter(program_id__in=chunk), ids
            )
        }
        created, _updated = _sync(
            sheet=PROGRESS,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=fields,
            model=ProgressReport,
            make=lambda key, values: ProgressReport(
                program_id=key[0], period_end=key[1], reported_at=now, **values
            ),
        )
        reported.update(p.program_id for p in created)

    if MILESTONES.key in tables:
        table = tables[MILESTONES.key]
        ids = scope(table)
        touched.update(ids)
        fields = _present(
            table,
            {"planned_date": "planned_date", "actual_date": "actual_date", "weight": "weight"},
        )
        desired = {
            (program_ids[r.values["program"]], r.values["name"]): {
                "planned_date": r.values["planned_date"],
                "actual_date": r.values["actual_date"],
                "weight": r.values["weight"] if r.values["weight"] is not None else Decimal(0),
            }
            for r in table.rows
        }
        existing = {
            (m.program_id, m.name): m
            for m in _in_chunks(lambda chunk: Milestone.objects.filter(program_id__in=chunk), ids)
        }
        _sync(
            sheet=MILESTONES,
            summary=summary,
            existing=existing,
            desired=desired,
            fields=fields,
            model=Milestone,
            make=lambda key, values: Milestone(program_id=key[0], name=key[1], **values),
        )
    return touched, reported
