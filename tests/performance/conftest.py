"""Fixtures for the performance dashboard: agencies, staff, the dashboard page, programs."""

import pytest


@pytest.fixture
def dashboard(home_page):
    from performance.models import PerformanceDashboardPage

    page = PerformanceDashboardPage(title="施政績效儀表板", slug="dashboard")
    home_page.add_child(instance=page)
    return page


def _agency(make_agency, code, name):
    from minyi.agencies.models import Agency

    return Agency.objects.filter(code=code).first() or make_agency(code, name)


@pytest.fixture
def ndc(make_agency):
    return _agency(make_agency, "NDC", "國家發展委員會")


@pytest.fixture
def moi(make_agency):
    return _agency(make_agency, "MOI", "內政部")


@pytest.fixture
def admin_user(make_user):
    user = make_user(display_name="管理者")
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def ndc_staff(make_user, ndc):
    from minyi.agencies.services import agency_staff_add

    user = make_user(display_name="國發會承辦")
    agency_staff_add(agency=ndc, user=user)
    return user


@pytest.fixture
def moi_staff(make_user, moi):
    from minyi.agencies.services import agency_staff_add

    user = make_user(display_name="內政部承辦")
    agency_staff_add(agency=moi, user=user)
    return user


@pytest.fixture
def demo_agencies(make_agency):
    """Every agency the demo programs need."""
    from performance.demo import demo_fixture

    for code, name in (
        ("EY", "行政院"),
        ("NDC", "國家發展委員會"),
        ("MOENV", "環境部"),
        *((row[0], row[1]) for row in demo_fixture()["agencies"]),
    ):
        _agency(make_agency, code, name)


@pytest.fixture
def make_program(ndc):
    """A program with optional figures, written straight to the models."""
    from performance.models import Program

    counter = iter(range(1, 100_000))

    def make(*, code=None, agency=None, category="一般", start=2024, end=2026, **fields):
        n = next(counter)
        return Program.objects.create(
            code=code or f"P-{n:05d}",
            name=fields.pop("name", f"計畫 {n}"),
            agency=agency or ndc,
            category=category,
            start_year=start,
            end_year=end,
            **fields,
        )

    return make
