"""The admin home of agency staff lists the consultations whose response is theirs to write,
finish or approve (the writing itself happens on the public site's staff pages)."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from minyi.agencies.selectors import agencies_for_user

from .selectors import responses_to_do


class ResponsesToDoPanel(Component):
    name = "participation_responses"
    template_name = "participation/admin/responses_panel.html"
    order = 80

    def __init__(self, rows):
        self.rows = rows

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows[:50], "count": len(self.rows)}


@hooks.register("construct_homepage_panels")
def add_responses_panel(request, panels):
    if request.user.is_superuser:
        return  # administrators are no agency's writers or approvers
    rows = responses_to_do(agencies=agencies_for_user(request.user))
    if rows:
        panels.append(ResponsesToDoPanel(rows))
