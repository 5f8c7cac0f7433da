"""What a new reader of a decision report met: ISO days beside 民國 charts, fractional ticks on
charts of counts, a "most contested" section that nobody contested, and a response table
left blank although the agency had published its response. Figures are recomputed here from
the database or the stored snapshot."""

import copy
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from participation.models import ConsultationResponse, SectionResponse
from reports.models import Report

pytestmark = pytest.mark.usefixtures("report_urls")


def _minguo(moment) -> str:
    day = timezone.localtime(moment).date() if hasattr(moment, "hour") else moment
    return f"{day.year - 1911}年{day.month}月{day.day}日"


def _page(client, world, version=1) -> str:
    client.force_login(world["analyst"])
    address = reverse(
        "reports:detail",
        kwargs={"consultation_id": world["consultation"].pk, "version": version},
    )
    response = client.get(address, HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert response.status_code == 200
    return response.content.decode()


def test_days_on_the_page_are_minguo_like_the_charts(client, generated):
    html = _page(client, generated)
    per_day = html.split('id="table-per-day"')[1].split("</table>")[0]
    days = [d["date"] for d in generated["report"].data["summary"]["per_day"]]
    assert days  # the fixture has comments on several days
    for iso in days:
        year, month, day = (int(part) for part in iso.split("-"))
        assert f'<time datetime="{iso}" title="{iso}">{year - 1911}年{month}月{day}日</time>' in (
            per_day
        )
        assert f">{iso}<" not in per_day
    # The social media window: two weeks either side of the comment period.
    consultation = generated["consultation"]
    start = _minguo(consultation.opens_at - timedelta(days=14))
    end = _minguo(consultation.closes_at + timedelta(days=14))
    assert f"{start}</time>" in html and f"{end}</time>" in html
    window = generated["report"].data["social"]["window"]
    assert window["from"][:10] not in html.split('id="social-title"')[1].split("</p>")[0]


# (chart, axis, the counts drawn on it)
def _count_axes(data):
    summary, campaign = data["summary"], data["campaigns"]
    days = summary["per_day"]
    outcomes: dict[str, int] = {}
    for per_kind in data["moderation"]["submissions"].values():
        for outcome, n in per_kind.items():
            outcomes[outcome] = outcomes.get(outcome, 0) + n
    posts = [d["volume"] for t in data["social"]["topics"] for d in t["days"]]
    return [
        ("per_day", "yaxis", [d[k] for d in days for k in ("comments", "statements")]),
        ("per_day", "yaxis2", [d["votes"] for d in days]),
        ("stance", "xaxis", list(summary["stance"].values())),
        ("sentiment", "xaxis", list(summary["sentiment"].values())),
        (
            "campaign_stance",
            "yaxis",
            [*campaign["stance_raw"].values(), *campaign["stance_collapsed"].values()],
        ),
        ("moderation", "yaxis", list(outcomes.values())),
        ("social_volume", "yaxis", posts),
    ]


def test_charts_of_counts_tick_on_whole_numbers(generated):
    from reports.presentation import charts

    data = generated["report"].data
    with translation.override("zh-hant"):
        drawn = charts(data)
    for slug, axis, counts in _count_axes(data):
        spec = drawn[slug].spec["layout"][axis]
        step = spec["dtick"]
        assert isinstance(step, int) and step >= 1, (slug, axis)
        assert spec["tick0"] == 0 and spec["tickformat"] == ",d", (slug, axis)
        assert max(counts) / step <= 5, (slug, axis)  # at most six ticks, zero included


def _controversy(stance):
    s, o = stance["support"], stance["oppose"]
    return 2 * min(s, o) / (s + o) if s + o else 0.0


def test_the_heat_map_names_the_most_contested_section_only_if_one_is(generated):
    from reports.presentation import charts

    data = copy.deepcopy(generated["report"].data)
    rows = data["sections"]
    hottest = max(rows, key=lambda r: (_controversy(r["stance"]), r["comments"]))
    assert _controversy(hottest["stance"]) > 0
    with translation.override("zh-hant"):
        caption = charts(data)["heatmap"].alt
    assert f"爭議最大的是 {hottest['number']}" in caption

    # Nobody opposes anything any more: nothing is contested.
    for row in rows:
        row["stance"]["suggest"] += row["stance"]["oppose"]
        row["stance"]["oppose"] = 0
        row["controversy"] = _controversy(row["stance"])
    with translation.override("zh-hant"):
        caption = charts(data)["heatmap"].alt
    assert "爭議最大" not in caption and "0.00" not in caption
    assert "沒有任何條文有爭議" in caption


def _respond(consultation, *, version, state, published_at, decisions):
    response = ConsultationResponse.objects.create(
        consultation=consultation,
        version=version,
        state=state,
        overall="感謝各界意見。",
        published_at=published_at,
    )
    for section, (decision, reason) in decisions.items():
        SectionResponse.objects.create(
            response=response, section=section, decision=decision, reason=reason
        )
    return response


def test_the_response_in_force_at_the_cut_off_fills_the_table(generated):
    from reports.selectors import agency_decisions

    consultation = generated["consultation"]
    first, second, _third = generated["sections"]
    now = timezone.now()
    _respond(
        consultation,
        version=1,
        state="superseded",
        published_at=now - timedelta(days=2),
        decisions={first: ("not_adopted", "維持原條文。"), second: ("adopted", "")},
    )
    _respond(
        consultation,
        version=2,
        state="published",
        published_at=now - timedelta(days=1),
        decisions={first: ("partly", "改為四年換照。"), second: ("adopted", "")},
    )
    before = agency_decisions(consultation=consultation, cutoff=now - timedelta(days=3))
    between = agency_decisions(consultation=consultation, cutoff=now - timedelta(hours=36))
    after = agency_decisions(consultation=consultation, cutoff=now)
    assert before == {}
    assert between[first.pk] == {"decision": "not_adopted", "reason": "維持原條文。"}
    assert after[first.pk] == {"decision": "partly", "reason": "改為四年換照。"}
    assert after[second.pk] == {"decision": "adopted", "reason": ""}


def test_a_report_after_the_response_shows_its_decisions(
    client, generated, django_capture_on_commit_callbacks
):
    from reports.presentation import response_table
    from reports.services import report_generate

    consultation = generated["consultation"]
    first, second, third = generated["sections"]
    # Before the response: the blank columns are explained, not left as an empty box.
    assert "資料截至時機關尚未發布回應" in _page(client, generated)

    _respond(
        consultation,
        version=1,
        state="published",
        published_at=timezone.now() - timedelta(minutes=5),
        decisions={first: ("partly", "改為四年換照。"), second: ("adopted", "")},
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_generate(consultation=consultation, user=generated["analyst"])
    report = Report.objects.get(consultation=consultation, version=2)
    rows = {row["section"]: row for row in report.data["response_table"]}
    expected = {
        r.section_id: (r.decision, r.reason)
        for r in SectionResponse.objects.filter(response__consultation=consultation)
    }
    for section in (first, second, third):
        row = rows[section.pk]
        assert (row["decision"], row["reason"]) == expected.get(section.pk, ("", ""))

    with translation.override("zh-hant"):
        table = response_table(report.data)
    by_number = {row[0]: row for row in table.rows}
    assert by_number[first.number][-2:] == ["部分採納", "改為四年換照。"]
    assert by_number[second.number][-2:] == ["採納", ""]
    assert by_number[third.number][-2:] == ["", ""]
    html = _page(client, generated, version=2)
    assert "處理情形與理由取自資料截至時已發布的機關回應" in html
    assert "部分採納" in html.split('id="table-response-table"')[1]
