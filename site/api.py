"""The public API root: /api/v1/ (OpenAPI schema at /api/v1/openapi.json).

Each app keeps its endpoints in its own ``api.py`` as a ninja ``Router``; they are mounted here
so that one schema describes the whole platform. Nothing personal leaves through the API:
authors appear only by their public display name.
"""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI

from minyi.ratelimit import RateLimited
from participation.api import router as participation_router
from performance.api import router as performance_router

api = NinjaAPI(
    title="Minyi 民意 API",
    version="1",
    description=(
        "民意平台的開放資料：公共政策諮詢與條文、公開留言、意見陳述與投票數、附議、施政績效。"
        "寫入需要已登入的工作階段與 CSRF 權杖。\n\n"
        "Consultations, their sections, public comments and statements with vote counts; "
        "open data of the platform. Write endpoints need a signed-in session and a CSRF token."
    ),
    urls_namespace="api-v1",
)
api.add_router("/", participation_router)
api.add_router("/performance/", performance_router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    """A service refused the input: 400 with its (Traditional Chinese) messages."""
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=400)


@api.exception_handler(RateLimited)
def rate_limited(request, exc: RateLimited):
    """Too many writes in a short time: 429 with Retry-After (never a 400 form error)."""
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(OverflowError)
def number_out_of_range(request, exc: OverflowError):
    """An id beyond the database's integer range (e.g. 2**63) names nothing: 404, not 500."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)
