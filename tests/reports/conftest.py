"""A consultation with every kind of input a report reads, built directly in the database so
the tests know each figure in advance."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from minyi.publishing import text_fingerprint

TAIPEI = ZoneInfo("Asia/Taipei")

SUPPORT_TEXTS = [
    "我支持開放自用車載客，增加民眾的交通選擇。平台評價機制能提升服務品質。",
    "贊成草案，共享經濟可以活化閒置車輛資源。司機也能多一份收入。",
    "支持網路叫車合法化，偏鄉交通不便，需要更多選擇。",
    "我贊成這個方向，但保險規定要清楚。乘客安全最重要。",
]
OPPOSE_TEXTS = [
    "反對自用車載客，計程車司機的生計會受到衝擊。不公平競爭必須停止。",
    "我反對草案，自用車沒有職業駕照，乘客安全沒有保障。",
    "外國平台不繳稅，政府應該依法取締，不應該就地合法。",
]
SUGGEST_TEXTS = [
    "建議比照計程車管理，要求司機登記並投保乘客險。",
    "建議設立過渡期，讓計程車業者有時間轉型。",
]
CAMPAIGN_TEXT = "我堅決反對自用車載客服務管理辦法草案，請交通部保障計程車司機的工作權！"


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=TAIPEI)


# Posts on the linked topics: 尖峰加價 (surge pricing) is everywhere on social media and absent
# from the comments.
SOCIAL_TEXTS = [
    ("Uber 尖峰加價太誇張，下雨天車資翻倍。", "negative"),
    ("尖峰加價是市場機制，司機願意出車就好。", "positive"),
    ("又遇到尖峰加價，計程車反而比較便宜。", "negative"),
    ("Uber 尖峰加價應該設上限，交通部要管。", "neutral"),
    ("計程車司機抗議 Uber 不公平競爭。", "negative"),
    ("Uber 司機的保險到底有沒有保障乘客？", "neutral"),
    ("用 Uber 很方便，司機服務好。", "positive"),
]


def _social_media(consultation):
    """Two linked topics sharing a post, one unlinked topic, posts in and out of the window."""
    from sentiment.models import Post, Source, TextAnalysis, Topic
    from sentiment.nlp.pipeline import get_pipeline

    ptt = Source.objects.create(name="PTT car", kind="ptt")
    news = Source.objects.create(name="中央社", kind="rss")
    uber = Topic.objects.create(name="Uber 討論", query="Uber")
    taxi = Topic.objects.create(name="計程車", query="計程車")
    unlinked = Topic.objects.create(name="其他", query="尖峰加價")
    uber.consultations.add(consultation)
    taxi.consultations.add(consultation)
    post_ct = ContentType.objects.get_for_model(Post)
    posts = []
    # (text index, source, day in March 2026 — 0 and negatives reach into February)
    plan = [(0, ptt, 2), (1, ptt, 2), (2, ptt, 3), (3, news, 5), (4, news, 5), (5, ptt, 9)]
    plan += [(6, ptt, 9), (0, ptt, -20), (3, news, 30), (6, news, 11)]
    for n, (index, source, day) in enumerate(plan):
        text, label = SOCIAL_TEXTS[index]
        when = datetime(2026, 3, 1, 12, tzinfo=TAIPEI) + timedelta(days=day - 1)
        post = Post.objects.create(
            source=source,
            external_id=f"p{n}",
            text=text,
            published_at=when,
            sentiment="" if n == 9 else label,  # the last one is not analysed yet
        )
        topics = [t for t, word in ((uber, "Uber"), (taxi, "計程車")) if word in text]
        post.topics.add(*(topics or [uber]), unlinked)
        if n != 9:
            tokens = get_pipeline().analyze([text], only={"tokens"})[0]["tokens"]
            TextAnalysis.objects.create(
                content_type=post_ct,
                object_id=post.pk,
                text_sha256=text_fingerprint(text),  # read from the text as stored
                sentiment=label,
                score_positive=0.5,
                score_neutral=0.3,
                score_negative=0.2,
                model_version="test-model-1",
                tokens=tokens,
                keywords=[],
                emotions={},
                analysed_at=when,
            )
        posts.append(post)
    return {"topics": [uber, taxi], "unlinked": unlinked, "posts": posts}


@pytest.fixture
def report_world(make_consultation, make_user, make_agency):
    """Returns a dict with the consultation, its users and what was created."""
    from minyi.agencies.roles import Role
    from minyi.agencies.services import agency_staff_add, user_role_add
    from moderation.models import Decision, Submission
    from participation.models import (
        Comment,
        ModerationState,
        Participant,
        Petition,
        PetitionModeration,
        Statement,
        Vote,
    )
    from sentiment.models import TextAnalysis

    consultation = make_consultation(slug="uberx", sections=3)
    sections = list(consultation.sections.all().order_by("sort_order", "pk"))
    citizens = [make_user() for _ in range(12)]
    analyst = make_user(display_name="分析師")
    user_role_add(user=analyst, role=Role.ANALYST)
    staff = make_user(display_name="交通部承辦")
    agency_staff_add(agency=consultation.agency, user=staff)
    other_agency = make_agency("MOF")
    outsider_staff = make_user(display_name="財政部承辦")
    agency_staff_add(agency=other_agency, user=outsider_staff)

    comment_ct = ContentType.objects.get_for_model(Comment)
    comments = []

    def comment(author, stance, body, section, day, state="published", parent=None):
        c = Comment.objects.create(
            consultation=consultation,
            section=section,
            parent=parent,
            author=author,
            stance="" if parent else stance,
            body=body,
            state=state,
            created_at=_at(day),
        )
        comments.append(c)
        return c

    n = 0
    for texts, stance in (
        (SUPPORT_TEXTS, "support"),
        (OPPOSE_TEXTS, "oppose"),
        (SUGGEST_TEXTS, "suggest"),
    ):
        for i, text in enumerate(texts):
            section = sections[i % 3] if i < 3 else None
            comment(citizens[n % 12], stance, text, section, 1 + n % 3)
            n += 1
    # A campaign: 5 copies of one text (re-punctuated), all on section 1, mostly opposing.
    for i in range(5):
        body = CAMPAIGN_TEXT if i % 2 == 0 else CAMPAIGN_TEXT.replace("！", "。").replace("，", " ")
        comment(citizens[(i + 3) % 12], "oppose" if i < 4 else "support", body, sections[0], 2)
    # Replies, held / rejected / withdrawn comments.
    first = comments[0]
    comment(citizens[5], "", "同意你的看法。", first.section, 3, parent=first)
    comment(citizens[6], "oppose", "你們這些⟨罵人的話⟩", sections[1], 3, state="held")
    comment(citizens[7], "oppose", "加我LINE賺錢 http://spam.example", None, 3, state="rejected")
    comment(citizens[8], "support", "撤回的意見", sections[2], 4, state="withdrawn")

    # Sentiment readings for all but two published top-level comments.
    from sentiment.nlp.pipeline import get_pipeline

    labels = ["positive", "negative", "neutral"]
    published = [c for c in comments if c.state == "published" and c.parent_id is None]
    for i, c in enumerate(published[:-2]):
        # Half carry the engine's tokens; for the other half the report segments the text.
        analysed = get_pipeline().analyze([c.body], only={"tokens", "keywords"})[0]
        tokens, keywords = (analysed["tokens"], analysed["keywords"]) if i % 2 else ([], [])
        label = labels[i % 3]
        TextAnalysis.objects.create(
            content_type=comment_ct,
            object_id=c.pk,
            text_sha256=text_fingerprint(c.body),  # read from the text as published
            sentiment=label,
            score_positive=0.8 if label == "positive" else 0.1,
            score_neutral=0.8 if label == "neutral" else 0.1,
            score_negative=0.8 if label == "negative" else 0.1,
            model_version="test-model-1" if i % 2 else "test-model-2",
            tokens=tokens,
            keywords=keywords,
            emotions={},
            analysed_at=_at(5),
        )

    # Moderation records.
    for c in comments:
        outcome = {"held": "hold", "rejected": "reject"}.get(c.state, "publish")
        reasons = []
        if c.state == "held":
            reasons = [{"check": "abuse", "rule": "abuse", "span": [0, 2]}]
        if c.state == "rejected":
            reasons = [
                {"check": "spam", "rule": "spam-links", "span": [0, 1]},
                {"check": "spam", "rule": "spam-domain", "span": [0, 1]},
            ]
        Submission.objects.create(
            content_type=comment_ct,
            object_id=c.pk,
            author=c.author,
            original_text=c.body,
            published_text=c.body,
            outcome=outcome,
            reasons=reasons,
        )
    Submission.objects.filter(object_id=comments[1].pk, content_type=comment_ct).update(
        outcome="publish_masked",
        reasons=[{"check": "personal-data", "rule": "personal-data", "span": [0, 3]}],
    )
    Decision.objects.create(
        content_type=comment_ct,
        object_id=comments[-3].pk,
        moderator=analyst,
        author=comments[-3].author,
        action="reject",
        rule="abuse",
        submitted_at=_at(3),
    )

    # Statements and votes: two planted camps over 40 imported voters and 3 Minyi users.
    statements = [
        Statement.objects.create(
            consultation=consultation,
            text=f"意見陳述 {i}",
            external_id=str(i),
            created_at=_at(1 + i % 3),
            moderation_state=ModerationState.ACCEPTED,
        )
        for i in range(10)
    ]
    rejected = Statement.objects.create(
        consultation=consultation,
        text="不當的陳述",
        external_id="99",
        created_at=_at(2),
        moderation_state=ModerationState.REJECTED,
    )
    participants = [
        Participant.objects.create(consultation=consultation, external_id=f"v{i}")
        for i in range(40)
    ] + [Participant.objects.create(consultation=consultation, user=citizens[i]) for i in range(3)]
    statements[0].author = participants[0]
    statements[0].save()
    votes = []
    for p_index, participant in enumerate(participants):
        camp = p_index % 2
        for s_index, statement in enumerate(statements):
            if (p_index + s_index) % 7 == 0:
                continue  # a missing vote
            # The first five statements split the camps; the rest are agreed (or passed).
            split = 1 if camp == 0 else -1
            value = split if s_index < 5 else (1 if (p_index + s_index) % 5 else 0)
            if p_index >= 38 and s_index >= 3:
                continue  # two voters with few votes: left out of the groups
            votes.append(
                Vote(
                    statement=statement,
                    participant=participant,
                    value=value,
                    updated_at=_at(1 + s_index % 4),
                )
            )
        votes.append(Vote(statement=rejected, participant=participant, value=1, updated_at=_at(2)))
    Vote.objects.bulk_create(votes)

    # Petitions to the agency: one in the period, one before, one rejected.
    for created, state in (
        (_at(2), PetitionModeration.APPROVED),
        (_at(1) - timedelta(days=30), PetitionModeration.APPROVED),
        (_at(2), PetitionModeration.REJECTED),
    ):
        Petition.objects.create(
            author=citizens[0],
            agency=consultation.agency,
            title="提案",
            body="內容",
            moderation_state=state,
            created_at=created,
        )
    # The consultation opened before the first comment.
    type(consultation).objects.filter(pk=consultation.pk).update(
        opens_at=_at(1, 0), closes_at=_at(20)
    )
    consultation.refresh_from_db()
    social = _social_media(consultation)
    return {
        "consultation": consultation,
        "sections": sections,
        "comments": comments,
        "statements": statements,
        "analyst": analyst,
        "staff": staff,
        "outsider_staff": outsider_staff,
        "citizen": citizens[0],
        "social": social,
    }


@pytest.fixture
def generated(report_world, django_capture_on_commit_callbacks):
    from reports.services import report_generate

    with django_capture_on_commit_callbacks(execute=True):
        report = report_generate(
            consultation=report_world["consultation"], user=report_world["analyst"]
        )
    report.refresh_from_db()
    report_world["report"] = report
    return report_world


@pytest.fixture
def report_urls(settings):
    settings.ROOT_URLCONF = "tests.reports.urls"
