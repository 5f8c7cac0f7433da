"""The Wagtail admin for programs: agency staff edit their own agency's programs only.

Programs and KPIs are snippets whose listings, edit and delete views and choosers are limited
to the agencies of the signed-in user (administrators see all); the import view takes XLSX or
CSV files; the admin home shows overdue progress reports of the user's agencies.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from minyi.admin_columns import minguo_date_column
from minyi.admin_panels import WaitingListPanel
from minyi.agencies.selectors import agencies_for_user

from . import views
from .models import KPI, Program, ReportingPeriod
from .selectors import (
    dashboard_page,
    overdue_reports_for_agencies,
    program_url,
    questions_to_answer,
)
from .services import program_edit_record


class AgencyScopedPolicy(ModelPermissionPolicy):
    """Model permissions, and on top of them: only objects of one's own agencies."""

    agency_path = "agency"

    def _agency_id(self, instance) -> int | None:
        obj = instance
        for part in self.agency_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj.pk

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if not self.user_has_any_permission(user, actions):
            return False
        if set(actions) == {"view"}:
            return True
        agency_id = self._agency_id(instance)
        return agency_id is None or agencies_for_user(user).filter(pk=agency_id).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model.objects.none()
        return self.model.objects.filter(**{f"{self.agency_path}__in": agencies_for_user(user)})


class KPIPolicy(AgencyScopedPolicy):
    agency_path = "program__agency"


register_permission_policy(Program, AgencyScopedPolicy(Program))
register_permission_policy(KPI, KPIPolicy(KPI))


class ScopedEditView(snippet_views.EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class ScopedDeleteView(snippet_views.DeleteView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "delete", obj
        ):
            raise PermissionDenied
        return obj


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "doc-full"
    menu_label = _("Programs")
    list_display = [
        "code",
        "name",
        "agency",
        "light",
        minguo_date_column(Program, "updated_at", with_time=True),
    ]
    list_filter = ["light", "control_level"]
    search_fields = ["code", "name"]
    search_backend_name = None
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView

    def get_queryset(self, request):
        return Program.objects.filter(agency__in=agencies_for_user(request.user)).select_related(
            "agency"
        )


class KPIViewSet(SnippetViewSet):
    model = KPI
    icon = "list-ol"
    menu_label = _("KPIs")
    list_display = ["name", "program", "unit", "direction"]
    search_fields = ["name", "program__code", "program__name"]
    search_backend_name = None
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView

    def get_queryset(self, request):
        return KPI.objects.filter(
            program__agency__in=agencies_for_user(request.user)
        ).select_related("program")


class ReportingPeriodViewSet(SnippetViewSet):
    model = ReportingPeriod
    icon = "date"
    menu_label = _("Reporting periods")
    list_display = [
        "label",
        minguo_date_column(ReportingPeriod, "period_end"),
        minguo_date_column(ReportingPeriod, "due_date"),
    ]


class PerformanceGroup(SnippetViewSetGroup):
    items = (ProgramViewSet, KPIViewSet, ReportingPeriodViewSet)
    menu_icon = "table"
    menu_label = _("Performance")
    menu_name = "performance"
    menu_order = 260


register_snippet(PerformanceGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def record_program_edit(request, instance):
    if isinstance(instance, Program):
        program_edit_record(program=instance)
    elif isinstance(instance, KPI):
        program_edit_record(program=instance.program)


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("performance/import/", views.import_view, name="performance_import"),
        path(
            "performance/import/template.<str:fmt>",
            views.import_template_view,
            name="performance_import_template",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return agencies_for_user(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("Import programs"),
        reverse("performance_import"),
        icon_name="upload",
        order=261,
        name="performance-import",
    )


class OverdueReportsPanel(WaitingListPanel):
    name = "performance_overdue"
    template_name = "performance/admin/overdue_panel.html"
    order = 90


@hooks.register("construct_homepage_panels")
def add_overdue_panel(request, panels):
    OverdueReportsPanel.add_for_agency_staff(
        request, panels, lambda agencies: overdue_reports_for_agencies(agencies=agencies)
    )


class QuestionsToAnswerPanel(WaitingListPanel):
    """Staff were never told in the admin that citizens' questions waited for their answer."""

    name = "performance_questions"
    template_name = "performance/admin/questions_panel.html"
    order = 91

    def get_context_data(self, parent_context=None):
        self.page = dashboard_page()  # read once for every row's address
        return super().get_context_data(parent_context)

    def row_context(self, question):
        url = program_url(page=self.page, code=question.program.code)
        return {"question": question, "url": f"{url}#question-{question.pk}"}


@hooks.register("construct_homepage_panels")
def add_questions_panel(request, panels):
    QuestionsToAnswerPanel.add_for_agency_staff(
        request, panels, lambda agencies: questions_to_answer(agencies=agencies)
    )
