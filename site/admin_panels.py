"""The admin home's to-do panels (Wagtail ``construct_homepage_panels``): one shape for every
app's list of what waits for the signed-in person (responses to write, petitions and questions
to answer, progress reports overdue)."""

from django.utils import timezone
from wagtail.admin.ui.components import Component


class WaitingListPanel(Component):
    """Lists the first ``LIMIT`` of ``rows`` and says how many there are in all; the template
    gets ``rows``, ``count`` and ``now`` (to mark what is overdue)."""

    LIMIT = 50

    def __init__(self, rows: list):
        self.rows = rows

    def row_context(self, row):
        """What the template gets for one row (the row itself unless a panel adds to it)."""
        return row

    @classmethod
    def add_for_agency_staff(cls, request, panels: list, rows_for_agencies) -> None:
        """Add the panel to a staff member's admin home when ``rows_for_agencies(agencies)``
        (the agencies they work for) lists anything. Administrators write and answer for no
        agency (they see every agency in the screens themselves), so they get none."""
        from minyi.agencies.selectors import agencies_for_user

        if request.user.is_superuser:
            return
        rows = list(rows_for_agencies(agencies_for_user(request.user)))
        if rows:
            panels.append(cls(rows))

    def get_context_data(self, parent_context=None):
        return {
            "rows": [self.row_context(row) for row in self.rows[: self.LIMIT]],
            "count": len(self.rows),
            "now": timezone.now(),
        }
