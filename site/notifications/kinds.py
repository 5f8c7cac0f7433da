"""The kinds of notification, registered by the apps that send them.

Each app registers its kinds in ``AppConfig.ready()``; :func:`notifications_send` refuses a
kind nobody registered, so a typo fails loudly instead of storing a notice with no label.
The platform itself knows no kind: the apps own their vocabulary.
"""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NotificationKindInfo:
    key: str
    label: str | Promise  # lazy: translated when shown, in the reader's language


_KINDS: dict[str, NotificationKindInfo] = {}


def notification_kind_register(key: str, label: str | Promise) -> None:
    """Register ``key`` (at most 30 characters, the model field's size) with its label."""
    if len(key) > 30:
        raise ValueError(f"notification kind {key!r} is longer than 30 characters")
    existing = _KINDS.get(key)
    if existing is not None and str(existing.label) != str(label):
        raise ValueError(f"notification kind {key!r} is already registered")
    _KINDS[key] = NotificationKindInfo(key=key, label=label)


def notification_kind_require(key: str) -> None:
    if key not in _KINDS:
        raise ValueError(f"unregistered notification kind {key!r}")


def notification_kind_label(key: str) -> str:
    """The kind's label in the active language; the key itself for a kind no longer registered
    (old rows outlive the code that wrote them)."""
    info = _KINDS.get(key)
    return str(info.label) if info else key


def notification_kinds() -> dict[str, NotificationKindInfo]:
    return dict(_KINDS)
