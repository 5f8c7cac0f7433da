"""Administrators put people on an agency's staff, and take them off, in the Wagtail admin.

Staff membership is more than a row: it grants the agency's page-tree section, collection and
workflow group (``agency_staff_add``). Wagtail's user editor can tick groups but would skip the
membership and the role, so the membership has its own screen that calls the services.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from minyi.accounts.models import User

from .models import Agency, AgencyMembership
from .selectors import agency_list, user_can_manage_staff
from .services import agency_staff_add, agency_staff_remove


class StaffAddForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=Agency.objects.none(), empty_label=None
    )
    email = forms.EmailField(label=gettext_lazy("The person's e-mail address"))
    title = forms.CharField(label=gettext_lazy("Job title"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agency_list()
        self.fields["agency"].label_from_instance = lambda a: f"{a.code} {a.name_zh}"

    def clean_email(self) -> User:
        user = User.objects.filter(email__iexact=self.cleaned_data["email"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No active account uses this e-mail address: the person must sign up first.")
            )
        return user


class StaffRemoveForm(forms.Form):
    """The 移除 button of one membership."""

    remove = forms.ModelChoiceField(
        queryset=AgencyMembership.objects.select_related("agency", "user")
    )


class AgencyStaffView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "agencies/admin/staff.html"
    page_title = gettext_lazy("Agency staff")
    header_icon = "group"
    breadcrumbs_items = []  # a top-level screen: the header shows its title, not "Home"

    def dispatch(self, request, *args, **kwargs):
        if not user_can_manage_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        agency_code = self.request.GET.get("agency", "")
        # A deactivated account keeps its membership (reactivated, it works again) but gets no
        # work meanwhile (``agency_staff_users``): it is listed last, marked as such.
        memberships = AgencyMembership.objects.select_related("agency", "user").order_by(
            "agency__code", "-user__is_active", "user__display_name"
        )
        if agency_code:
            memberships = memberships.filter(agency__code=agency_code)
        return super().get_context_data(
            form=form or StaffAddForm(),
            memberships=memberships,
            agencies=agency_list(),
            agency_code=agency_code,
            **kwargs,
        )

    def post(self, request):
        if "remove" in request.POST:
            removal = StaffRemoveForm(request.POST)
            if not removal.is_valid():
                raise Http404
            membership = removal.cleaned_data["remove"]
            agency_staff_remove(agency=membership.agency, user=membership.user)
            messages.success(
                request,
                _("%(name)s is no longer on the staff of %(agency)s.")
                % {"name": membership.user.public_name, "agency": membership.agency.name_zh},
            )
            return redirect(request.get_full_path())
        form = StaffAddForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        agency, user = form.cleaned_data["agency"], form.cleaned_data["email"]
        agency_staff_add(agency=agency, user=user, title=form.cleaned_data["title"])
        messages.success(
            request,
            _("%(name)s is now on the staff of %(agency)s.")
            % {"name": user.public_name, "agency": agency.name_zh},
        )
        return redirect(request.get_full_path())
