"""A notification's title as a message id with its values, translated when it is shown.

A notice is read later, by someone whose language need not be the sender's: storing the title
as text would freeze the sender's language. :class:`NotificationText` keeps the English message
id (marked with ``gettext_noop`` so that makemessages finds it) and its values; the notice keeps
them in ``Notification.message`` and its ``title`` in the site's default language (e-mail
digests, the admin, and notices stored before messages existed).

    title=NotificationText(gettext_noop("“%(name)s” has new progress or KPI reports"), name=...)

A value may itself be a NotificationText (a translated word such as a light's name).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext


class NotificationText:
    def __init__(self, msgid: str, **values):
        self.msgid = msgid
        self.values = values

    def as_json(self) -> dict:
        return {
            "msgid": self.msgid,
            "values": {
                key: value.as_json() if isinstance(value, NotificationText) else value
                for key, value in self.values.items()
            },
        }

    def __str__(self) -> str:
        return message_render(self.as_json())

    def published(self) -> str:
        """In the site's default language (the stored title)."""
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)


def message_render(message: dict) -> str:
    """A stored message (``NotificationText.as_json``) in the active language."""
    values = {
        key: message_render(value) if isinstance(value, dict) and "msgid" in value else value
        for key, value in (message.get("values") or {}).items()
    }
    return gettext(message["msgid"]) % values if values else gettext(message["msgid"])
