"""seed_demo builds a usable demo and is safe to run twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from minyi.accounts.models import User
from minyi.agencies.models import Agency, AgencyPage
from minyi.agencies.roles import Role
from minyi.agencies.selectors import user_has_role

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_twice_creates_everything_once():
    first = seed()
    assert "passwords are shown only this once" in first
    counts = (Agency.objects.count(), AgencyPage.objects.count(), User.objects.count())

    second = seed()
    assert "passwords are unchanged" in second
    assert (Agency.objects.count(), AgencyPage.objects.count(), User.objects.count()) == counts
    assert counts[0] == counts[1] >= 5

    for role in Role:
        assert any(user_has_role(user, role) for user in User.objects.all()), role
    assert Agency.objects.get(code="THB").parent.code == "MOTC"


def test_seed_demo_listening_topic_feeds_the_consultation():
    from sentiment.listening.demo import DEMO_POSTS, DEMO_TOPIC
    from sentiment.models import Post, Topic

    seed()
    topic = Topic.objects.get(name=DEMO_TOPIC)
    assert list(topic.consultations.values_list("slug", flat=True)) == ["uberx"]
    assert Post.objects.count() == len(DEMO_POSTS)
    # (Uber OR 優步 OR 自用車 OR 多元計程車) NOT 股價, evaluated by hand.
    words = ("Uber", "優步", "自用車", "多元計程車")
    expected = [
        text
        for text, *_ in DEMO_POSTS
        if any(word in text for word in words) and "股價" not in text
    ]
    assert 10 < len(expected) < len(DEMO_POSTS)
    assert sorted(topic.posts.values_list("text", flat=True)) == sorted(expected)
    assert all(len(p.author_hash) == 64 and "_" not in p.author_hash for p in Post.objects.all())

    seed()
    assert Post.objects.count() == len(DEMO_POSTS)
    assert Topic.objects.filter(name=DEMO_TOPIC).count() == 1


def test_printed_passwords_work(client):
    output = seed()
    line = next(row for row in output.splitlines() if "citizen@minyi.localhost" in row)
    password = line.split()[-1]
    response = client.post(
        "/accounts/login/", {"login": "citizen@minyi.localhost", "password": password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_seed_demo_lines_the_demo_users_up_in_terminal_columns():
    import unicodedata

    lines = [line for line in seed().splitlines() if "@minyi.localhost" in line]
    assert len(lines) >= 5

    def columns_before_email(line: str) -> int:
        head = line[: line.index(line.split()[1])]
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in head)

    assert len({columns_before_email(line) for line in lines}) == 1, lines


def test_some_demo_agency_staff_keep_the_dashboards_plans():
    """A staff member trying the dashboard's admin with the demo found no plan of their own:
    the plans belong to NDC, MOI and others, and the demo staff were MOTC and MODA only."""
    from performance.models import Program
    from performance.selectors import user_can_manage_program

    seed()
    staff = [user for user in User.objects.all() if user_has_role(user, Role.AGENCY_STAFF)]
    kept = {
        user.email: sum(user_can_manage_program(user, program) for program in Program.objects.all())
        for user in staff
    }
    assert max(kept.values()) >= 5, kept


def test_the_demo_has_a_petition_for_motc_staff_to_answer():
    """No demo petition was near its 5,000 endorsements: staff had nothing to answer."""
    from minyi.agencies.selectors import agencies_for_user
    from participation.models import Petition

    seed()
    staff = User.objects.get(email="staff.motc@minyi.localhost")
    waiting = Petition.objects.filter(reached_at__isnull=False, agency__in=agencies_for_user(staff))
    assert waiting.count() == 1 and waiting.get().response_due_at is not None


def test_the_demo_has_a_closed_consultation_waiting_for_motc_to_answer(client):
    """Staff could answer comments only after a comment period ended: no demo one had."""
    from participation.models import ConsultationPage

    seed()
    waiting = ConsultationPage.objects.get(slug="scooter-parking")
    assert not waiting.is_open and waiting.comments.count() == 3
    assert not waiting.agency_responses.exists()
    client.force_login(User.objects.get(email="staff.motc@minyi.localhost"))
    html = client.get(waiting.url).content.decode()
    assert f"/participate/consultations/{waiting.pk}/response/" in html


def test_a_demo_seeded_before_a_petition_was_added_gets_it_when_seeded_again():
    """seed_demo skipped every petition once any existed: older demo sites never got the one
    staff answer."""
    from participation.models import Petition

    seed()
    from django.core.cache import cache

    Petition.objects.filter(title="臺鐵車站無障礙電梯增設時程應公開").delete()
    cache.clear()  # a later day: the proposer's rate limit has passed
    seed()
    assert Petition.objects.filter(title="臺鐵車站無障礙電梯增設時程應公開").count() == 1
    assert Petition.objects.count() == 2


def test_the_demo_site_record_points_where_dev_run_serves():
    """Wagtail's e-mails link pages by the site record: not the migration's localhost:80."""
    from wagtail.models import Site

    call_command("seed_demo", "--site-address", "127.0.0.1:8000", stdout=StringIO())
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8000"
    # A site an administrator has set is left alone.
    Site.objects.filter(pk=site.pk).update(hostname="join.example.gov.tw", port=443)
    call_command("seed_demo", "--site-address", "127.0.0.1:8001", stdout=StringIO())
    assert Site.objects.get(pk=site.pk).hostname == "join.example.gov.tw"
