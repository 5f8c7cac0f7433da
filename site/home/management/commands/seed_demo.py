"""Create demonstration data: agencies, one user per role and the page tree.

Safe to run again: it only creates what is missing, and prints each new
user's password once (existing users keep theirs).
"""

import secrets
import unicodedata
from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

import participation
from minyi.accounts.models import MobileNumber, User
from minyi.accounts.services import mobile_number_verified_set, user_create
from minyi.agencies.models import Agency
from minyi.agencies.roles import Role
from minyi.agencies.services import (
    agency_create,
    agency_staff_add,
    agency_sync_access,
    user_role_add,
)
from minyi.home.models import HomePage
from moderation.services import house_rules_page_ensure
from participation.models import (
    Comment,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationSection,
    Petition,
    PetitionIndexPage,
    Statement,
)
from participation.polis import polis_import
from participation.services import (
    comment_create,
    consultation_response_approve,
    consultation_response_draft_save,
    consultation_response_submit,
    petition_create,
    petition_endorse,
    petition_moderation_approve,
)
from sentiment.tasks import text_analysis

VTAIWAN_EXPORT = (
    Path(participation.__file__).resolve().parent / "fixtures" / "polis" / "vtaiwan-uberx"
)

# A second, small open consultation: few enough statements to vote through one card at a time
# (tests/journeys/test_voting.py does, to the 「已全部表態」 card).
SMALL_CONSULTATION = {
    "slug": "bus-shelters",
    "title": "市區公車候車亭改善：您贊成哪些做法？",
    "summary": "候車亭與站牌的改善方向徵詢，請對六則意見陳述表態，也可以新增您的看法。",
    "section": ("第一點", "市區公車候車亭應逐年改善遮蔽、座椅、照明與到站資訊。"),
    "statements": [
        "候車亭應設置遮雨棚與座椅。",
        "每個站牌都應有即時到站資訊。",
        "站牌應有語音播報，方便視障者使用。",
        "候車亭廣告收入應用於維護經費。",
        "偏鄉站牌應優先改善照明。",
        "候車亭設計應開放民眾參與票選。",
    ],
}

# A past consultation the agency has answered: the archive, the response table (對照表) and its
# history have something to show. Its commenters are demo participants without a password.
ANSWERED_CONSULTATION = {
    "slug": "taxi-drivers",
    "title": "計程車駕駛人執業登記管理辦法修正草案",
    "summary": "簡化計程車駕駛人執業登記與換證程序的修正草案，已截止並發布機關回應（示範資料）。",
    "sections": [
        ("第一條", "計程車駕駛人執業登記證得以網路申請換發。", "減少臨櫃往返。"),
        ("第二條", "執業登記證有效期間由三年延長為六年。", "減輕換證負擔。"),
    ],
    "comments": [
        ("participant1@minyi.localhost", "市民甲", "第一條", "support", "網路申請很方便，支持。"),
        (
            "participant2@minyi.localhost",
            "市民乙",
            "第二條",
            "oppose",
            "六年太長，駕駛人健康狀況應更常檢查。",
        ),
    ],
    "overall": "感謝各界提供意見。本部採納網路換發之建議，並維持較短之有效期間以兼顧行車安全。",
    "answers": {
        "第一條": ("adopted", ""),
        "第二條": ("partly", "有效期間改為四年，並於換證時檢附體檢證明。"),
    },
}

# A consultation that closed and now waits for MOTC's response: staff can write, preview and
# submit one in the demo without waiting for a comment period to end.
AWAITING_CONSULTATION = {
    "slug": "scooter-parking",
    "title": "機車停車位收費及管理要點草案",
    "summary": (
        "路邊機車停車位全面收費與身心障礙者專用停車位的管理草案，已截止，待機關回應（示範資料）。"
    ),
    "sections": [
        ("第一點", "直轄市及縣市政府得就路邊機車停車位全面收費。", "以收費調節停車需求。"),
        ("第二點", "身心障礙者專用機車停車位應占總數百分之二以上。", "保障行動不便者。"),
    ],
    "comments": [
        (
            "participant1@minyi.localhost",
            "市民甲",
            "第一點",
            "oppose",
            "機車族多是通勤族，全面收費負擔太重。",
        ),
        (
            "participant2@minyi.localhost",
            "市民乙",
            "第一點",
            "support",
            "收費才能讓車位流動，支持。",
        ),
        (
            "participant2@minyi.localhost",
            "市民乙",
            "第二點",
            "suggest",
            "專用車位應標示清楚並加強取締占用。",
        ),
    ],
}

# (title, text, threshold): the second has reached its threshold, so that MOTC staff have a
# petition to answer in the demo; its threshold is the demo's two endorsers (the site's setting
# stays 5,000). None keeps the site's.
DEMO_PETITIONS = [
    (
        "公車動態資訊全面提供無障礙語音播報",
        "許多長者與視障朋友無法閱讀站牌上的動態資訊。建議各縣市公車站牌與 App "
        "全面提供語音播報與大字模式，並開放資料格式供民間加值應用。",
        None,
    ),
    (
        "臺鐵車站無障礙電梯增設時程應公開",
        "仍有不少臺鐵車站沒有無障礙電梯，輪椅族與推嬰兒車的家長只能繞道或求助站務員。"
        "建議交通部公開各站增設電梯的預定時程與進度，並每季更新。",
        2,
    ),
]

# (code, Chinese name, English name, parent code, website)
DEMO_AGENCIES = [
    ("EY", "行政院", "Executive Yuan", None, "https://www.ey.gov.tw/"),
    ("NDC", "國家發展委員會", "National Development Council", "EY", "https://www.ndc.gov.tw/"),
    ("MODA", "數位發展部", "Ministry of Digital Affairs", "EY", "https://moda.gov.tw/"),
    (
        "MOTC",
        "交通部",
        "Ministry of Transportation and Communications",
        "EY",
        "https://www.motc.gov.tw/",
    ),
    ("THB", "交通部公路局", "Highway Bureau, MOTC", "MOTC", "https://www.thb.gov.tw/"),
    ("MOHW", "衛生福利部", "Ministry of Health and Welfare", "EY", "https://www.mohw.gov.tw/"),
    ("MOENV", "環境部", "Ministry of Environment", "EY", "https://www.moenv.gov.tw/"),
]

# (e-mail, display name, role, agency code for staff)
DEMO_USERS = [
    ("citizen@minyi.localhost", "熱心市民小林", Role.CITIZEN, None),
    ("staff.moda@minyi.localhost", "數位部承辦人", Role.AGENCY_STAFF, "MODA"),
    ("staff.motc@minyi.localhost", "交通部承辦人", Role.AGENCY_STAFF, "MOTC"),
    # A second MOTC staff member and a second moderator, so that the rules "a colleague of the
    # same agency approves" and "another moderator decides the appeal" can be tried in the demo.
    ("reviewer.motc@minyi.localhost", "交通部覆核人員", Role.AGENCY_STAFF, "MOTC"),
    # The e-government plans on the dashboard are the National Development Council's for the
    # most part: its staff keep their figures and answer citizens' questions about them.
    ("staff.ndc@minyi.localhost", "國發會承辦人", Role.AGENCY_STAFF, "NDC"),
    ("moderator@minyi.localhost", "審核員阿明", Role.MODERATOR, None),
    ("moderator2@minyi.localhost", "審核員小華", Role.MODERATOR, None),
    ("analyst@minyi.localhost", "政策分析師", Role.ANALYST, None),
    ("admin@minyi.localhost", "平台管理者", Role.ADMINISTRATOR, None),
]

# Demo accounts that propose or endorse petitions (L2 by default, MINYI_ASSURANCE_POLICY) have a
# verified mobile number from a range no real subscriber has.
DEMO_MOBILE_NUMBERS = {
    "citizen@minyi.localhost": "0900-000-001",
    "analyst@minyi.localhost": "0900-000-002",
    "staff.moda@minyi.localhost": "0900-000-003",
}


def _demo_site_address_set(address: str) -> None:
    """Point the default site at the demo's address, unless someone has set it already."""
    from wagtail.models import Site

    hostname, _colon, port = address.rpartition(":")
    Site.objects.filter(is_default_site=True, hostname="localhost", port=80).update(
        hostname=hostname or address, port=int(port) if port.isdigit() else 80
    )


class Command(BaseCommand):
    help = (
        "Create demonstration agencies, users (every role; two MOTC staff, NDC staff keeping the"
        " dashboard's plans, two moderators)"
        " and pages. Safe to run twice."
    )

    @transaction.atomic
    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--site-address",
            metavar="HOST:PORT",
            help="where the demo is served (./dev run passes it): the Wagtail site record, "
            "which links in Wagtail's e-mails use, is set to it while it is still the "
            "migration's localhost:80",
        )

    def handle(self, *args, **options) -> None:
        home = HomePage.objects.first()
        if home is None:
            self.stderr.write("No home page: run `manage.py migrate` first.")
            raise SystemExit(1)
        if options.get("site_address"):
            _demo_site_address_set(options["site_address"])

        created_agencies = 0
        for code, name_zh, name_en, parent_code, website in DEMO_AGENCIES:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                agency = agency_create(
                    code=code,
                    name_zh=name_zh,
                    name_en=name_en,
                    parent=Agency.objects.get(code=parent_code) if parent_code else None,
                    website=website,
                    section_parent=home,
                )
                created_agencies += 1
            else:
                agency_sync_access(agency=agency, section_parent=home)
        self.stdout.write(f"Agencies: {created_agencies} created, {Agency.objects.count()} in all.")

        passwords: list[tuple[str, str, str]] = []
        for email, display_name, role, agency_code in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                password = secrets.token_urlsafe(12)
                user = user_create(
                    email=email, password=password, display_name=display_name, email_verified=True
                )
                passwords.append((role.value, email, password))
            if role is Role.ADMINISTRATOR and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            if role is Role.AGENCY_STAFF:
                agency_staff_add(agency=Agency.objects.get(code=agency_code), user=user)
            elif role is not Role.CITIZEN:
                user_role_add(user=user, role=role)
            if email in DEMO_MOBILE_NUMBERS and not MobileNumber.objects.filter(user=user).exists():
                mobile_number_verified_set(user=user, number=DEMO_MOBILE_NUMBERS[email])

        self._seed_consultations(home)
        self._seed_petitions(home)
        self._seed_performance(home)
        self._seed_listening()
        house_rules_page_ensure(parent=home)

        if passwords:
            self.stdout.write("Demo users (passwords are shown only this once):")
            for role_name, email, password in passwords:
                self.stdout.write(f"  {_pad_to_columns(str(role_name), 10)} {email:<30} {password}")
        else:
            self.stdout.write("Demo users already exist; their passwords are unchanged.")

    def _seed_consultations(self, home: HomePage) -> None:
        if not ConsultationIndexPage.objects.exists():
            home.add_child(
                instance=ConsultationIndexPage(
                    title="公共政策諮詢",
                    title_en="Public policy consultations",
                    slug="consultations",
                )
            )
        consultation = ConsultationPage.objects.filter(slug="uberx").first()
        if consultation is None:
            now = timezone.now()
            consultation = ConsultationPage(
                title="UberX 自用車載客：如何管理網路叫車服務？",
                slug="uberx",
                agency=Agency.objects.get(code="MOTC"),
                summary=(
                    "2015 年 vTaiwan 討論自用車透過 App 載客（UberX）的管理方式。"
                    "意見陳述與投票匯入自 Pol.is 公開資料（CC BY 4.0，The Computational "
                    "Democracy Project）。"
                ),
                opens_at=now - timedelta(days=7),
                closes_at=now + timedelta(days=30),
            )
            consultation.sections.add(
                ConsultationSection(
                    number="第一條",
                    text="以網路平台媒合自用車提供載客服務者，應向主管機關登記。",
                    explanation="示範條文，說明如何逐條徵詢意見。",
                )
            )
            Agency.objects.get(code="MOTC").root_page.add_child(instance=consultation)
        if not consultation.statements.exists():
            result = polis_import(consultation=consultation, directory=VTAIWAN_EXPORT)
            self.stdout.write(
                f"Consultation 'uberx': imported {result.statements} statements and "
                f"{result.votes} votes from the vTaiwan Pol.is export."
            )
            # The import writes rows directly; queue them for the NLP engine like any statement.
            pks = list(consultation.statements.values_list("pk", flat=True))
            for start in range(0, len(pks), 64):
                text_analysis.enqueue(
                    model_label="participation.statement", pks=pks[start : start + 64]
                )

        self._seed_small_consultation()
        self._seed_answered_consultation()
        self._seed_awaiting_consultation()

    def _seed_answered_consultation(self) -> None:
        """Commented while open, closed, then answered through the two-person workflow."""
        demo = ANSWERED_CONSULTATION
        if ConsultationPage.objects.filter(slug=demo["slug"]).exists():
            return
        consultation, sections = _closed_consultation_seed(demo, closed_days_ago=10)
        writer = User.objects.get(email="staff.motc@minyi.localhost")
        draft = consultation_response_draft_save(
            consultation=consultation,
            user=writer,
            overall=demo["overall"],
            sections={sections[n].pk: answer for n, answer in demo["answers"].items()},
        )
        consultation_response_submit(response=draft, user=writer)
        consultation_response_approve(
            response=draft, user=User.objects.get(email="reviewer.motc@minyi.localhost")
        )
        self.stdout.write(f"Consultation {demo['slug']!r}: closed and answered.")

    def _seed_awaiting_consultation(self) -> None:
        demo = AWAITING_CONSULTATION
        if ConsultationPage.objects.filter(slug=demo["slug"]).exists():
            return
        _closed_consultation_seed(demo, closed_days_ago=3)
        self.stdout.write(f"Consultation {demo['slug']!r}: closed, awaiting MOTC's response.")

    def _seed_small_consultation(self) -> None:
        if ConsultationPage.objects.filter(slug=SMALL_CONSULTATION["slug"]).exists():
            return
        now = timezone.now()
        number, text = SMALL_CONSULTATION["section"]
        consultation = _motc_consultation_add(
            SMALL_CONSULTATION, sections=[(number, text, "")], opens_in_days=-3, closes_in_days=30
        )
        Statement.objects.bulk_create(
            Statement(consultation=consultation, text=text, created_at=now - timedelta(minutes=n))
            for n, text in enumerate(SMALL_CONSULTATION["statements"])
        )
        self.stdout.write(
            f"Consultation {SMALL_CONSULTATION['slug']!r}: "
            f"{len(SMALL_CONSULTATION['statements'])} statements."
        )

    def _seed_petitions(self, home: HomePage) -> None:
        """Each demo petition once, by title: a site seeded before one was added gets it too."""
        if not PetitionIndexPage.objects.exists():
            home.add_child(
                instance=PetitionIndexPage(title="提點子", title_en="Petitions", slug="petitions")
            )
        citizen = User.objects.get(email="citizen@minyi.localhost")
        moderator = User.objects.get(email="moderator@minyi.localhost")
        added = 0
        for title, body, threshold in DEMO_PETITIONS:
            if Petition.objects.filter(title=title).exists():
                continue
            petition = petition_create(
                user=citizen, title=title, body=body, agency=Agency.objects.get(code="MOTC")
            )
            petition_moderation_approve(petition=petition, moderator=moderator)
            if threshold:
                Petition.objects.filter(pk=petition.pk).update(threshold=threshold)
                petition.refresh_from_db()  # the threshold is fixed when a petition opens
            for email in ("analyst@minyi.localhost", "staff.moda@minyi.localhost"):
                petition_endorse(petition=petition, user=User.objects.get(email=email))
            added += 1
        self.stdout.write(
            f"Petition board: {added} demo petitions added ({len(DEMO_PETITIONS)} in the demo:"
            " one open for endorsement, one past its threshold for MOTC to answer)."
        )

    def _seed_listening(self) -> None:
        from sentiment.listening.demo import listening_demo_seed

        seeded = listening_demo_seed(
            consultations=list(ConsultationPage.objects.filter(slug="uberx")), now=timezone.now()
        )
        self.stdout.write(
            f"Social listening: topic '{seeded['topic'].name}', "
            f"{seeded['result']['created']} new demo posts."
        )

    def _seed_performance(self, home: HomePage) -> None:
        from performance.demo import performance_demo_seed

        summary = performance_demo_seed(
            home=home, importer=User.objects.get(email="admin@minyi.localhost")
        )
        self.stdout.write(f"Performance dashboard: {len(summary.programs)} demo programs.")


def _motc_consultation_add(
    demo: dict, *, sections: list[tuple[str, str, str]], opens_in_days: int, closes_in_days: int
) -> ConsultationPage:
    """A demo consultation of the MOTC with its articles (number, text, explanation)."""
    now = timezone.now()
    agency = Agency.objects.get(code="MOTC")
    consultation = ConsultationPage(
        title=demo["title"],
        slug=demo["slug"],
        agency=agency,
        summary=demo["summary"],
        opens_at=now + timedelta(days=opens_in_days),
        closes_at=now + timedelta(days=closes_in_days),
    )
    for number, text, explanation in sections:
        consultation.sections.add(
            ConsultationSection(number=number, text=text, explanation=explanation)
        )
    agency.root_page.add_child(instance=consultation)
    return consultation


def _closed_consultation_seed(demo: dict, *, closed_days_ago: int):
    """A MOTC consultation commented on while open (its comments dated forty days back) whose
    comment period ended ``closed_days_ago`` days ago; returns it and its sections by number.
    Its commenters are demo participants without a password."""
    now = timezone.now()
    consultation = _motc_consultation_add(
        demo, sections=demo["sections"], opens_in_days=-70, closes_in_days=1
    )
    sections = {section.number: section for section in consultation.sections.all()}
    for email, name, number, stance, body in demo["comments"]:
        author = User.objects.filter(email=email).first() or user_create(
            email=email,
            password=secrets.token_urlsafe(16),
            display_name=name,
            email_verified=True,
        )
        comment = comment_create(
            consultation=consultation,
            user=author,
            body=body,
            stance=stance,
            section=sections[number],
        )
        # Written during the comment period, not on the day the demo is seeded.
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(days=40))
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        closes_at=now - timedelta(days=closed_days_ago)
    )
    consultation.refresh_from_db()
    return consultation, sections


def _pad_to_columns(text: str, columns: int) -> str:
    """Pad for a terminal, where a Han character takes two columns (「審核員」 is six wide)."""
    width = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(columns - width, 0)
