"""What the home page shows."""

from typing import Any

from minyi.agencies.models import AgencyPage


def home_highlights() -> dict[str, Any]:
    """Open consultations and dashboard highlights.

    The dashboard issue replaces the empty highlights list with its own selector;
    until then the home page says that there is nothing to show yet.
    """
    from participation.selectors import consultation_open_list

    return {
        "open_consultations": list(consultation_open_list()[:6]),
        "dashboard_highlights": [],
        "agency_sections": list(
            AgencyPage.objects.live().public().select_related("agency").order_by("title")
        ),
    }
