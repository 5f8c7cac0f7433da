"""The report schema (reports.schema): new snapshots carry ``schema_version`` and every part
the types name; older snapshots are upgraded, by the reader and by the migration, and read the
same."""

import importlib
import re
import typing

import pytest
from django.apps import apps
from django.urls import reverse

from reports import presentation
from reports.models import Report
from reports.schema import (
    REPORT_PARTS,
    SCHEMA_VERSION,
    Campaigns,
    Moderation,
    OpinionGroups,
    SchemaTooNew,
    SectionRow,
    Summary,
    report_data_load,
    report_data_upgrade,
)

pytestmark = pytest.mark.usefixtures("report_urls")

migration = importlib.import_module("reports.migrations.0003_report_data_schema_version_2")


def _version_1(data: dict, *, without: tuple[str, ...] = ()) -> dict:
    """``data`` as the first schema stored it."""
    old = {"schema": 1, **{k: v for k, v in data.items() if k != "schema_version"}}
    for key in without:
        old.pop(key)
    return old


def _store(report: Report, data: dict) -> None:
    Report.objects.filter(pk=report.pk).update(data=data)  # a finished report's save() refuses
    report.refresh_from_db()


def _page(client, world) -> str:
    url = reverse(
        "reports:detail",
        kwargs={"consultation_id": world["consultation"].pk, "version": world["report"].version},
    )
    html = client.get(url).content.decode()
    # What differs between two requests: the CSP nonce and the CSRF token.
    html = re.sub(r'nonce="[^"]*"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def _required_keys(typed) -> set[str]:
    return set(typed.__required_keys__)


def test_new_snapshots_have_the_current_schema(generated):
    data = generated["report"].data
    assert data["schema_version"] == SCHEMA_VERSION and "schema" not in data
    assert set(data) == {"schema_version", *REPORT_PARTS}
    assert _required_keys(Summary) <= set(data["summary"])
    assert _required_keys(OpinionGroups) <= set(data["opinion_groups"])
    assert _required_keys(Campaigns) <= set(data["campaigns"])
    assert _required_keys(Moderation) <= set(data["moderation"])
    for row in data["sections"]:
        assert set(row) == _required_keys(SectionRow)
    assert generated["report"].model_versions["report_schema"] == SCHEMA_VERSION
    assert report_data_load(data) is data  # the current shape is read as stored


def test_a_version_1_snapshot_reads_the_same(client, generated):
    client.force_login(generated["analyst"])
    report = generated["report"]
    current = dict(report.data)
    before = _page(client, generated)
    _store(report, _version_1(current))
    assert report_data_load(report.data) == current
    assert _page(client, generated) == before
    assert presentation.tables(report_data_load(report.data)).keys() == (
        presentation.tables(current).keys()
    )


def test_parts_older_snapshots_lack_are_filled_in(generated):
    old = _version_1(generated["report"].data, without=("social",))
    del old["opinion_groups"]["statement_texts"]
    upgraded = report_data_upgrade(old)
    assert upgraded["schema_version"] == 2 and "schema" not in upgraded
    assert upgraded["social"] == {"connected": False}
    assert upgraded["opinion_groups"]["statement_texts"] == {}
    assert "social" not in old  # the stored snapshot is never changed in place
    # A snapshot without any version is the first shape too.
    del old["schema"]
    assert report_data_upgrade(old)["schema_version"] == 2


def test_a_newer_schema_is_refused():
    with pytest.raises(SchemaTooNew):
        report_data_load({"schema_version": SCHEMA_VERSION + 1})


def test_the_migration_upgrades_stored_snapshots_and_back(generated):
    report = generated["report"]
    current = dict(report.data)
    _store(report, _version_1(current))
    migration.forwards(apps, None)
    report.refresh_from_db()
    assert report.data == current
    migration.backwards(apps, None)
    report.refresh_from_db()
    assert report.data == _version_1(current)
    migration.forwards(apps, None)
    report.refresh_from_db()
    assert report.data == current


def test_the_schema_names_every_part_the_builder_writes():
    from reports.schema import ReportData

    hints = typing.get_type_hints(ReportData)
    assert set(hints) == {"schema_version", *REPORT_PARTS}
