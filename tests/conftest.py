"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL/Redis
when DATABASE_URL/REDIS_URL point at them (see `./dev test`)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    from participation.voting import vote_lookups_forget

    cache.clear()
    vote_lookups_forget()  # statement and participant keys are reused after a rollback
    # Each test starts in the site's language: a request to /en/… leaves English active in this
    # thread, and names that follow the reader's language (Agency.name) would follow it.
    translation.activate(settings.LANGUAGE_CODE)
    # Static files are not collected in tests; run tasks in-process unless a test asks otherwise.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MINYI_DATABASE_WORKER_THREADS = 0  # see minyi.threads
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Printed reports of the test database, never mixed with a development site's under var/.
    settings.PRIVATE_ROOT = str(tmp_path / "private")


@pytest.fixture
def home_page(db):
    from minyi.home.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def make_user(db):
    """A citizen. By default at identity level L2 (e-mail confirmed and a verified mobile number,
    what proposing and endorsing petitions need); ``mobile=False`` gives one with only a
    confirmed e-mail (L1), ``verified=False`` one with neither (L0)."""
    from minyi.accounts.services import mobile_number_verified_set, user_create

    counter = iter(range(1, 10_000))

    def make(
        *,
        display_name: str | None = None,
        password: str = "correct-horse-battery-42",
        email: str | None = None,
        verified: bool = True,
        mobile: bool = True,
    ):
        n = next(counter)
        user = user_create(
            email=email or f"user{n}@example.org",
            password=password,
            display_name=display_name or f"使用者{n:04d}",
            email_verified=verified,
        )
        if verified and mobile:
            mobile_number_verified_set(user=user, number=f"0988{n:06d}")
        return user

    return make


@pytest.fixture
def make_agency(home_page):
    from minyi.agencies.services import agency_create

    def make(code: str, name_zh: str | None = None, **kwargs):
        return agency_create(
            code=code, name_zh=name_zh or f"{code} 機關", section_parent=home_page, **kwargs
        )

    return make


@pytest.fixture
def make_consultation(make_agency):
    from minyi.agencies.models import Agency
    from participation.models import ConsultationPage, ConsultationSection

    def make(
        *,
        slug="uberx",
        agency_code="MOTC",
        opens_in=timedelta(days=-1),
        closes_in=timedelta(days=30),
        sections=2,
    ):
        agency = Agency.objects.filter(code=agency_code).first() or make_agency(agency_code)
        now = timezone.now()
        page = ConsultationPage(
            title="自用車載客服務管理辦法草案",
            slug=slug,
            agency=agency,
            summary="規範網路叫車平台與自用車載客服務。",
            opens_at=now + opens_in,
            closes_at=now + closes_in,
        )
        for n in range(1, sections + 1):
            page.sections.add(
                ConsultationSection(number=f"第{n}條", text=f"條文內容 {n}", explanation="說明")
            )
        agency.root_page.add_child(instance=page)
        return page

    return make
