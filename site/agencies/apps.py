from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "minyi.agencies"
    label = "agencies"
    verbose_name = _("Agencies and roles")

    def ready(self) -> None:
        from minyi.notifications.kinds import notification_kind_register

        from . import signals  # noqa: F401  (connects the receivers)
        from .services import AGENCY_TASK

        notification_kind_register(AGENCY_TASK, _("For your agency to answer"))
