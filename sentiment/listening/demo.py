"""Demo social listening for `seed_demo`: one topic on the UberX debate, linked to the demo
consultation, fed through the real upload path (file → connector → posts → topic match →
analysis jobs).

The posts are written for the demo (no real accounts, no scraped text) and dated over the last
ten days, so the dashboard and the consultation's report have something to show.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from sentiment.models import Source, SourceKind, Topic

from .services import upload_ingest

DEMO_TOPIC = "UberX 與計程車"
DEMO_QUERY = "(Uber OR 優步 OR 自用車 OR 多元計程車) NOT 股價"
DEMO_SOURCE = "示範匯入（PTT / Dcard 節錄）"

# (text, hours before now, author, likes); authors are fictional handles, hashed on ingest.
DEMO_POSTS = [
    ("Uber 尖峰加價太誇張，下雨天車資直接翻倍。", 230, "rainyday", 12),
    ("自用車載客沒有職業駕照，出事誰負責？", 226, "taxi_uncle", 31),
    ("用 Uber 很方便，司機服務態度比小黃好很多。", 220, "commuter88", 45),
    ("計程車司機抗議 Uber 不公平競爭，交通部應該出面。", 214, "news_watch", 20),
    ("優步司機的保險到底有沒有保障乘客？", 200, "careful_mom", 8),
    ("多元計程車方案如果上路，Uber 司機要不要考職業駕照？", 190, "policy_nerd", 15),
    ("Uber 尖峰加價是市場機制，司機願意在雨天出車就好。", 180, "econ101", 9),
    ("外國平台不在台灣繳稅，自用車載客等於逃漏稅。", 170, "taxpayer", 27),
    ("偏鄉叫不到車，自用車共乘其實可以補上交通缺口。", 160, "hualien_kid", 18),
    ("又遇到 Uber 尖峰加價，這時候搭計程車反而比較便宜。", 150, "night_owl", 6),
    ("Uber 的評價機制讓司機更有禮貌，乘客也比較安心。", 140, "student_tw", 11),
    ("自用車載客的車輛沒有定期檢驗，安全堪慮。", 130, "engineer_lin", 14),
    ("尖峰加價應該設上限，交通部要把關，不能讓 Uber 自己定。", 120, "consumer_first", 22),
    ("計程車業者也該轉型，多元計程車是不錯的折衷。", 110, "middle_way", 13),
    ("Uber 司機收入不穩定，平台抽成太高。", 100, "driver_wang", 19),
    ("希望政府不要一刀切，自用車載客可以先試辦再說。", 90, "trial_first", 7),
    ("優步被罰款還繼續營業，政府公權力在哪裡？", 80, "law_and_order", 25),
    ("搭 Uber 的時候資料都在 App 裡，行程可以追蹤，比較安全。", 70, "safe_rider", 10),
    ("Uber 尖峰加價讓身障朋友在雨天更難叫到車。", 60, "access_now", 16),
    ("計程車也該有評價機制，不然服務品質沒辦法改善。", 50, "rating_fan", 9),
    ("自用車載客應該登記並投保乘客險，這是最基本的。", 40, "insurance_pro", 21),
    ("多元計程車費率可以浮動，但尖峰加價要透明公開。", 30, "transparency", 12),
    ("Uber 股價又跌了，投資人要注意。", 20, "stock_bot", 2),
    ("機場接送用 Uber 比排班計程車快，價格也清楚。", 12, "frequent_flyer", 8),
    ("司機工作權也要保障，不能讓平台把風險都丟給司機。", 6, "labour_rights", 17),
]


def listening_demo_seed(*, consultations: list, now: datetime) -> dict:
    """Create the demo topic and source once and ingest the demo posts (idempotent: a second
    run finds every post already stored)."""
    source, _ = Source.objects.get_or_create(
        name=DEMO_SOURCE,
        defaults={
            "kind": SourceKind.UPLOAD,
            "config": {
                "format": "csv",
                "mapping": {f: f for f in ("id", "text", "published_at", "author", "likes")},
            },
            "interval_minutes": 1440,
        },
    )
    topic, created = Topic.objects.get_or_create(name=DEMO_TOPIC, defaults={"query": DEMO_QUERY})
    if created:
        topic.sources.add(source)
        topic.consultations.add(*consultations)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", encoding="utf-8", newline="", delete=False
    ) as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "published_at", "author", "likes"])
        for n, (text, hours, author, likes) in enumerate(DEMO_POSTS, start=1):
            # The id is fixed, so re-seeding on another day adds nothing.
            when = now - timedelta(hours=hours)
            writer.writerow([f"demo-{n}", text, when.isoformat(), author, likes])
    result = upload_ingest(source=source, path=Path(handle.name))
    return {"topic": topic, "source": source, "result": result}
