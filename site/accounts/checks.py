"""Deployment checks (`manage.py check --deploy`) for identity assurance."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def sms_backend_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    backend = getattr(settings, "MINYI_SMS_BACKEND", "console")
    if backend == "console":
        return [
            checks.Warning(
                "SMS_BACKEND is 'console': verification codes are printed in the server log and "
                "never reach anyone's phone.",
                hint="Set SMS_BACKEND=mitake with SMS_MITAKE_USERNAME and SMS_MITAKE_PASSWORD.",
                id="accounts.W001",
            )
        ]
    if backend == "mitake" and not (
        settings.MINYI_SMS_MITAKE_USERNAME and settings.MINYI_SMS_MITAKE_PASSWORD
    ):
        return [
            checks.Warning(
                "SMS_BACKEND is 'mitake' but the gateway account is not set.",
                hint="Set SMS_MITAKE_USERNAME and SMS_MITAKE_PASSWORD.",
                id="accounts.W002",
            )
        ]
    return []
