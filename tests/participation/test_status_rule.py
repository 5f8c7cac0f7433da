"""The consultation status rule is written once as Python (``status_of``) and once as a filter
(``consultation_status_q``) beside it; both must say the same for every moment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from participation.models import ConsultationPage, ConsultationStatus, consultation_status_q

pytestmark = pytest.mark.django_db


def test_the_filter_and_the_property_agree(make_consultation):
    page = make_consultation()
    now = timezone.now()
    page.opens_at, page.closes_at = now + timedelta(days=1), now + timedelta(days=10)
    page.save()
    moments = [now + timedelta(days=d) for d in (0, 1, 5, 10, 11)]
    for responded in (None, now + timedelta(days=12)):
        ConsultationPage.objects.filter(pk=page.pk).update(responded_at=responded)
        page.refresh_from_db()
        for moment in moments:
            expected = page.status_at(moment)
            matching = [
                status
                for status in ConsultationStatus.values
                if ConsultationPage.objects.filter(
                    consultation_status_q(status, moment=moment), pk=page.pk
                ).exists()
            ]
            assert matching == [expected], (moment, responded, matching, expected)
