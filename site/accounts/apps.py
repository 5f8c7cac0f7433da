from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    default = True  # "minyi.accounts" in INSTALLED_APPS; AccountsUsersConfig is named in full
    name = "minyi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the deployment checks
            signals,  # noqa: F401 - a government identity's claims are not kept
        )


class AccountsUsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin (label ``wagtailusers``, templates and migrations unchanged), with
    the forms of ``wagtail_users.py``: the real name optional, the display name editable."""

    user_viewset = "minyi.accounts.wagtail_users.UserViewSet"
