"""The kinds of notification participation sends (registered in ``apps.py``)."""

from django.utils.translation import gettext_lazy as _

CONSULTATION_RESPONSE = "consultation_response"
PETITION_RESPONSE = "petition_response"
PETITION_STATE = "petition_state"
CLOSING_SOON = "closing_soon"
REPLY = "reply"

LABELS = {
    CONSULTATION_RESPONSE: _("Consultation response"),
    PETITION_RESPONSE: _("Petition response"),
    PETITION_STATE: _("Petition status"),
    CLOSING_SOON: _("Closing soon"),
    REPLY: _("Reply to your comment"),
}


def notification_kinds_register() -> None:
    from minyi.notifications.kinds import notification_kind_register

    for key, label in LABELS.items():
        notification_kind_register(key, label)
