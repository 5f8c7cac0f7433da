from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minyi.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the deployment checks
            signals,  # noqa: F401 - a government identity's claims are not kept
        )
