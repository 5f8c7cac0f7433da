"""Reader display preferences: larger text, a high-contrast mode and the language.

Kept in cookies so they work without an account and without JavaScript.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

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


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, reading ``next`` in the language its address is in.

    The switch is posted to an unprefixed address, so Django resolves ``next`` as Chinese:
    ``/en/…`` then matches no English route (or Wagtail's catch-all) and comes back
    unchanged, and a reader who chose English could not return to 中文. Resolving it in
    its own language lets Django translate it to the same page in the chosen one.
    """
    next_path = urlsplit(request.POST.get("next") or "").path
    next_language = translation.get_language_from_path(next_path) or settings.LANGUAGE_CODE
    with translation.override(next_language):
        return set_language(request)


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The notice of collection (個人資料蒐集告知, Personal Data Protection Act §8): who
    collects what, why, for how long, who sees it, and how to use one's rights here."""
    from django.shortcuts import render

    return render(
        request,
        "home/privacy.html",
        {
            "operator": settings.MINYI_OPERATOR_NAME,
            "contact": settings.MINYI_PRIVACY_CONTACT,
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the site's icon
    (resolved per request, so the hashed name of the static files' manifest is used)."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("minyi/favicon.svg"))
