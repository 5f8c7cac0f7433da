"""Taiwan Traditional Chinese segmentation: dictionary, rules, user words, command, evaluation."""

import gzip
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

from sentiment.nlp.segment import Segmenter, fold_for_segmentation, get_segmenter
from sentiment.nlp.segmentation_eval import evaluate_segmentation, read_gold, score

REPO = Path(__file__).resolve().parents[2]
NEW_WORD = "數位韌性基金"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter()


# -- the shipped dictionaries ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("衛福部推動長照2.0上路", "長照2.0"),
        ("衛福部推動長照2.0上路", "衛福部"),
        ("國發會今天說明預算", "國發會"),
        ("數位發展部與行政院合作", "數位發展部"),
        ("數位發展部與行政院合作", "行政院"),
        ("行政院通過前瞻基礎建設特別條例", "前瞻基礎建設"),
        ("請到公共政策網路參與平臺提點子", "公共政策網路參與平臺"),
        ("修正個資法與都更條例", "個資法"),
        ("修正個資法與都更條例", "都更"),
        ("鄉民推文說原PO發文太好扯", "鄉民"),
        ("鄉民推文說原PO發文太好扯", "推文"),
        ("鄉民推文說原PO發文太好扯", "原PO"),
        ("鄉民推文說原PO發文太好扯", "發文"),
        ("鄉民推文說原PO發文太好扯", "好扯"),
        ("這樣做母湯啦笑死", "母湯"),
        ("這樣做母湯啦笑死", "笑死"),
    ],
)
def test_civic_words_stay_whole(segmenter, text, word):
    assert word in segmenter.cut(text)


def test_traditional_text_is_segmented_sensibly(segmenter):
    assert segmenter.cut("我們今天在台北討論交通政策") == [
        "我們",
        "今天",
        "在",
        "台北",
        "討論",
        "交通",
        "政策",
    ]
    # Both spellings of Taiwan's 台/臺 are known words.
    assert segmenter.cut("台灣和臺灣") == ["台灣", "和", "臺灣"]


def test_empty_and_blank_text(segmenter):
    assert segmenter.cut("") == []
    assert segmenter.run([]) == []
    assert segmenter.run(["", "   ", "\n\t"]) == [[], [], []]


def test_ten_thousand_characters(segmenter):
    text = ("政府應該加強長期照顧服務的品質，並且公開預算資料。" * 400)[:10_000]
    assert len(text) == 10_000
    words = segmenter.cut(text)
    assert "".join(words) == text
    assert "長期照顧" in words
    assert all(word.strip() for word in words)


def test_pure_emoji_are_single_tokens(segmenter):
    text = "😂👍🏻🇹🇼❤️👨\u200d👩\u200d👧"
    assert segmenter.cut(text) == ["😂", "👍🏻", "🇹🇼", "❤️", "👨\u200d👩\u200d👧"]
    assert segmenter.cut("讚👍👍") == ["讚", "👍", "👍"]


def test_placeholders_are_kept_whole(segmenter):
    assert segmenter.cut("請看⟨URL⟩謝謝⟨@⟩") == ["請", "看", "⟨URL⟩", "謝謝", "⟨@⟩"]
    assert "⟨EMAIL⟩" in segmenter.cut("寄到⟨EMAIL⟩")


def test_mixed_traditional_english_and_numbers(segmenter):
    words = segmenter.cut("我用iPhone 15看COVID-19新聞，物價漲了3.5%，2024年3月15日花了1,500元")
    for expected in ["iPhone", "15", "COVID-19", "新聞", "3.5%", "2024年", "3月", "15日", "1,500"]:
        assert expected in words
    assert " " not in words


def test_numbers_follow_taiwan_conventions(segmenter):
    words = segmenter.cut("三萬六千個人在第三十五屆大會")
    assert "三萬六千" in words
    assert "第三十五" in words
    assert segmenter.cut("1.政府應說明")[0] == "1."
    assert "3.5" in segmenter.cut("成長3.5個百分點")


def test_punctuation_runs(segmenter):
    assert segmenter.cut("真的......好扯!!!") == ["真的", "......", "好扯", "!!!"]


def test_run_matches_cut(segmenter):
    texts = ["國發會說明", "", "😂"]
    assert segmenter.run(texts) == [segmenter.cut(text) for text in texts]


# -- loading, user words, isolation --------------------------------------------------------------


def test_constructor_loads_nothing(tmp_path):
    lazy = Segmenter(tmp_path / "missing.dict.gz")
    assert lazy._tokenizer is None  # nothing read yet, so a missing file does not fail here
    with pytest.raises(FileNotFoundError):
        lazy.cut("文字")


def test_get_segmenter_is_a_singleton():
    assert get_segmenter() is get_segmenter()


def test_custom_dictionary_and_damaged_cache(tmp_path):
    path = tmp_path / "tiny.dict.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("甲乙 100 n\n丙 50 n\n乙丙 1 n\n")
    tiny = Segmenter(path, civic_path=None)
    assert tiny.cut("甲乙丙") == ["甲乙", "丙"]
    cache_file = tiny.cache_file()
    assert cache_file.is_file()
    assert cache_file.parent.stat().st_mode & 0o077 == 0  # private to this user
    cache_file.write_bytes(b"garbage")  # damaged: the next segmenter rebuilds it
    assert Segmenter(path, civic_path=None).cut("甲乙丙") == ["甲乙", "丙"]
    assert cache_file.read_bytes() != b"garbage"


def test_user_words_added_and_removed():
    own = Segmenter()
    text = f"立法院審查{NEW_WORD}條例"
    assert NEW_WORD not in own.cut(text)
    own.set_user_words([(NEW_WORD, None, "n")])
    assert NEW_WORD in own.cut(text)
    own.set_user_words([("韌性", 10, None)])  # replaces the list: the old word is gone
    assert NEW_WORD not in own.cut(text)
    own.set_user_words([])
    assert NEW_WORD not in own.cut(text)


def test_user_words_set_before_first_use_and_isolated_from_global_jieba():
    import jieba

    own = Segmenter()
    own.set_user_words([(NEW_WORD, None, None)])
    assert own._tokenizer is None  # still lazy
    assert NEW_WORD in own.cut(f"{NEW_WORD}上路")
    # Our tokenizer is private: jieba's global one and the other segmenters never see it.
    assert NEW_WORD not in jieba.dt.FREQ
    assert NEW_WORD not in get_segmenter().cut(f"{NEW_WORD}上路")


def test_user_words_are_thread_safe():
    own = Segmenter()
    text = f"立法院審查{NEW_WORD}條例"
    own.cut(text)
    errors: list[BaseException] = []
    seen: set[bool] = set()

    def reader():
        try:
            for _ in range(200):
                seen.add(NEW_WORD in own.run([text])[0])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    def writer():
        for index in range(50):
            own.set_user_words([(NEW_WORD, None, None)] if index % 2 == 0 else [])

    threads = [threading.Thread(target=reader) for _ in range(3)]
    threads.append(threading.Thread(target=writer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert seen  # the readers ran
    own.set_user_words([])
    assert NEW_WORD not in own.cut(text)


def test_fold_keeps_length():
    raw = "長照２．０，这个软件"
    folded = fold_for_segmentation(raw)
    assert len(folded) == len(raw)
    assert folded.startswith("長照2.0,")
    assert "這個" in folded


# -- manage.py segment ---------------------------------------------------------------------------


def test_segment_command(monkeypatch):
    lines = "長照2.0上路，國發會說明\n\n   \n原ＰＯ說母湯😂\n這個软件很好用\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    out = io.StringIO()
    call_command("segment", stdout=out)
    assert out.getvalue().split("\n") == [
        "長照2.0 上路 ， 國發會 說明",
        "",
        "",
        "原ＰＯ 說 母湯 😂",  # the line's own characters, matched in folded form
        "這 個 软件 很 好用",
        "",
    ]


def test_segment_command_in_a_subprocess_with_a_c_locale():
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "MINYI_IGNORE_DOTENV": "1"}
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    result = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "segment"],
        input="衛福部推動長照2.0\n\n鄉民推文\n".encode(),
        capture_output=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8").split("\n") == ["衛福部 推動 長照2.0", "", "鄉民 推文", ""]
    assert b"Building prefix dict" not in result.stderr


# -- evaluation ----------------------------------------------------------------------------------

# Sentences written for this test (not from any corpus), words separated by U+3000.
GOLD_SAMPLE = (
    "我們\u3000今天\u3000在\u3000台北\u3000討論\u3000交通\u3000政策\u3000。\n"
    "國發會\u3000公布\u3000新\u3000的\u3000預算\u3000。\n"
    "\n"
    "政府\u3000應該\u3000加強\u3000服務\u3000品質\u3000。\n"
)


def test_score_arithmetic():
    gold = [["我們", "今天"]]
    predicted = [["我們", "今", "天"]]
    result = score(gold, predicted)
    assert result["precision"] == pytest.approx(1 / 3)
    assert result["recall"] == pytest.approx(1 / 2)
    assert result["f1"] == pytest.approx(0.4)
    assert result["boundary_precision"] == pytest.approx(1 / 2)  # cuts at 2 (right) and 3
    assert result["boundary_recall"] == pytest.approx(1.0)
    with pytest.raises(ValueError):
        score(gold, [["我們今"]])


def test_evaluate_segmentation_on_a_tiny_gold(tmp_path):
    gold_path = tmp_path / "gold.utf8"
    gold_path.write_text(GOLD_SAMPLE, encoding="utf-8")
    assert len(read_gold(gold_path)) == 3
    result = evaluate_segmentation(gold_path, repeats=1)
    for key in [
        "sentences",
        "precision",
        "recall",
        "f1",
        "chars_per_second",
        "baseline_f1",
        "baseline_chars_per_second",
    ]:
        assert key in result
    assert result["sentences"] == 3
    assert result["f1"] == 1.0
    assert 0.0 <= result["baseline_f1"] <= 1.0
    assert result["chars_per_second"] > 0
    assert result["baseline_chars_per_second"] > 0
