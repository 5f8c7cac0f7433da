"""Report tables on the page: figures with thousands separators, days kept on one line, ids
left as links; the CSV and spreadsheet exports keep the plain values (``Table.rows``)."""

from django.template.loader import render_to_string

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


def test_the_page_right_aligns_figure_headers_and_keeps_days_whole():
    html = render_to_string(
        "reports/includes/table.html",
        {"table": _table(), "standalone": True, "comment_url": "/c/"},
    )
    assert '<th scope="col">日期</th>' in html
    assert '<th scope="col" class="num">投票</th>' in html
    assert '<th scope="row" class="day">2015-06-30</th>' in html
    assert '<td class="num">49,443</td>' in html
    assert '<a href="/c/#comment-1234">#1234</a>' in html
