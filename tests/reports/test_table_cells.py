"""Report tables on the page: figures with thousands separators, days kept on one line, ids
left as links; the CSV and spreadsheet exports keep the plain values (``Table.rows``)."""

from django.template.loader import render_to_string
from django.utils import translation

from reports.presentation import Table


def _table():
    return Table(
        "per-day",
        "每日參與情形",
        ["日期", "意見", "投票", "比值", "留言"],
        [["2015-06-30", 0, 49443, 1.25, 1234], ["2015-07-01", 12, 1921, 12345.5, ""]],
        links={4: "comment"},
        numeric={1, 2, 3, 4},
    )


def test_figures_are_separated_days_flagged_and_linked_ids_left_alone():
    rows = _table().cells("/c/")
    assert [c["value"] for c in rows[0]] == ["2015-06-30", "0", "49,443", "1.25", 1234]
    assert [c["value"] for c in rows[1][1:4]] == ["12", "1,921", "12,345.5"]
    assert rows[0][0]["day"] and not rows[0][2]["day"]
    assert rows[0][4]["link"] == "/c/#comment-1234"
    assert _table().rows[0][2] == 49443  # what the exports write


def _page(table, language="zh-hant"):
    with translation.override(language):
        return render_to_string(
            "reports/includes/table.html",
            {"table": table, "standalone": True, "comment_url": "/c/"},
        )


def test_the_page_right_aligns_figure_headers_and_keeps_days_whole():
    html = _page(_table())
    assert '<th scope="col">日期</th>' in html
    assert '<th scope="col" class="num">投票</th>' in html
    assert '<th scope="row" class="day"><time datetime="2015-06-30"' in html
    assert '<td class="num">49,443</td>' in html
    assert '<a href="/c/#comment-1234">#1234</a>' in html


def test_days_are_written_as_the_site_writes_dates_and_the_exports_keep_iso():
    """The table below the chart said 2026-12-06 while the chart said 115/12/6."""
    minguo = f"{2015 - 1911}年6月30日"
    html = _page(_table())
    assert f'<time datetime="2015-06-30" title="2015-06-30">{minguo}</time>' in html
    assert ">2015-06-30<" not in html
    assert "1 Jul 2015</time>" in _page(_table(), "en")
    assert _table().rows[0][0] == "2015-06-30"  # what the CSV and XLSX write


def test_ratios_are_rounded_to_what_a_reader_compares():
    """「差距 1.395878」: the divisive statements' spread, centrality, controversy…"""
    table = Table(
        "divisive", "分歧", ["陳述", "差距"], [[1, 1.395878], [2, 0.0], [3, 0.5]], numeric={1}
    )
    shown = [row[1]["value"] for row in table.cells()]
    assert shown == ["1.4", "0", "0.5"]
    assert "1.395878" not in _page(table)
    assert table.rows[0][1] == 1.395878  # the exports keep the plain number


def test_a_long_text_cell_is_wide_enough_to_read_on_a_phone():
    """Statements squeezed to four characters a line at 390 px: a long text cell gets a
    reading width (the table scrolls sideways), a short one does not."""
    statement = "我覺得UberX目前未依法營業，讓我覺得搭乘時有風險。"
    table = Table(
        "groups",
        "意見群體",
        ["群體", "參與人數", "內容"],
        [["群體 A", 808, statement]],
        numeric={1},
    )
    html = _page(table)
    assert f'<td class="long-text">{statement}</td>' in html
    assert '<td class="num">808</td>' in html
