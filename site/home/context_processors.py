"""Display preferences for readers: text size and high contrast (kept in cookies)."""

from django.http import HttpRequest

TEXT_SIZES = ("normal", "large", "larger")
TEXT_SIZE_COOKIE = "minyi_text_size"
CONTRAST_COOKIE = "minyi_contrast"


def display_preferences(request: HttpRequest) -> dict[str, str]:
    text_size = request.COOKIES.get(TEXT_SIZE_COOKIE, "normal")
    if text_size not in TEXT_SIZES:
        text_size = "normal"
    contrast = "high" if request.COOKIES.get(CONTRAST_COOKIE) == "high" else "normal"
    return {"text_size": text_size, "contrast": contrast}
