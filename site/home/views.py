"""Reader display preferences: larger text and a high-contrast mode.

Kept in cookies so they work without an account and without JavaScript.
"""

from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.http import require_POST

from .context_processors import CONTRAST_COOKIE, TEXT_SIZE_COOKIE
from .forms import DisplayPreferencesForm

ONE_YEAR = 365 * 24 * 3600


@require_POST
def display_preferences_set(request: HttpRequest) -> HttpResponseRedirect:
    form = DisplayPreferencesForm(request.POST, request=request)
    form.is_valid()  # every field is optional; an unknown value is ignored
    response = HttpResponseRedirect(form.cleaned_data["next"] or "/")
    text_size = form.cleaned_data["text_size"]
    if text_size:
        response.set_cookie(
            TEXT_SIZE_COOKIE,
            text_size,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=request.is_secure(),
        )
    contrast = form.cleaned_data["contrast"]
    if contrast:
        response.set_cookie(
            CONTRAST_COOKIE, contrast, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
        )
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the site's icon
    (resolved per request, so the hashed name of the static files' manifest is used)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("minyi/favicon.svg"))
