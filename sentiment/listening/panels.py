"""Panels that other apps add to a listening topic's page.

A topic can be linked to consultations; their comments belong to participation, which registers
a panel here (in its ``ready()``) so that listening shows them without importing participation.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TopicPanel:
    template: str
    context: Callable[[object], dict]  # the topic → what the template needs


_PANELS: dict[str, TopicPanel] = {}


def topic_panel_register(name: str, panel: TopicPanel) -> None:
    _PANELS[name] = panel


def topic_panels(topic) -> list[dict]:
    """Each registered panel as ``{"template": …, "context": …}`` for this topic."""
    return [
        {"template": panel.template, "context": panel.context(topic)} for panel in _PANELS.values()
    ]
