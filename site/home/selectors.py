"""What the home page shows."""

from typing import Any

from minyi.agencies.models import AgencyPage


def home_highlights() -> dict[str, Any]:
    """Open consultations, what other apps registered (the dashboard's figures and the programs
    that need attention: ``minyi.home.highlights``), and the agencies' sections."""
    from participation.selectors import consultation_open_list

    from .highlights import home_highlights_collect

    return {
        "open_consultations": list(consultation_open_list()[:6]),
        "dashboard_highlights": [],
        "attention_programs": [],
        **home_highlights_collect(),
        "agency_sections": list(
            AgencyPage.objects.live().public().select_related("agency").order_by("title")
        ),
    }
