"""Near-duplicate and campaign detection with MinHash-LSH over character shingles."""

import random

import numpy as np
import pytest

from sentiment.nlp.duplicates import _Signer, canonical, find_near_duplicates, shingle_hashes

LETTER = (
    "敬啟者：我是住在{city}的{name}，長期關心家鄉的交通安全。近年來行人事故頻傳，許多長者與孩童在"
    "上學和就醫的路上都面臨危險，台灣甚至被外國媒體稱為行人地獄。我懇請交通部儘速修法，全面檢討"
    "路口設計，增設行人專用時相與庇護島，拓寬並淨空人行道，讓輪椅與嬰兒車也能順利通行；同時加重"
    "未禮讓行人的罰則，將路權觀念納入駕訓與考照，並公開各縣市路口事故的統計資料，讓民眾可以監督"
    "改善的進度。每一位國人都應該能安心走在路上，這是一個現代國家最基本的責任。感謝您撥冗閱讀，"
    "期待政府給我們一個安全、友善的步行環境。{name} 敬上"
)
NAMES = ["王小明", "陳美玲", "林志豪", "張雅婷", "李建宏", "黃淑芬", "吳俊傑", "劉怡君", "蔡宗翰"]
CITIES = ["臺北市", "新北市", "桃園市", "臺中市", "臺南市", "高雄市", "基隆市", "新竹縣", "嘉義市"]
_VOCABULARY = (
    "政府 應該 加強 推動 捷運 公車 路網 偏鄉 醫療 資源 長照 人力 不足 "
    "稅制 改革 房價 太高 年輕人 買不起 空氣 污染 嚴重 核電 再生 能源 "
    "教育 課綱 雙語 政策 文化 觀光 夜市 農業 補助 漁民 颱風 防災 水庫 "
    "缺水 電價 調漲 勞工 工時 基本 工資 托育 生育 津貼 疫苗 健保 保費 "
    "網路 詐騙 個資 外送 平台 機車 停車 人行道 公園 垃圾 回收 動物 保護 "
)
WORDS = _VOCABULARY.split()


def campaign(n: int, rng: random.Random) -> list[str]:
    return [LETTER.format(name=rng.choice(NAMES), city=rng.choice(CITIES)) for _ in range(n)]


def distinct_texts(n: int, rng: random.Random) -> list[str]:
    return ["".join(rng.choice(WORDS) for _ in range(30)) + "。" for _ in range(n)]


def test_mail_merge_campaign_is_one_group():
    rng = random.Random(7)
    letters = campaign(50, rng)
    assert len(set(letters)) > 20  # the swaps really make different texts
    others = distinct_texts(50, rng)
    texts = []
    for letter, other in zip(letters, others, strict=True):
        texts.extend([other, letter])
    ids = [f"c{i}" for i in range(len(texts))]
    result = find_near_duplicates(texts, ids)
    assert result["texts"] == 100
    assert len(result["groups"]) == 1
    group = result["groups"][0]
    assert group["size"] == 50
    assert group["ids"] == ids[1::2]
    assert group["representative"] == texts[1]
    assert 0.8 <= group["similarity"] <= 1.0
    assert result["unique_share"] == pytest.approx(0.51, abs=1e-4)
    assert result["campaign_share"] == pytest.approx(0.5, abs=1e-4)


def test_deterministic():
    rng = random.Random(3)
    texts = campaign(20, rng) + distinct_texts(20, rng)
    assert find_near_duplicates(texts) == find_near_duplicates(list(texts))


def test_punctuation_and_spacing_do_not_matter():
    texts = [
        "我支持這個法案，請立法院盡快通過！",
        "我 支持 這個 法案 請立法院 盡快通過!!",
        "我反對",
    ]
    result = find_near_duplicates(texts)
    assert [g["ids"] for g in result["groups"]] == [[0, 1]]
    assert result["groups"][0]["similarity"] == 1.0


def test_short_texts_match_exactly_only():
    texts = ["好", "好！", "讚", "我支持", "我反對", "好"]
    result = find_near_duplicates(texts, shingle_size=5)
    assert [g["ids"] for g in result["groups"]] == [[0, 1, 5]]
    assert result["unique_share"] == pytest.approx(4 / 6, abs=1e-4)


def test_empty_input_and_empty_texts():
    assert find_near_duplicates([]) == {
        "groups": [],
        "unique_share": 1.0,
        "texts": 0,
        "campaign_share": 0.0,
    }
    result = find_near_duplicates(["", "  ", "，。"])
    assert result["groups"] == []
    assert result["unique_share"] == 1.0
    with pytest.raises(ValueError):
        find_near_duplicates(["a", "b"], ids=[1])


def test_pure_emoji():
    result = find_near_duplicates(["😀😀😀😀😀😀", "😀😀😀😀😀😀", "😡😡😡😡😡😡"])
    assert [g["ids"] for g in result["groups"]] == [[0, 1]]


def test_ten_thousand_characters():
    rng = random.Random(11)
    long_text = "".join(rng.choice(WORDS) for _ in range(5000))[:10_000]
    edited = long_text[:5000] + "我加了一句話" + long_text[5000:]
    unrelated = "".join(rng.choice(WORDS) for _ in range(5000))[:10_000]
    result = find_near_duplicates([long_text, unrelated, edited])
    assert [g["ids"] for g in result["groups"]] == [[0, 2]]


def test_mixed_scripts_and_english():
    base = "Please keep net neutrality. 我們支持網路中立，反對業者對流量差別待遇，谢谢大家"
    texts = [
        base,
        base.replace("Please", "PLEASE").replace("，", ", "),
        "完全不同的一段意見內容在這裡",
    ]
    result = find_near_duplicates(texts)
    assert [g["ids"] for g in result["groups"]] == [[0, 1]]


def test_canonical_form():
    assert canonical("⟨URL⟩ 我 支持！ABC") == "我支持abc"


def test_signatures_match_datasketch():
    from datasketch import MinHash

    text = canonical("我們要求政府落實行人優先的交通政策")
    hashes, offsets = shingle_hashes([text], 5)
    signer = _Signer(32, 1)
    ours = signer.sign(hashes, offsets)[0]
    kwargs = {} if signer.scheme == "legacy" else {"scheme": signer.scheme}
    reference = MinHash(num_perm=32, seed=1, hashfunc=int, **kwargs)
    reference.update_batch([int(h) for h in hashes])
    assert np.array_equal(ours.astype(np.uint64), reference.hashvalues.astype(np.uint64))


def test_a_few_thousand_texts_run_quickly():
    rng = random.Random(5)
    texts = distinct_texts(3000, rng) + campaign(200, rng)
    result = find_near_duplicates(texts)
    assert result["groups"][0]["size"] == 200
    assert result["unique_share"] == pytest.approx((3200 - 199) / 3200, abs=1e-4)
