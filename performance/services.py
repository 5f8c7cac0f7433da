"""Writes for programs: lights and their history, imports, citizen monitoring (公民管考).

Messages are in Traditional Chinese because citizens and agency staff read them.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from minyi.accounts.models import User
from minyi.agencies.models import Agency
from minyi.agencies.selectors import agencies_for_user
from minyi.agencies.services import agency_staff_notify
from minyi.home.dates import format_minguo_date
from minyi.notifications.services import notifications_store
from minyi.notifications.text import NotificationText
from minyi.ratelimit import rate_limit_exceeded
from moderation.models import Outcome
from moderation.services import screen_text, submission_record

from .dashboard_cache import dashboard_changed
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
    Table,
    Upload,
    read_files,
)
from .lights import Light, LightResult, light_compute, light_rules
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

# The kind of in-site notification about a followed program (registered in apps.py).
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
                program.updated_at = now
        program.light = result.light
        program.light_reasons = reasons
        program.light_updated_at = now
        changed_any.append(program)
    with transaction.atomic():
        Program.objects.bulk_update(
            changed_any, ["light", "light_reasons", "light_updated_at"], batch_size=500
        )
        # A new light is news on the program: the admin list's 更新時間 says so.
        for start in range(0, len(changed_light), 500):
            Program.objects.filter(
                pk__in=[p.pk for p in changed_light[start : start + 500]]
            ).update(updated_at=now)
        ProgramLight.objects.bulk_create(history, batch_size=500)
        for program in changed_light:
            program_followers_notify(
                program=program,
                title=NotificationText(
                    gettext_noop("The light of “%(name)s” changed to %(light)s"),
                    name=program.name,
                    light=NotificationText(LIGHT_CHANGE_WORDS[program.light]),
                ),
            )
        if changed_any:
            dashboard_changed()  # bulk writes send no signals
    return changed_light


def program_light_refresh(*, program: Program, today: date | None = None) -> Program:
    """Recompute one program's light (see :func:`program_lights_refresh`)."""
    program_lights_refresh(programs=[program], today=today)
    return program


def program_edit_record(*, program: Program) -> Program:
    """After staff saved a program or one of its KPIs in the admin: the program's 更新時間 is
    now (its budget, progress, milestones or KPI figures may have changed, which its own
    fields do not show), then its light is recomputed."""
    program.updated_at = timezone.now()
    Program.objects.filter(pk=program.pk).update(updated_at=program.updated_at)
    return program_light_refresh(program=program)


# A light's name in a follower's notice (the choices' labels, marked again for NotificationText).
LIGHT_CHANGE_WORDS = {
    Light.GREEN: gettext_noop("Green: on track"),
    Light.YELLOW: gettext_noop("Yellow: needs attention"),
    Light.RED: gettext_noop("Red: behind"),
    Light.GREY: gettext_noop("Grey: report overdue or no data"),
}


def program_followers_notify(*, program: Program, title: str | NotificationText) -> int:
    """An in-site notification to every follower of ``program``; returns how many."""
    url = program_url(page=dashboard_page(), code=program.code)
    recipients = program_follower_users(program=program).values_list("pk", flat=True)
    return notifications_store(
        kind=NOTIFICATION_KIND, notices=((user_id, title, url) for user_id in recipients)
    )


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
        raise ValidationError(f"依社群守則無法刊登：{verdict.reasons_text}")
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
    if question.state == QuestionState.PUBLISHED:
        _question_asked_notify(question)
    return question


def _question_asked_notify(question: ProgramQuestion) -> None:
    """The programme's agency learns of the question and its deadline (the citizen is told
    the agency answers within ``question_answer_days()``)."""
    url = program_url(page=dashboard_page(), code=question.program.code)
    due = format_minguo_date(question.answer_due_at)
    title = f"民眾對「{question.program.name}」提出問題，請於 {due} 前回覆"
    agency_staff_notify(
        agency=question.program.agency, title=title, url=f"{url}#question-{question.pk}"
    )


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
    title = f"{question.program.agency.name_zh}已回覆您對「{question.program.name}」的提問"
    notifications_store(
        kind=NOTIFICATION_KIND,
        notices=[(question.author_id, title, f"{url}#question-{question.pk}")],
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


_KEEP = object()  # a _Field without a default: an empty cell is stored as it was read


@dataclass(frozen=True)
class _Field:
    """One column of a sheet and the model field it fills."""

    column: str
    field: str
    default: Any = _KEEP  # stored when the cell is empty (None)
    # For columns holding a reference (主管機關代碼): turns the cell into the field's value.
    convert: Callable[[Any, "_Refs"], Any] | None = None


@dataclass
class _Refs:
    """Primary keys the rows refer to, read once per import."""

    now: datetime
    agency_ids: dict[str, int]
    program_ids: dict[str, int] = field(default_factory=dict)  # code -> pk
    kpi_ids: dict[tuple[int, str], int] | None = None  # (program pk, KPI name) -> pk


@dataclass(frozen=True)
class _SheetSpec:
    """How one import sheet maps onto its model: the one place each sheet's rules live.

    A row is identified by ``key_columns`` in the file (checked for duplicates) and by
    ``key_fields`` on the model: the program code becomes ``program_id`` and, for sheets keyed
    by a KPI, the program and KPI name together become ``kpi_id``. Existing objects compared
    with the file are those of the programs it covers (``scope``: a lookup on their pk, or on
    the code for 計畫).
    """

    sheet: Sheet
    model: type[Model]
    key_columns: tuple[str, ...]
    key_fields: tuple[str, ...]
    fields: tuple[_Field, ...]
    scope: str = "program_id"
    duplicate_words: str = ""  # "同一計畫的…只能有一列"
    key_defaults: dict[str, Any] = field(default_factory=dict)  # for empty key cells
    new_fields: Callable[[datetime], dict[str, Any]] = lambda now: {}  # set on create only

    def file_key(self, values: dict[str, Any]) -> tuple:
        """The row's key as the file has it (program code, KPI name…), with defaults."""
        if not self.key_defaults:
            return tuple([values[c] for c in self.key_columns])
        return tuple(
            [self.key_defaults.get(c) if values[c] is None else values[c] for c in self.key_columns]
        )

    def model_key(self, values: dict[str, Any], refs: _Refs) -> tuple:
        """The row's key as stored: program and KPI names replaced by primary keys."""
        key = self.file_key(values)
        if self.key_fields[0] == "code":
            return key
        program_id = refs.program_ids[key[0]]
        if self.key_fields[0] == "kpi_id":
            return (refs.kpi_ids[(program_id, key[1])], *key[2:])
        return (program_id, *key[1:])

    def stored_key(self, obj: Model) -> tuple:
        return tuple(getattr(obj, f) for f in self.key_fields)

    def make(self, key: tuple, values: dict[str, Any], now: datetime) -> Model:
        identity = dict(zip(self.key_fields, key, strict=True))
        return self.model(**identity, **self.new_fields(now), **values)


_SPECS: tuple[_SheetSpec, ...] = (
    _SheetSpec(
        PROGRAMS,
        Program,
        ("program",),
        ("code",),
        (
            _Field("name", "name"),
            _Field("agency", "agency_id", convert=lambda code, refs: refs.agency_ids[code]),
            _Field("control_level", "control_level", ControlLevel.MINISTRY),
            _Field("category", "category", ""),
            _Field("category_en", "category_en", ""),
            _Field("start_year", "start_year"),
            _Field("end_year", "end_year"),
            _Field("objectives", "objectives", ""),
            _Field("description", "description", ""),
            _Field("is_demo", "is_demo", False),
        ),
        scope="code",
        new_fields=lambda now: {"created_at": now, "updated_at": now, "light_reasons": []},
    ),
    _SheetSpec(
        KPIS,
        KPI,
        ("program", "kpi"),
        ("program_id", "name"),
        (
            _Field("unit", "unit", ""),
            _Field("definition", "definition", ""),
            _Field("formula", "formula", ""),
            _Field("direction", "direction", Direction.HIGHER),
            _Field("baseline", "baseline"),
            _Field("baseline_year", "baseline_year"),
        ),
        duplicate_words="同一指標名稱",
    ),
    _SheetSpec(
        TARGETS,
        KPITarget,
        ("program", "kpi", "year"),
        ("kpi_id", "year"),
        (_Field("value", "value"),),
        scope="kpi__program_id",
        duplicate_words="同一指標、同一年度",
    ),
    _SheetSpec(
        ACTUALS,
        KPIActual,
        ("program", "kpi", "year", "period"),
        ("kpi_id", "year", "period"),
        (
            _Field("value", "value"),
            _Field("reported_on", "reported_on"),
            _Field("note", "note", ""),
            _Field("evidence_url", "evidence_url", ""),
        ),
        scope="kpi__program_id",
        duplicate_words="同一指標、同一年度與期別",
        key_defaults={"period": Period.YEAR},
    ),
    _SheetSpec(
        BUDGETS,
        BudgetYear,
        ("program", "year"),
        ("program_id", "year"),
        (
            _Field("budget", "budget"),
            _Field("spent", "spent"),
            _Field("planned_to_date", "planned_to_date"),
        ),
        duplicate_words="同一年度",
    ),
    _SheetSpec(
        PROGRESS,
        ProgressReport,
        ("program", "period_end"),
        ("program_id", "period_end"),
        (
            _Field("planned_percent", "planned_percent"),
            _Field("actual_percent", "actual_percent"),
            _Field("note", "note", ""),
        ),
        duplicate_words="同一期末日期",
        new_fields=lambda now: {"reported_at": now},
    ),
    _SheetSpec(
        MILESTONES,
        Milestone,
        ("program", "name"),
        ("program_id", "name"),
        (
            _Field("planned_date", "planned_date"),
            _Field("actual_date", "actual_date"),
            _Field("weight", "weight", Decimal(0)),
        ),
        duplicate_words="同一查核點名稱",
    ),
)


def _valid(value) -> bool:
    return value is not _INVALID


def _other_agency(code: str, owner: str) -> str:
    return f"計畫「{code}」屬於其他機關（{owner}），您沒有權限修改。"


@dataclass
class _RefCheck:
    """What checking an upload's references needs, read once: the rules below share it."""

    managed: set[str]  # codes of the agencies the user may import for
    existing: dict[str, str]  # program code -> its agency code, for the programs referenced
    in_file: dict[str, int] = field(default_factory=dict)  # program code -> line in 計畫
    errors: list[RowError] = field(default_factory=list)

    def add(self, table: Table, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(table.source, line, column, message))


def _check_references(upload: Upload, user: User) -> list[RowError]:
    """Duplicates, unknown programs, KPIs and agencies, and programs the user may not edit.

    Errors come in the order of the sheets (計畫 first), then the unknown KPI names.
    """
    tables = upload.tables
    referenced = {
        row.values["program"]
        for table in tables.values()
        for row in table.rows
        if row.values.get("program") and _valid(row.values["program"])
    }
    check = _RefCheck(
        managed=set(agencies_for_user(user).values_list("code", flat=True)),
        existing=dict(
            Program.objects.filter(code__in=referenced).values_list("code", "agency__code")
        ),
    )
    if PROGRAMS.key in tables:
        _check_programs(check, tables[PROGRAMS.key])
    # KPIs the file's targets and actuals may name: those of the 績效指標 sheet when the
    # upload has one (it replaces the programs' KPIs), else the ones already stored.
    if KPIS.key in tables:
        kpi_names: set[tuple[str, str]] = set()
    else:
        kpi_names = set(
            KPI.objects.filter(program__code__in=referenced).values_list("program__code", "name")
        )
    for spec in _SPECS[1:]:
        if spec.sheet.key in tables:
            keys = _check_rows(check, spec, tables[spec.sheet.key])
            if spec.sheet is KPIS:
                kpi_names.update(keys)
    for sheet in (TARGETS, ACTUALS):
        if sheet.key in tables:
            _check_kpi_names(check, tables[sheet.key], kpi_names)
    return check.errors


def _check_programs(check: _RefCheck, table: Table) -> None:
    """The 計畫 sheet: one row per code, a known agency the user belongs to, sane years."""
    agency_ids = set(Agency.objects.values_list("code", flat=True))
    for row in table.rows:
        code, agency = row.values["program"], row.values["agency"]
        label = row.cells["program"]
        if not code or not _valid(code):
            continue
        if code in check.in_file:
            check.add(
                table,
                row.line,
                label,
                f"計畫代碼「{code}」重複（第 {check.in_file[code]} 列已出現）。",
            )
            continue
        check.in_file[code] = row.line
        if _valid(agency) and agency:
            if agency not in agency_ids:
                check.add(table, row.line, row.cells["agency"], f"找不到機關代碼「{agency}」。")
            elif agency not in check.managed:
                check.add(
                    table,
                    row.line,
                    row.cells["agency"],
                    f"您不是「{agency}」的機關人員，不能匯入該機關的計畫。",
                )
        if code in check.existing and check.existing[code] not in check.managed:
            check.add(table, row.line, label, _other_agency(code, check.existing[code]))
        start, end = row.values["start_year"], row.values["end_year"]
        if _valid(start) and _valid(end) and start and end and end < start:
            check.add(table, row.line, row.cells["end_year"], "結束年度早於開始年度。")


def _check_rows(check: _RefCheck, spec: _SheetSpec, table: Table) -> set[tuple]:
    """A figures sheet: known programs the user may edit, one row per key.

    Returns the keys of the rows that passed (for 績效指標: the KPIs the file defines).
    """
    seen: dict[tuple, int] = {}
    for row in table.rows:
        code = row.values["program"]
        if not code or not _valid(code):
            continue
        if code not in check.in_file:
            if code not in check.existing:
                check.add(
                    table,
                    row.line,
                    row.cells["program"],
                    f"找不到計畫代碼「{code}」（請一併匯入「計畫」工作表）。",
                )
                continue
            if check.existing[code] not in check.managed:
                check.add(
                    table, row.line, row.cells["program"], _other_agency(code, check.existing[code])
                )
                continue
        key = spec.file_key(row.values)
        if any(not _valid(v) for v in key):
            continue
        if key in seen:
            check.add(
                table,
                row.line,
                "",
                f"與第 {seen[key]} 列重複（同一計畫的{spec.duplicate_words}只能有一列）。",
            )
            continue
        seen[key] = row.line
    return set(seen)


def _check_kpi_names(check: _RefCheck, table: Table, kpi_names: set[tuple[str, str]]) -> None:
    """Targets and actuals name KPIs that exist (in the file's 績效指標 or, without it, stored)."""
    for row in table.rows:
        code, kpi = row.values["program"], row.values["kpi"]
        if not code or not kpi or not _valid(code) or not _valid(kpi):
            continue
        if (code in check.in_file or code in check.existing) and (code, kpi) not in kpi_names:
            check.add(
                table,
                row.line,
                row.cells["kpi"],
                f"計畫「{code}」沒有名為「{kpi}」的績效指標（請列在「績效指標」工作表）。",
            )


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
        if touched:
            dashboard_changed()  # bulk writes send no signals
        programs = list(Program.objects.filter(pk__in=touched))
        program_lights_refresh(programs=programs)
        if reported:
            _followers_notify_many(
                programs=[p for p in programs if p.pk in reported],
                title=gettext_noop("“%(name)s” has new progress or performance reports"),
            )
    summary.programs = sorted(p.code for p in programs)
    return summary


def _followers_notify_many(*, programs: list[Program], title: str) -> None:
    if not programs:
        return
    page = dashboard_page()
    by_pk = {p.pk: p for p in programs}
    notifications_store(
        kind=NOTIFICATION_KIND,
        notices=(
            (
                user_id,
                NotificationText(title, name=by_pk[program_id].name),
                program_url(page=page, code=by_pk[program_id].code),
            )
            for program_id, user_id in ProgramFollow.objects.filter(
                program_id__in=list(by_pk), user__is_active=True
            ).values_list("program_id", "user_id")
        ),
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
) -> tuple[list, list, list]:
    """Create, update or delete so that ``existing`` matches ``desired``.

    Returns the created, the updated and the deleted objects.
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
    return created, updated, list(existing.values())


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


def _desired(spec: _SheetSpec, table: Table, refs: _Refs) -> dict[tuple, dict[str, Any]]:
    """The model values the file asks for, by stored key (every field, absent columns too).

    An empty cell (None) takes the field's default; otherwise ``convert`` applies. The loop is
    plain (no call per cell) because it runs for every cell of uploads of 100,000 rows.
    """
    fields = [(f.column, f.field, f.default, f.convert) for f in spec.fields]
    desired = {}
    for row in table.rows:
        cells = row.values
        values = {}
        for column, name, default, convert in fields:
            value = cells[column]
            if value is None and default is not _KEEP:
                value = default
            elif convert is not None:
                value = convert(value, refs)
            values[name] = value
        desired[spec.model_key(cells, refs)] = values
    return desired


def _existing(spec: _SheetSpec, scope: list) -> dict[tuple, Model]:
    """The stored objects of the programs in scope, by key."""
    return {
        spec.stored_key(obj): obj
        for obj in _in_chunks(
            lambda chunk: spec.model.objects.filter(**{f"{spec.scope}__in": chunk}), scope
        )
    }


def _sheet_sync(
    spec: _SheetSpec,
    table: Table,
    *,
    desired: dict,
    existing: dict,
    refs: _Refs,
    summary: ImportSummary,
    always: tuple[str, ...] = (),
) -> tuple[list, list, list]:
    """Apply one sheet: only the columns the file has are compared (plus ``always``)."""
    return _sync(
        sheet=spec.sheet,
        summary=summary,
        existing=existing,
        desired=desired,
        fields=[f.field for f in spec.fields if f.column in table.present] + list(always),
        model=spec.model,
        make=lambda key, values: spec.make(key, values, refs.now),
    )


def _import_write(upload: Upload, summary: ImportSummary) -> tuple[set[int], set[int]]:
    """Write checked tables; returns (programs touched, programs with new reports).

    Programs come first so that the other sheets can refer to new ones; each other sheet
    replaces the data of the programs it lists and of those in the 計畫 sheet.
    """
    tables = upload.tables
    refs = _Refs(now=timezone.now(), agency_ids=dict(Agency.objects.values_list("code", "pk")))
    touched: set[int] = set()
    file_codes: list[str] = []
    if PROGRAMS.key in tables:
        file_codes = _programs_write(tables[PROGRAMS.key], refs, summary)
        touched.update(refs.program_ids.values())

    referenced = sorted({row.values["program"] for table in tables.values() for row in table.rows})
    refs.program_ids = _program_ids(referenced)
    reported: set[int] = set()
    figures_changed: set[int] = set()
    for spec in _SPECS[1:]:
        table = tables.get(spec.sheet.key)
        if table is None:
            continue
        codes = {row.values["program"] for row in table.rows} | set(file_codes)
        scope = [refs.program_ids[code] for code in codes if code in refs.program_ids]
        touched.update(scope)
        if spec.key_fields[0] == "kpi_id" and refs.kpi_ids is None:
            # After the KPI sheet is written: targets and actuals refer to its KPIs.
            refs.kpi_ids = _kpi_ids(list(refs.program_ids.values()))
        desired = _desired(spec, table, refs)
        always: tuple[str, ...] = ()
        if spec.sheet is KPIS:
            # KPIs are shown in the order the file lists them, per program.
            positions: dict[int, int] = defaultdict(int)
            for (program_id, _name), values in desired.items():
                values["sort_order"] = min(positions[program_id], 32000)
                positions[program_id] += 1
            always = ("sort_order",)
        created, updated, deleted = _sheet_sync(
            spec,
            table,
            desired=desired,
            existing=_existing(spec, scope),
            refs=refs,
            summary=summary,
            always=always,
        )
        kpi_program = {pk: program_id for (program_id, _name), pk in (refs.kpi_ids or {}).items()}
        figures_changed.update(_row_program_ids([*created, *updated, *deleted], kpi_program))
        # New actuals and progress reports are news for the programs' followers.
        if spec.sheet is ACTUALS:
            reported.update(kpi_program[a.kpi_id] for a in created)
        elif spec.sheet is PROGRESS:
            reported.update(p.program_id for p in created)
    # A program whose figures changed was updated, like one whose own row changed.
    ids = sorted(figures_changed)
    for start in range(0, len(ids), 500):
        Program.objects.filter(pk__in=ids[start : start + 500]).update(updated_at=refs.now)
    return touched, reported


def _row_program_ids(rows: list[Model], kpi_program: dict[int, int]) -> set[int]:
    """The programs of imported rows: their own, or their KPI's."""
    return {
        row.program_id if hasattr(row, "program_id") else kpi_program.get(row.kpi_id)
        for row in rows
    } - {None}


def _program_ids(codes: list[str]) -> dict[str, int]:
    return dict(
        _in_chunks(
            lambda chunk: Program.objects.filter(code__in=chunk).values_list("code", "pk"), codes
        )
    )


def _kpi_ids(program_ids: list[int]) -> dict[tuple[int, str], int]:
    return {
        (program_id, name): pk
        for pk, program_id, name in _in_chunks(
            lambda chunk: KPI.objects.filter(program_id__in=chunk).values_list(
                "pk", "program_id", "name"
            ),
            program_ids,
        )
    }


def _programs_write(table: Table, refs: _Refs, summary: ImportSummary) -> list[str]:
    """The 計畫 sheet: upsert by code, then counties and the nationwide flag.

    Sets ``refs.program_ids`` for the file's programs and returns their codes. A program whose
    only change is its counties counts as updated; updated programs get a new ``updated_at``.
    """
    spec = _SPECS[0]
    desired = _desired(spec, table, refs)
    counties: dict[str, tuple[bool, tuple[str, ...]]] = {}
    if "counties" in table.present:
        counties = {
            row.values["program"]: row.values["counties"] or (False, ()) for row in table.rows
        }
    file_codes = [code for (code,) in desired]
    existing = _existing(spec, file_codes)
    before = {code: p.nationwide for (code,), p in existing.items()}
    created, updated, _deleted = _sheet_sync(
        spec, table, desired=desired, existing=dict(existing), refs=refs, summary=summary
    )
    refs.program_ids = _program_ids(file_codes)
    changed = {p.code for p in updated}
    if counties:
        moved = _sync_counties(counties=counties, program_ids=refs.program_ids, before=before)
        moved -= {p.code for p in created} | changed
        summary.add(PROGRAMS, "updated", len(moved))
        summary.add(PROGRAMS, "unchanged", -len(moved))
        changed |= moved
    # Created programs already have it.
    if changed:
        Program.objects.filter(pk__in=[refs.program_ids[c] for c in changed]).update(
            updated_at=refs.now
        )
    return file_codes


# --- Moderation of citizens' questions ----------------------------------------------------------
# Screening may hold a question; moderators decide it in the same queue as comments
# (moderation.targets), and a question made public then reaches the agency's staff.

_QUESTION_STATES = {
    QuestionState.PUBLISHED: "visible",
    QuestionState.HELD: "held",
    QuestionState.HIDDEN: "hidden",
    QuestionState.REJECTED: "rejected",
}


def program_question_moderation_state_set(question: ProgramQuestion, state: str) -> None:
    """Moderation's hook: publish, hold, hide or reject a question."""
    was_published = question.state == QuestionState.PUBLISHED
    question.state = {item: stored for stored, item in _QUESTION_STATES.items()}[state]
    question.save(update_fields=["state"])
    if question.state == QuestionState.PUBLISHED and not was_published:
        _question_asked_notify(question)


def _question_text_set(question: ProgramQuestion, text: str) -> None:
    question.body = text
    question.save(update_fields=["body"])


def _question_url(question: ProgramQuestion) -> str:
    return reverse("program_question_link", args=[question.pk])


def moderated_kinds_register() -> None:
    from moderation.targets import ModeratedKind, moderated_kind_register

    moderated_kind_register(
        ModeratedKind(
            label="performance.programquestion",
            noun_zh="計畫提問",
            noun_en="question about a program",
            get_state=lambda question: _QUESTION_STATES[question.state],
            set_state=program_question_moderation_state_set,
            get_text=lambda question: question.body,
            set_text=_question_text_set,
            author_user=lambda question: question.author,
            url=_question_url,
            where=lambda question: (question.program.name, _question_url(question)),
            state_field="state",
            state_values={item: [str(stored)] for stored, item in _QUESTION_STATES.items()},
            search_fields=("body",),
            author_lookup="author",
            review_queryset=lambda: ProgramQuestion.objects.filter(
                state__in=[QuestionState.HELD, QuestionState.HIDDEN]
            ).select_related("author", "program"),
        )
    )
