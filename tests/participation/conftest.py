from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def make_consultation(make_agency):
    from participation.models import ConsultationPage, ConsultationSection

    agencies = {}

    def make(
        *,
        slug="uberx",
        agency_code="MOTC",
        opens_in=timedelta(days=-1),
        closes_in=timedelta(days=30),
        sections=2,
    ):
        agency = agencies.get(agency_code) or make_agency(agency_code)
        agencies[agency_code] = agency
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
