"""Sending text messages (SMS) through a pluggable backend.

``MINYI_SMS_BACKEND`` names the backend: ``console`` (development: the message is written to
standard output, that is the terminal of ``./dev run`` or the server log) or ``mitake`` (Mitake
三竹資訊's HTTP API, ``SmSend``, through httpx), or a dotted path to a class of one's own with a
``send(*, to, text)`` method.
"""

import logging
import sys

import httpx
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

BACKENDS = {
    "console": "minyi.accounts.sms.ConsoleSMSBackend",
    "mitake": "minyi.accounts.sms.MitakeSMSBackend",
}


class SMSError(Exception):
    """The message could not be sent (the gateway refused it or did not answer)."""


class ConsoleSMSBackend:
    """Development: prints the message instead of sending it."""

    def send(self, *, to: str, text: str) -> str:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()
        return "console"


class MitakeSMSBackend:
    """Mitake (三竹資訊) HTTP API: ``POST SmSend`` with the account, the destination and the text
    (UTF-8); the answer is an INI-like block with ``msgid`` and ``statuscode`` (0, 1, 2 or 4:
    accepted; any other code: refused)."""

    ACCEPTED = {"0", "1", "2", "4"}

    def __init__(self, *, transport: httpx.BaseTransport | None = None):
        self.url = settings.MINYI_SMS_MITAKE_URL
        self.username = settings.MINYI_SMS_MITAKE_USERNAME
        self.password = settings.MINYI_SMS_MITAKE_PASSWORD
        self.transport = transport

    def send(self, *, to: str, text: str) -> str:
        national = "0" + to.removeprefix("+886") if to.startswith("+886") else to
        try:
            with httpx.Client(transport=self.transport, timeout=10.0) as client:
                response = client.post(
                    self.url,
                    params={"CharsetURL": "UTF-8"},
                    data={
                        "username": self.username,
                        "password": self.password,
                        "dstaddr": national,
                        "smbody": text,
                    },
                )
                response.raise_for_status()
        except httpx.HTTPError as exc:
            logger.warning("Mitake SMS gateway failed: %s", exc)
            raise SMSError(str(exc)) from exc
        fields = dict(
            line.split("=", 1) for line in response.text.splitlines() if "=" in line.strip()
        )
        status = fields.get("statuscode", "").strip()
        if status not in self.ACCEPTED:
            error = fields.get("Error", "").strip()
            logger.warning("Mitake SMS refused: statuscode=%r %s", status, error)
            raise SMSError(f"statuscode {status!r} {error}".strip())
        return fields.get("msgid", "").strip()


def sms_backend():
    name = getattr(settings, "MINYI_SMS_BACKEND", "console")
    return import_string(BACKENDS.get(name, name))()


def sms_send(*, to: str, text: str) -> str:
    """Send ``text`` to the E.164 number ``to``; raises :class:`SMSError` when it cannot."""
    return sms_backend().send(to=to, text=text)
