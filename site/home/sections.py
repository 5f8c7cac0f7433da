"""The site's main sections linked from the header, registered by the apps that own them
(participation: the consultation and petition indexes), so the shell imports none of them."""

_SECTIONS: dict[str, str] = {}


def site_section_register(key: str, *, model: str) -> None:
    """``model`` is the page model's label, e.g. ``"participation.ConsultationIndexPage"``."""
    _SECTIONS[key] = model


def site_section_models() -> dict[str, str]:
    return dict(_SECTIONS)
