"""HTTP hardening: a Content-Security-Policy with per-request nonces, and 429 answers.

``ContentSecurityPolicyMiddleware`` gives every request a fresh nonce (``request.csp_nonce``,
``{{ csp_nonce }}`` in templates through the ``csp_nonce`` context processor) and sends the
policy that ``settings.MINYI_CSP_POLICIES`` defines for the request's path: the strict public
policy (scripts only from our origin or carrying the nonce), or a looser one for the Wagtail and
Django admin and for the API's Swagger page, which rely on inline scripts (see the settings).

``RateLimitMiddleware`` answers a :class:`minyi.ratelimit.RateLimited` raised by a view with
HTTP 429, a ``Retry-After`` header and a Traditional Chinese message: the page ``429.html`` for
browsers, ``{"detail": ...}`` for API and fetch requests. It also gives allauth's own refusals
a 429: its rate-limit page (``429.html`` again) gets a ``Retry-After`` header, and the sign-in
form that refuses a locked account (too many failed attempts) is sent with status 429.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from .ratelimit import MINUTE, RateLimited

CSP_HEADER = "Content-Security-Policy"
CSP_REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"

# allauth refuses a locked account with a form error of this code (sign-in, re-authentication).
ALLAUTH_LOCKOUT_CODES = {"too_many_login_attempts"}


# --- Content-Security-Policy ------------------------------------------------------------------


def csp_nonce_new() -> str:
    return secrets.token_urlsafe(18)


def csp_policy_name(path: str) -> str:
    """The name of the policy (a key of MINYI_CSP_POLICIES) that applies to ``path``."""
    for prefix, name in getattr(settings, "MINYI_CSP_PATHS", ()):
        if path.startswith(prefix):
            return name
    return "public"


def csp_header_value(policy: dict[str, list[str]], nonce: str) -> str:
    return "; ".join(
        " ".join([directive, *(source.replace("{nonce}", nonce) for source in sources)])
        for directive, sources in policy.items()
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = csp_nonce_new()
        response = self.get_response(request)
        header = (
            CSP_REPORT_ONLY_HEADER
            if getattr(settings, "MINYI_CSP_REPORT_ONLY", False)
            else CSP_HEADER
        )
        policies = getattr(settings, "MINYI_CSP_POLICIES", {})
        policy = policies.get(csp_policy_name(request.path_info)) or policies.get("public")
        if policy and not response.has_header(header):
            response[header] = csp_header_value(policy, request.csp_nonce)
        return response


def csp_nonce(request: HttpRequest) -> dict:
    """Template context processor: ``<script nonce="{{ csp_nonce }}" src="...">``."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


# --- 429 Too Many Requests --------------------------------------------------------------------


def wants_json(request: HttpRequest) -> bool:
    """API calls and fetch() requests that ask for JSON get JSON; browsers get the page."""
    return (
        "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
        or request.path_info.startswith("/api/")
    )


def rate_limited_response(
    request: HttpRequest, *, message: str = "", retry_after: int = MINUTE
) -> HttpResponse:
    retry_after = max(1, int(retry_after))
    if wants_json(request):
        # "ok"/"error" as the participation views' own JSON answers have them.
        response = JsonResponse(
            {"detail": message, "ok": False, "error": message},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        retry_at = timezone.localtime() + timedelta(seconds=retry_after)
        response = render(
            request,
            "429.html",
            {"message": message, "retry_after": retry_after, "retry_at": retry_at},
            status=429,
        )
    response["Retry-After"] = str(retry_after)
    return response


_DURATION = re.compile(r"^(\d*)([smhd])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _allauth_rate_seconds(action: str, default: int = 300) -> int:
    """The longest window of allauth's ACCOUNT_RATE_LIMITS[action] ("10/m/ip,5/300s/key")."""
    rates = getattr(settings, "ACCOUNT_RATE_LIMITS", {}) or {}
    longest = 0
    for rate in str(rates.get(action) or "").split(","):
        parts = rate.strip().split("/")
        match = _DURATION.match(parts[1]) if len(parts) > 1 else None
        if match:
            longest = max(longest, int(match.group(1) or 1) * _UNIT_SECONDS[match.group(2)])
    return longest or default


def _form_error_codes(form) -> set[str]:
    errors = getattr(form, "_errors", None)  # None: never validated; do not validate it here
    if not errors:
        return set()
    return {error.code for field_errors in errors.as_data().values() for error in field_errors}


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            # allauth's own limits (sign-up, sign-in per address, password reset).
            response["Retry-After"] = str(MINUTE)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RateLimited):
            return rate_limited_response(
                request, message=exception.message, retry_after=exception.retry_after
            )
        return None

    def process_template_response(self, request: HttpRequest, response):
        """allauth's sign-in form refusing a locked account: the same form, sent as 429."""
        form = (response.context_data or {}).get("form")
        if form is not None and _form_error_codes(form) & ALLAUTH_LOCKOUT_CODES:
            response.status_code = 429
            response["Retry-After"] = str(_allauth_rate_seconds("login_failed"))
        return response
