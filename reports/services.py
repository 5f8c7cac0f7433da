"""Writes of decision reports: ask for a new version, build it (in the worker), publish it."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from minyi.live.versions import stream_version_bump
from minyi.private_files import private_storage

from . import builder
from .models import Report, ReportPdf, ReportReason, ReportStatus
from .schema import SCHEMA_VERSION
from .selectors import (
    consultation_get,
    consultation_stream,
    report_inputs,
    report_superseded_by_moderation,
    reported_item,
    user_can_publish,
    user_can_see_drafts,
)

if TYPE_CHECKING:
    from participation.models import ConsultationPage

logger = logging.getLogger(__name__)


def report_generate(*, consultation: ConsultationPage, user: User) -> Report:
    """Queue a new version of the consultation's report (or return the one already pending)."""
    if not user_can_see_drafts(user=user, consultation=consultation):
        raise PermissionDenied(_("Only analysts and the agency's staff can generate reports."))
    pending = Report.objects.filter(
        consultation=consultation, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    ).first()
    if pending is not None:
        return pending
    return _version_queue(consultation=consultation, user=user)


def _version_queue(
    *,
    consultation: ConsultationPage,
    user: User | None,
    reason: str = ReportReason.REQUESTED,
    replaces: Report | None = None,
) -> Report:
    """A new version number, queued for generation once the transaction commits."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = Report.objects.filter(consultation=consultation).aggregate(
                    latest=Max("version")
                )["latest"]
                report = Report.objects.create(
                    consultation=consultation,
                    version=(latest or 0) + 1,
                    created_by=user,
                    reason=reason,
                    replaces=replaces,
                )
            break
        except IntegrityError:  # someone else took this version number meanwhile
            continue
    else:
        raise ValidationError(_("The report could not be queued; please try again."))

    from .tasks import report_generation

    report_id = report.pk
    transaction.on_commit(lambda: report_generation.enqueue(report_id=report_id))
    return report


def report_moderation_refresh(model_label: str, pk: int, changed_at: datetime) -> Report | None:
    """Refresher (minyi.publishing): a moderator's decision or an author's edit or withdrawal
    changed an item that a published report counted. That version stops being public at once
    and a new version, marked 因審核更新, is generated and published in its place (staff keep
    the old one). Idempotent: nothing is done if no published version predates the change."""
    item = reported_item(model_label, pk)
    if item is None:
        return None
    with transaction.atomic():
        reports = Report.objects.select_for_update().filter(consultation_id=item["consultation_id"])
        counted = reports.filter(
            status=ReportStatus.DONE,
            data_cutoff__gte=item["created_at"],
            data_cutoff__lt=changed_at,
        )
        stale = list(counted.filter(published=True).order_by("-version"))
        # Drafts that counted the item can never be published as they are (staff keep them).
        counted.filter(outdated=False).update(outdated=True)
        # A version being generated may have read the item before this change.
        reports.filter(status=ReportStatus.RUNNING).update(outdated=True)
        running = reports.filter(
            status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING], replaces__isnull=False
        ).order_by("-version")
        target = stale[0] if stale else None
        if target is None:
            # A replacement already under way may have read the item before this change:
            # it must not be published; a fresh one takes its place.
            started = [r for r in running if r.status == ReportStatus.RUNNING]
            if not started or running.filter(status=ReportStatus.QUEUED).exists():
                return None
            target = started[0].replaces
            Report.objects.filter(pk__in=[r.pk for r in started]).update(replaces=None)
        else:
            # Every public version stops being public until the replacement is done: the link
            # says the report is being updated rather than showing an older version.
            reports.filter(published=True).update(published=False, published_at=None)
        consultation = consultation_get(item["consultation_id"])
        replacement = _version_queue(
            consultation=consultation, user=None, reason=ReportReason.MODERATION, replaces=target
        )
        transaction.on_commit(lambda: _consultation_page_changed(consultation.pk))
    return replacement


def _consultation_page_changed(consultation_id: int) -> None:
    """The consultation page links the published report: cached copies are stale."""
    stream_version_bump(consultation_stream(consultation_id))


def _replacement_publish(report_id: int) -> None:
    """A finished replacement takes its place: it is published and every other version of the
    consultation stops being public (no public link serves a version with removed text)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.replaces_id is None or report.outdated:
            return
        replaced = Report.objects.filter(pk=report.replaces_id).first()
        Report.objects.filter(consultation_id=report.consultation_id, published=True).exclude(
            pk=report.pk
        ).update(published=False, published_at=None)
        report.published = True
        report.published_at = timezone.now()
        report.published_by = replaced.published_by if replaced else None
        report.save(update_fields=["published", "published_at", "published_by"])
        consultation_id = report.consultation_id
        transaction.on_commit(lambda: _consultation_page_changed(consultation_id))


def _progress(report_id: int):
    def update(percent: int, stage: str) -> None:
        Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
            progress=max(0, min(99, int(percent))), stage=stage[:40]
        )

    return update


def _jsonable(value):
    """Plain JSON types only (numpy scalars and arrays become Python numbers and lists)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    return value


@cache
def _file_digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    except OSError:
        return "missing"


def engine_versions() -> dict:
    """What the figures rest on besides the stored sentiment readings."""
    from sentiment.nlp import segment

    return {
        "segmenter": f"jieba zh_tw.dict.gz@{_file_digest(str(segment.DEFAULT_DICTIONARY))}",
        "keywords": "sentiment.nlp.keywords per comment (TF-IDF + TextRank), summed per section",
        "summary": "centroid TF-IDF over segmented sentences",
        "opinion_groups": (
            "Pol.is method: PCA 2 (column-mean imputation, sparsity scaling), "
            f"k-means k={builder.og.K_RANGE[0]}-{builder.og.K_RANGE[1]} by silhouette, "
            f"min_votes={builder.og.DEFAULT_MIN_VOTES}, seed 0"
        ),
        "near_duplicates": f"MinHash-LSH 5-char shingles, Jaccard >= {builder.DUPLICATE_THRESHOLD}",
        "report_schema": SCHEMA_VERSION,
    }


def _tokenize(texts: list[str]) -> list[list[str]]:
    from sentiment.services import analysis_pipeline

    return [r["tokens"] for r in analysis_pipeline().analyze(texts, only={"tokens"})]


def _keywords(token_lists: list[list[str]]) -> list[list[dict]]:
    """Per-comment keywords, as the engine stores them with each analysis."""
    from sentiment.services import analysis_pipeline

    return analysis_pipeline().stage("keywords").run(token_lists, top_k=10)


def report_build(*, report_id: int) -> str:
    """The job's body: compute and store every figure. Returns the final status."""
    report = Report.objects.select_related("consultation__agency").get(pk=report_id)
    if report.status not in {ReportStatus.QUEUED, ReportStatus.RUNNING}:
        return report.status
    Report.objects.filter(pk=report_id).update(
        status=ReportStatus.RUNNING, progress=1, stage="reading", error=""
    )
    progress = _progress(report_id)
    try:
        cutoff = timezone.now()
        consultation = report.consultation.specific
        inputs = report_inputs(consultation=consultation, cutoff=cutoff)
        progress(10, "reading")
        data = builder.report_data(
            inputs, tokenize=_tokenize, keywords=_keywords, progress=progress
        )
        versions = {"sentiment": inputs.sentiment_models, **engine_versions()}
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.DONE,
            progress=100,
            stage="",
            data=_jsonable(data),
            model_versions=_jsonable(versions),
            data_cutoff=cutoff,
            generated_at=timezone.now(),
        )
        _replacement_publish(report_id)
    except Exception as exc:
        logger.exception("Report %s could not be generated", report_id)
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, stage="", error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    return ReportStatus.DONE


def report_publish(*, report: Report, user: User, published: bool = True) -> Report:
    """The agency publishes a finished version (public on the consultation page) or withdraws it."""
    if not user_can_publish(user=user, consultation=report.consultation):
        raise PermissionDenied(_("Only the agency's staff can publish a report."))
    if not report.is_done:
        raise ValidationError(_("Only a finished report can be published."))
    if published and report_superseded_by_moderation(report=report):
        raise ValidationError(
            _(
                "Moderation has since removed content this version quotes or counts; "
                "generate a new version and publish that one instead."
            )
        )
    report.published = published
    report.published_at = timezone.now() if published else None
    report.published_by = user if published else None
    report.save(update_fields=["published", "published_at", "published_by"])
    return report


# --- PDF, printed in the worker ---------------------------------------------------------------


def report_pdf_request(
    *, report: Report, language: str, base_url: str, retry: bool = False
) -> ReportPdf:
    """The PDF of a finished report in ``language``: the one printed or being printed, or a
    new job to print it. A failed one is printed again only when ``retry`` (a reader's "try
    again"), so a page that refreshes itself never loops on a failure."""
    from .tasks import report_pdf_render

    if not report.is_done:
        raise ValidationError(_("Only a finished report can be downloaded."))
    with transaction.atomic():
        pdf, created = ReportPdf.objects.select_for_update().get_or_create(
            report=report, language=language, published=report.published
        )
        if created and private_storage().exists(pdf.storage_key):
            # Printed before PDFs were jobs (or the row was lost): the file is the answer.
            return _report_pdf_finish(pdf, path=pdf.storage_key)
        if pdf.is_done and private_storage().exists(pdf.path):
            return pdf
        if pdf.is_pending and not created:
            return pdf
        if pdf.status == ReportStatus.FAILED and not retry:
            return pdf
        pdf.status, pdf.progress, pdf.error, pdf.unavailable = ReportStatus.QUEUED, 0, "", False
        pdf.path, pdf.requested_at, pdf.finished_at = "", timezone.now(), None
        pdf.save()
    # Not on commit: the row is committed already, and the immediate backend of the tests and
    # of small installations prints right here.
    report_pdf_render.enqueue(pdf_id=pdf.pk, base_url=base_url)
    pdf.refresh_from_db()
    return pdf


def _report_pdf_finish(pdf: ReportPdf, *, path: str) -> ReportPdf:
    pdf.status, pdf.progress, pdf.path, pdf.finished_at = (
        ReportStatus.DONE,
        100,
        path,
        timezone.now(),
    )
    pdf.save(update_fields=["status", "progress", "path", "finished_at"])
    return pdf


def report_pdf_file_delete(*, pdf: ReportPdf) -> None:
    """Remove a deleted PDF row's file once the deletion commits (a rollback keeps both)."""
    names = {name for name in (pdf.path, pdf.storage_key) if name}

    def delete_files() -> None:
        storage = private_storage()
        for name in names:
            storage.delete(name)  # a missing file is not an error

    transaction.on_commit(delete_files)


def report_pdf_build(*, pdf_id: int, base_url: str) -> str:
    """The job's body: render the self-contained HTML, print it with Chromium, keep the file."""
    from . import exports
    from .rendering import standalone_html_for_worker

    pdf = ReportPdf.objects.select_related("report__consultation").filter(pk=pdf_id).first()
    if pdf is None or pdf.is_done:
        return pdf.status if pdf else "missing"
    ReportPdf.objects.filter(pk=pdf_id).update(status=ReportStatus.RUNNING, progress=10)
    report = pdf.report
    report.published = pdf.published  # the badge as asked for, whatever happened since
    try:
        html = standalone_html_for_worker(report, base_url=base_url, language=pdf.language)
        ReportPdf.objects.filter(pk=pdf_id).update(progress=30)
        content = exports.html_to_pdf(html)
        ReportPdf.objects.filter(pk=pdf_id).update(progress=90)
        if private_storage().exists(pdf.storage_key):
            private_storage().delete(pdf.storage_key)
        path = private_storage().save(pdf.storage_key, ContentFile(content))
    except exports.PdfUnavailable as exc:
        # Nothing to retry in the worker: Chromium is missing or cannot print this report.
        ReportPdf.objects.filter(pk=pdf_id).update(
            status=ReportStatus.FAILED, unavailable=True, error=str(exc)[:2000]
        )
        return ReportStatus.FAILED
    except Exception as exc:
        logger.exception("The PDF of report %s could not be printed", pdf.report_id)
        ReportPdf.objects.filter(pk=pdf_id).update(
            status=ReportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    _report_pdf_finish(pdf, path=path)
    return ReportStatus.DONE
