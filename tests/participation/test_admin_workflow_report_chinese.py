"""The workflow tasks report (報表 → 工作流程作業) offered its "By workflow" switch in English,
next to the Chinese 「依作業」 of the workflows report: Wagtail's zh_Hant catalogue lacks it."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_workflow_reports_switch_reads_chinese(client, make_user):
    admin = make_user()
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    html = client.get(reverse("wagtailadmin_reports:workflow_tasks")).content.decode()
    assert "依工作流程" in html and "By workflow" not in html
