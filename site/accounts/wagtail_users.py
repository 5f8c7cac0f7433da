"""The administrator's user screens in the Wagtail admin (/admin/users/).

Wagtail's own forms require a first and a last name; on this site the real name is optional
and private (see ``User``), and people appear under their display name. So an administrator
can give someone a role without inventing a name, and sees and edits the display name there.

Wired in through ``AccountsUsersConfig`` (``apps.py``), which replaces ``wagtail.users`` in
``INSTALLED_APPS`` and names :class:`UserViewSet` as its ``user_viewset``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

REAL_NAME_HELP = _("Optional and never shown in public: other people see the display name.")


class _RealNameOptional(forms.ModelForm):
    first_name = forms.CharField(
        required=False, max_length=150, label=_("First Name"), help_text=REAL_NAME_HELP
    )
    last_name = forms.CharField(
        required=False, max_length=150, label=_("Last Name"), help_text=REAL_NAME_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = self.fields.get("groups")
        if groups is not None:
            # An agency's group is named by its code (「機關 MOTC 人員」): show the agency.
            from minyi.agencies.models import Agency
            from minyi.agencies.roles import agency_group_name

            labels = {
                agency_group_name(agency.code): _("Staff of %(agency)s") % {"agency": agency.name}
                for agency in Agency.objects.only("code", "name_zh", "name_en")
            }
            groups.label_from_instance = lambda group: labels.get(group.name, group.name)
            groups.help_text = _(
                "A role says what the person may do; an agency's staff group says whose pages "
                "and programmes they may edit. Agency staff need both."
            )


class AdminUserCreationForm(_RealNameOptional, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"display_name"}


class AdminUserEditForm(_RealNameOptional, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"display_name"}


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return AdminUserEditForm if for_update else AdminUserCreationForm
