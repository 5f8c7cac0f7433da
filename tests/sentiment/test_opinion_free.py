"""Opinion-free text (opinion_free.py): gazette subject lines, and the share read as neutral."""

import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from sentiment.nlp.sentiment import SentimentClassifier
from sentiment.training.opinion_free import extract_gazette, main, read_opinion_free

# Two issues in the Executive Yuan Gazette's XML layout (fields cut to those read, CDATA kept).
ISSUE = """<?xml version="1.0" encoding="UTF-8"?>
<Gazette>
<Record><Doc_Style_LName><![CDATA[公告及送達]]></Doc_Style_LName>
<ThemeSubject><![CDATA[预告修正「驻外机构聘雇人员办法」。]]></ThemeSubject>
<HTMLContent><![CDATA[<p>預告</p>]]></HTMLContent></Record>
<Record><ThemeSubject><![CDATA[廢止「水中總菌落數檢測方法」，
並自即日生效。]]></ThemeSubject></Record>
<Record><ThemeSubject/></Record>
</Gazette>
"""
LATER = """<?xml version="1.0" encoding="UTF-8"?>
<Gazette><Record>
<ThemeSubject><![CDATA[廢止「水中總菌落數檢測方法」， 並自即日生效。]]></ThemeSubject></Record>
<Record><ThemeSubject><![CDATA[公告核准會計師執業。]]></ThemeSubject></Record></Gazette>
"""


@pytest.fixture
def issues(tmp_path):
    (tmp_path / "a.xml").write_text(ISSUE, encoding="utf-8")
    (tmp_path / "b.xml").write_text(LATER, encoding="utf-8")
    return [tmp_path / "a.xml", tmp_path / "b.xml"]


def test_subject_lines_are_normalised_to_traditional_and_kept_once(issues):
    assert extract_gazette(issues) == [
        "預告修正「駐外機構聘僱人員辦法」。",
        "廢止「水中總菌落數檢測方法」, 並自即日生效。",
        "公告核准會計師執業。",
    ]


def test_the_extractor_writes_one_text_a_line_and_refuses_broken_xml(issues, tmp_path, capsys):
    out = tmp_path / "opinion-free.txt"
    assert main(["gazette", str(out), *map(str, issues)]) == 0
    assert read_opinion_free(out) == extract_gazette(issues)
    assert "3 subject lines from 2 issues" in capsys.readouterr().out
    broken = tmp_path / "broken.xml"
    broken.write_text("<Gazette><Record>", encoding="utf-8")
    assert main(["gazette", str(tmp_path / "x.txt"), str(broken)]) == 2  # nothing readable
    assert not (tmp_path / "x.txt").exists()
    assert main(["gazette", str(out), str(broken), *map(str, issues)]) == 0
    assert read_opinion_free(out) == extract_gazette(issues)  # one bad issue costs only itself
    assert "skipped" in capsys.readouterr().err


def test_leave_out_drops_notices_served_on_named_people(issues, tmp_path):
    served = tmp_path / "served.xml"
    served.write_text(
        "<Gazette><Record><ThemeSubject>公示送達王小明違反道路交通管理事件裁決書</ThemeSubject>"
        "</Record></Gazette>",
        encoding="utf-8",
    )
    out = tmp_path / "train.txt"
    assert (
        main(["gazette", str(out), str(served), *map(str, issues), "--leave-out", "公示送達"]) == 0
    )
    assert read_opinion_free(out) == extract_gazette(issues)
    assert extract_gazette([served], leave_out=["公示送達"]) == []


def test_law_articles_are_read_one_an_article_with_their_lines_joined(tmp_path):
    law = {
        "法規名稱": "測試法",
        "法規內容": [
            {"編章節": "第 一 章 總則"},
            {"條號": "第 1 條", "條文內容": "為保障人民權益，\r\n特制定本法。"},
            {"條號": "第 2 條", "條文內容": "本法所稱主管機關：\r\n一、在中央為内政部。"},
            {"條號": "第 3 條", "條文內容": "（刪除）"},
        ],
    }
    f = tmp_path / "A0000001.json"
    f.write_text("\ufeff" + json.dumps(law, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    out = tmp_path / "laws.txt"
    assert main(["laws", str(out), str(f), str(tmp_path / "bad.json")]) == 0
    assert read_opinion_free(out) == [
        "為保障人民權益,特制定本法。",
        "本法所稱主管機關:一、在中央為內政部。",
        "(刪除)",
    ]


def evaluate_opinion_free(neutral_file, *more) -> io.StringIO:
    """evaluate_nlp with the opinion-free section alone (no review data in this folder)."""
    out = io.StringIO()
    data_dir = neutral_file.parent / "no-data"
    skips = ("--skip", "segmentation", "--skip", "speed", "--data-dir", str(data_dir))
    call_command("evaluate_nlp", *skips, "--neutral-file", str(neutral_file), *more, stdout=out)
    return out


def test_evaluate_nlp_prints_the_share_of_each_label_as_the_model_gives_it(tmp_path):
    texts = ["修正「檔案法施行細則」部分條文", "公告本年度預算執行情形", "服務太差了，非常失望"]
    neutral_file = tmp_path / "opinion-free.txt"
    neutral_file.write_text("\n".join(texts) + "\n\n", encoding="utf-8")
    figures_file = tmp_path / "figures.json"
    out = evaluate_opinion_free(neutral_file, "--json", str(figures_file))
    expected = Counter(r["label"] for r in SentimentClassifier().run(texts))  # recomputed here
    [reading] = json.loads(figures_file.read_text(encoding="utf-8"))["opinion_free"]
    assert reading["texts"] == 3 and reading["file"] == "opinion-free.txt"
    for label in ("neutral", "negative", "positive"):
        assert reading[f"{label}_count"] == expected[label]
        assert reading[f"{label}_share"] == round(expected[label] / 3, 4)
    assert "opinion-free.txt: 3 texts" in out.getvalue()
    assert expected["negative"] >= 1  # the complaint is no announcement


def test_an_empty_opinion_free_file_is_refused_in_traditional_chinese(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(CommandError, match="沒有文字"):
        evaluate_opinion_free(empty)


def test_several_opinion_free_sets_are_read_each_on_its_own(tmp_path):
    notices, laws = tmp_path / "notices.txt", tmp_path / "laws.txt"
    notices.write_text("公告核准會計師執業\n", encoding="utf-8")
    laws.write_text(
        "中華民國之主權屬於國民全體。\n具有中華民國國籍者為中華民國國民。\n", encoding="utf-8"
    )
    figures_file = tmp_path / "figures.json"
    evaluate_opinion_free(notices, "--neutral-file", str(laws), "--json", str(figures_file))
    readings = json.loads(figures_file.read_text(encoding="utf-8"))["opinion_free"]
    assert [(r["file"], r["texts"]) for r in readings] == [("notices.txt", 1), ("laws.txt", 2)]
