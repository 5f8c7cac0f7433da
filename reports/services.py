"""Writes of decision reports: ask for a new version, build it (in the worker), publish it."""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from participation.models import ConsultationPage

from . import builder
from .models import Report, ReportStatus
from .selectors import report_inputs, user_can_publish, user_can_see_drafts

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
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = Report.objects.filter(consultation=consultation).aggregate(
                    latest=Max("version")
                )["latest"]
                report = Report.objects.create(
                    consultation=consultation, version=(latest or 0) + 1, created_by=user
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
        "report_schema": builder.SCHEMA,
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
    report.published = published
    report.published_at = timezone.now() if published else None
    report.published_by = user if published else None
    report.save(update_fields=["published", "published_at", "published_by"])
    return report
