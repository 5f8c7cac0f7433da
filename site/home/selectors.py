"""What the home page shows."""

from typing import Any

from minyi.agencies.models import AgencyPage


def home_highlights() -> dict[str, Any]:
    """Open consultations (the latest past ones while none is open), what other apps registered
    (the dashboard's figures and the programs that need attention: ``minyi.home.highlights``),
    and the agencies' sections."""
    from participation.selectors import consultation_open_list, consultation_past_list

    from .highlights import home_highlights_collect

    open_consultations = list(consultation_open_list()[:6])
    return {
        "open_consultations": open_consultations,
        "past_consultations": [] if open_consultations else list(consultation_past_list()[:4]),
        "dashboard_highlights": [],
        "attention_programs": [],
        **home_highlights_collect(),
        "agency_sections": list(
            AgencyPage.objects.live().public().select_related("agency").order_by("title")
        ),
    }
