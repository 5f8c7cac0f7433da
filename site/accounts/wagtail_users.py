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


class AdminUserCreationForm(_RealNameOptional, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"display_name"}


class AdminUserEditForm(_RealNameOptional, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"display_name"}


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return AdminUserEditForm if for_update else AdminUserCreationForm
