"""Reader display preferences: larger text and a high-contrast mode.

Kept in cookies so they work without an account and without JavaScript.
"""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .context_processors import CONTRAST_COOKIE, TEXT_SIZE_COOKIE, TEXT_SIZES

ONE_YEAR = 365 * 24 * 3600


@require_POST
def display_preferences_set(request: HttpRequest) -> HttpResponseRedirect:
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    text_size = request.POST.get("text_size")
    if text_size in TEXT_SIZES:
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            text_size,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=request.is_secure(),
        )
    contrast = request.POST.get("contrast")
    if contrast in {"high", "normal"}:
        response.set_cookie(
            CONTRAST_COOKIE, contrast, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
        )
    return response
