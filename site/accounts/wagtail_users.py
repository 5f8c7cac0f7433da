"""The administrator's user screens in the Wagtail admin (/admin/users/).

Wagtail's own forms require a first and a last name; on this site the real name is optional
and private (see ``User``), and people appear under their display name. So an administrator
can give someone a role without inventing a name, and sees and edits the display name there.

The agency groups in the role list are how an administrator puts someone on an agency's staff:
saving calls ``user_agencies_set``, the same service as the agency-staff screen, so the
membership (the agency's work) follows the group (its pages).

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
        superuser = self.fields.get("is_superuser")
        if superuser is not None:
            # Wagtail calls it 「管理員」, like our 管理員 role below it: two different things.
            superuser.label = _("Full administrative access (superuser)")
            superuser.help_text = _(
                "Everything in the admin, every agency and setting, whatever the roles say. "
                "Keep it for very few people: the Administrator role below is what platform "
                "administrators normally need."
            )
        groups = self.fields.get("groups")
        if groups is not None:
            groups.help_text = _(
                "A role says what the person may do. Ticking an agency's staff group puts the "
                "person on its staff: they edit its pages and get its work (answers due, "
                "reports, notices), with the Agency staff role; unticking it takes them off."
            )

    def clean(self):
        cleaned = super().clean()
        from minyi.agencies.roles import Role

        groups = cleaned.get("groups")
        if (
            groups is not None
            and groups.filter(name=Role.AGENCY_STAFF.group_name).exists()
            and not _agencies_of(groups).exists()
        ):
            self.add_error(
                "groups", _("Agency staff work for an agency: tick that agency's staff group too.")
            )
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and "groups" in self.cleaned_data:
            from minyi.agencies.services import user_agencies_set

            # The agency groups ticked here decide the person's agencies, memberships included.
            user_agencies_set(user=user, agencies=_agencies_of(self.cleaned_data["groups"]))
        return user


def _agencies_of(groups):
    from minyi.agencies.models import Agency

    return Agency.objects.filter(staff_group__in=groups)


class AdminUserCreationForm(_RealNameOptional, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"display_name"}


class AdminUserEditForm(_RealNameOptional, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"display_name"}


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return AdminUserEditForm if for_update else AdminUserCreationForm
