"""What the home page shows."""

from typing import Any

from minyi.agencies.models import AgencyPage


def home_highlights() -> dict[str, Any]:
    """Open consultations and dashboard highlights.

    The consultations and dashboard issues replace the empty lists with their
    own selectors; until then the home page says that nothing is open yet.
    """
    return {
        "open_consultations": [],
        "dashboard_highlights": [],
        "agency_sections": list(
            AgencyPage.objects.live().public().select_related("agency").order_by("title")
        ),
    }
