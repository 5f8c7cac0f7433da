"""Report pages, access, progress, publication, immutability and exports."""

import csv
import io
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from reports.models import Report

pytestmark = pytest.mark.usefixtures("report_urls")


def url(name, world, **extra):
    kwargs = {"consultation_id": world["consultation"].pk}
    if name not in {"reports:index", "reports:generate"}:
        kwargs["version"] = extra.pop("version", world["report"].version)
    kwargs.update(extra)
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("citizen", 404),
        ("outsider_staff", 404),
        ("analyst", 200),
        ("staff", 200),
    ],
)
def test_drafts_are_for_analysts_and_the_agency(client, generated, who, status):
    if who != "anonymous":
        client.force_login(generated[who])
    assert client.get(url("reports:detail", generated)).status_code == status
    assert client.get(url("reports:status", generated)).status_code == status
    assert client.get(url("reports:table_csv", generated, table="stance")).status_code == status


def test_report_page_has_charts_tables_and_text_alternatives(client, generated):
    client.force_login(generated["analyst"])
    response = client.get(url("reports:detail", generated))
    html = response.content.decode()
    charts = response.context["charts"]
    assert {
        "stance",
        "sentiment",
        "per_day",
        "heatmap",
        "opinion_map",
        "campaign_stance",
        "moderation",
    } <= set(charts)
    for chart in charts.values():
        # the spec is embedded, the chart is described in words, and its table is on the page
        assert f'id="{chart.data_id}"' in html
        assert f'id="chart-{chart.slug}-alt"' in html and chart.alt in html
        assert f'id="table-{chart.table}"' in html
    assert "/assets/performance/plotly-" in html  # plotly.js served once for the whole site
    assert "#comment-" in html  # figures link to their comments
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids are unique"
    assert "社群" in html or "Social" in html or "listening" in html.lower()
    # the stance sentence states the same figures as the data
    stance = generated["report"].data["summary"]["stance"]
    assert str(sum(stance.values())) in charts["stance"].alt


def test_stored_report_opens_without_recomputing(client, generated, django_assert_max_num_queries):
    client.force_login(generated["analyst"])
    with django_assert_max_num_queries(25):
        assert client.get(url("reports:detail", generated)).status_code == 200


def test_generate_progress_and_new_version(client, generated, django_capture_on_commit_callbacks):
    client.force_login(generated["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reports:generate", generated))
    assert response.status_code == 302
    assert response["Location"].endswith("/v2/")
    first, second = Report.objects.order_by("version")
    assert (first.version, second.version) == (1, 2)
    assert second.status == "done" and second.created_by == generated["staff"]
    assert first.data == generated["report"].data  # the earlier version is untouched
    state = client.get(url("reports:status", generated, version=2)).json()
    assert state["status"] == "done" and state["progress"] == 100
    assert state["url"].endswith("/v2/")


def test_pending_report_shows_progress(client, generated):
    from reports.services import report_generate

    # Without running on-commit callbacks the job stays queued.
    report = report_generate(consultation=generated["consultation"], user=generated["analyst"])
    Report.objects.filter(pk=report.pk).update(status="running", progress=42, stage="sections")
    client.force_login(generated["analyst"])
    html = client.get(url("reports:detail", generated, version=report.version)).content.decode()
    assert 'value="42"' in html and "data-status-url" in html
    state = client.get(url("reports:status", generated, version=report.version)).json()
    assert state == state | {"status": "running", "progress": 42, "stage": "sections"}
    assert state["stage_label"]
    # asking again while one is pending returns the pending one
    again = report_generate(consultation=generated["consultation"], user=generated["staff"])
    assert again.pk == report.pk


def test_failed_generation_is_recorded(generated, django_capture_on_commit_callbacks, monkeypatch):
    from reports import builder
    from reports.services import report_generate

    def boom(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(builder, "report_data", boom)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_generate(consultation=generated["consultation"], user=generated["analyst"])
    report.refresh_from_db()
    assert report.status == "failed" and "broken" in report.error


def test_only_citizens_and_other_agencies_cannot_generate(client, generated):
    client.force_login(generated["citizen"])
    assert client.post(url("reports:generate", generated)).status_code == 404
    client.force_login(generated["outsider_staff"])
    assert client.post(url("reports:generate", generated)).status_code == 404
    assert Report.objects.count() == 1


def test_publish_makes_it_public_and_linked(client, generated, rf):
    report = generated["report"]
    client.force_login(generated["analyst"])  # analysts read drafts but do not publish
    assert client.post(url("reports:publish", generated)).status_code == 404
    client.force_login(generated["staff"])
    client.post(url("reports:publish", generated), {"published": "1"})
    report.refresh_from_db()
    assert report.published and report.published_by == generated["staff"]
    assert client.post(url("reports:publish", generated), {"published": "maybe"}).status_code == 404
    report.refresh_from_db()
    assert report.published  # a value that is neither 1 nor 0 changes nothing
    client.logout()
    assert client.get(url("reports:detail", generated)).status_code == 200
    assert client.get(url("reports:index", generated)).status_code == 200
    html = Template("{% load reports_tags %}{% published_report_link page %}").render(
        Context({"page": generated["consultation"], "request": rf.get("/")})
    )
    # The stable link, which serves whichever version is published now.
    latest = reverse("reports:latest", args=[generated["consultation"].pk])
    assert f'href="{latest}"' in html
    assert client.get(latest).url == url("reports:detail", generated)
    assert f'href="{url("reports:index", generated)}"' not in html  # no drafts link for all
    client.force_login(generated["staff"])
    client.post(url("reports:publish", generated), {"published": "0"})
    client.logout()
    assert client.get(url("reports:detail", generated)).status_code == 404


def test_consultation_page_link_for_staff_before_publication(generated, rf):
    request = rf.get("/")
    request.user = generated["staff"]
    template = Template("{% load reports_tags %}{% published_report_link page %}")
    html = template.render(Context({"page": generated["consultation"], "request": request}))
    assert f'href="{url("reports:index", generated)}"' in html
    latest = reverse("reports:latest", args=[generated["consultation"].pk])
    assert f'href="{latest}"' not in html  # nothing published yet
    request.user = generated["citizen"]
    assert not template.render(
        Context({"page": generated["consultation"], "request": request})
    ).strip()


def test_finished_report_is_immutable(generated):
    report = generated["report"]
    report.data = {"tampered": True}
    with pytest.raises(ValidationError):
        report.save()
    report.refresh_from_db()
    report.published = True
    report.save(update_fields=["published"])  # publication may change


def test_csv_has_bom_and_the_same_figures(client, generated):
    client.force_login(generated["analyst"])
    response = client.get(url("reports:table_csv", generated, table="stance"))
    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    counts = [int(r[1]) for r in rows[1:]]
    assert counts == list(generated["report"].data["summary"]["stance"].values())
    assert client.get(url("reports:table_csv", generated, table="nope")).status_code == 404


def test_csv_neutralises_formulas():
    from reports.exports import table_csv
    from reports.presentation import Table

    content = table_csv(Table("t", "t", ["a"], [["=HYPERLINK(1)"], [-3]])).decode("utf-8-sig")
    assert "'=HYPERLINK" in content and "\n-3" in content


def test_xlsx_has_every_table(client, generated):
    from openpyxl import load_workbook

    from reports.presentation import tables

    client.force_login(generated["analyst"])
    response = client.get(url("reports:xlsx", generated))
    book = load_workbook(io.BytesIO(response.content))
    expected = tables(generated["report"].data)
    assert len(book.sheetnames) == len(expected) + 1
    stance = book.worksheets[1 + list(expected).index("stance")]
    assert [c.value for c in stance["B"]][1:] == list(
        generated["report"].data["summary"]["stance"].values()
    )
    # The first sheet reads as the HTML report does: 民國 times, models by stage, no JSON.
    about = {row[0].value: row[1].value for row in book.worksheets[0].iter_rows()}
    assert re.match(r"\d{3}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} \(20\d\d-", about["產生時間"])
    assert re.search(r"\(20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00\)$", about["產生時間"])
    assert "{" not in about["模型"] and "sentiment" not in about["模型"]
    # One line per stage, named and described in Chinese (it was the English records).
    lines = about["模型"].split("\n")
    # Stages in their own order and models most used first, whatever order the database
    # keeps the stored record's keys in (PostgreSQL's jsonb sorts them).
    assert lines[0] == "語氣判讀模型：test-model-1（6 則意見）、test-model-2（6 則意見）"
    assert all(re.match(r"[\u4e00-\u9fff]+：", line) for line in lines), lines
    for english in ("per comment", "over segmented", "method:", "shingles", "by silhouette"):
        assert english not in about["模型"]
    assert "分成 2 至 5 群" in about["模型"] and "少於 7 票" in about["模型"]
    # Days as the page and the PDF write them (民國), not ISO.
    per_day = book.worksheets[1 + list(expected).index("per_day")]
    days = [c.value for c in per_day["A"]][1:]
    expected_days = [d["date"] for d in generated["report"].data["summary"]["per_day"]]
    assert days == [f"{int(d[:4]) - 1911}年{int(d[5:7])}月{int(d[8:])}日" for d in expected_days]


def test_response_table_exports(client, generated):
    from openpyxl import load_workbook

    client.force_login(generated["staff"])
    response = client.get(url("reports:response_xlsx", generated))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(generated["report"].data["response_table"])
    decision = header.index(header[-2])
    assert all(r[decision] in (None, "") and r[-1] in (None, "") for r in rows)
    assert sheet.data_validations.dataValidation  # a list of decisions to pick from
    doc = client.get(url("reports:response_doc", generated))
    assert doc["Content-Type"].startswith("application/msword")
    text = doc.content.decode("utf-8-sig")
    assert "urn:schemas-microsoft-com:office:word" in text and "<table>" in text
    assert generated["sections"][0].number in text


def test_self_contained_html(client, generated):
    client.force_login(generated["analyst"])
    response = client.get(url("reports:html", generated))
    html = response.content.decode()
    assert "attachment" in response["Content-Disposition"]
    assert "<script src=" not in html and '<link rel="stylesheet"' not in html
    assert "Plotly" in html and len(html) > 1_000_000  # plotly.js inline
    assert "http://testserver/" in html  # comment links work outside the site
    chart_data = [json.loads(s) for s in _json_scripts(html)]
    assert chart_data and all("data" in spec for spec in chart_data)


def _json_scripts(html):
    return re.findall(
        r'<script id="chart-data-[^"]+" type="application/json">(.*?)</script>', html, re.S
    )


def test_unknown_consultation_and_version(client, generated):
    client.force_login(generated["analyst"])
    assert client.get(url("reports:detail", generated, version=9)).status_code == 404
    missing = reverse("reports:detail", kwargs={"consultation_id": 999999, "version": 1})
    assert client.get(missing).status_code == 404
