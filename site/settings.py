"""Minyi settings: one module, configured from the environment.

Every value a deployment changes comes from an environment variable (or a ``.env``
file beside manage.py). The defaults give the embedded set-up a developer gets
from ``./dev run``: SQLite under ``var/``, the in-memory channel layer, the
local-memory cache and a database-backed task worker.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent  # the folder site/, imported as minyi
BASE_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(environ.Env().str("MINYI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, False),
    SECURE_HSTS_SECONDS=(int, 0),
    TASK_BACKEND=(str, "database"),
)
if not env.bool("MINYI_IGNORE_DOTENV", default=False):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -----------------------------------------------------------------

DEBUG = env("DEBUG")
# The fallback key is for development and tests only: `check --deploy` flags it
# (security.W009), and the production section of the README sets a real one.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-minyi-development-only")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Minyi: the CMS shell
    "minyi.accounts",
    "minyi.agencies",
    "minyi.home",
    "minyi.jobs",
    "minyi.live",
    "minyi.notifications",
    # Minyi: the product's apps
    "participation",
    "sentiment",
    "performance",
    "reports",
    "moderation",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "minyi.accounts.apps.AccountsUsersConfig",  # wagtail.users, our user forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    # Sign-in with a government digital identity over OpenID Connect (L3, see Identity assurance)
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Infrastructure
    "channels",
    # Only for its static Swagger UI: with "ninja" installed, /api/v1/docs is served from our
    # own static files instead of jsDelivr (a government intranet has no CDN).
    "ninja",
    "django_tasks",
    "minyi.jobs.task_queue_app.TaskResultsConfig",  # django_tasks_db, named in the admin's language
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A fresh script nonce per request and the Content-Security-Policy (MINYI_CSP_* below).
    "minyi.security.ContentSecurityPolicyMiddleware",
    # Database unreachable → 503 page with Retry-After; disk full while saving a file → 507.
    "minyi.faults.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Consultation pages for readers without a session, straight from the cache.
    "minyi.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The same for signed-in citizens (their own parts filled in) and other session holders.
    "minyi.page_cache.SignedInPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # RateLimited raised by a service → 429 with Retry-After (page or JSON); allauth's lockout too.
    "minyi.security.RateLimitMiddleware",
]

ROOT_URLCONF = "minyi.urls"
ASGI_APPLICATION = "minyi.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "minyi.home.context_processors.display_preferences",
                "minyi.home.context_processors.site_sections",
                "minyi.security.csp_nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'minyi.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the ASGI server read while the task worker writes; IMMEDIATE
    # transactions avoid "database is locked" on lock upgrades.
    # Tests use a file too (not SQLite's shared in-memory database, whose table locks
    # ignore the busy timeout): the worker's heartbeat thread writes concurrently.
    # One file per test process, so that two test runs on one checkout never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-minyi-{os.getpid()}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
            ),
        }
    )
elif env.bool("DB_POOL", default=True):
    # Under ASGI every concurrent request runs its sync code in its own thread, so
    # persistent per-thread connections would exhaust PostgreSQL; a bounded pool
    # per process (psycopg_pool) shares a few connections instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Django then checks each connection as it leaves the pool: after a PostgreSQL restart the
    # dead ones are replaced instead of failing one request each.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Worker threads per process for the async fast paths' database and cache work (minyi.threads).
MINYI_DATABASE_WORKER_THREADS = env.int("DATABASE_WORKER_THREADS", default=16)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and channel layer ---------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down or hung reads as an empty cache (pages still render; rate limits fail
            # open meanwhile) instead of answering 500: see minyi.faults.
            "BACKEND": "minyi.faults.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="minyi"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions are read on every signed-in request: from Redis, written through to the database
    # (a process-local cache would let one process keep a session another has ended).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Live events are fan-out (one event, every reader of a consultation): the pub/sub layer
    # publishes each event once per group and every ASGI process delivers it to its own
    # sockets, where the list-based layer queues one message per socket. Events are best
    # effort either way (pages poll to catch up). CHANNEL_LAYER=lists selects the list layer.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": {
                "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "lists": "channels_redis.core.RedisChannelLayer",
            }[env.str("CHANNEL_LAYER", default="pubsub")],
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": env.str("CHANNEL_PREFIX", default="minyi"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Background tasks -----------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env("TASK_BACKEND")],
    }
}
# A worker counts as alive while its heartbeat is younger than this.
MINYI_WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=10)
MINYI_WORKER_STALE_AFTER_SECONDS = env.int("WORKER_STALE_AFTER_SECONDS", default=60)

# --- Accounts -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
ACCOUNT_ADAPTER = "minyi.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "minyi.accounts.forms.SignupExtraForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address in the browser that signed up signs in (allauth does it only there).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[民意 Minyi] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Tell the owner when the password or e-mail address changes (the old address too), so a
# stolen session cannot take the account over unnoticed.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Brute-force protection: failed logins per IP and per account (e-mail).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/300s/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

# --- Identity assurance (minyi.accounts: L1 e-mail, L2 mobile number, L3 government ID) -----
# Which level each action needs; apps ask minyi.accounts.selectors.assurance_require.
MINYI_ASSURANCE_POLICY = {
    "petition_propose": env.int("ASSURANCE_PETITION_PROPOSE", default=2),
    "petition_endorse": env.int("ASSURANCE_PETITION_ENDORSE", default=2),
    "comment": env.int("ASSURANCE_COMMENT", default=1),
    "statement": env.int("ASSURANCE_STATEMENT", default=1),
    "vote": env.int("ASSURANCE_VOTE", default=1),
}
# Mobile numbers are kept as an HMAC under this key (derived from SECRET_KEY when empty): set it
# once in production so that rotating SECRET_KEY does not make every verified number unknown.
MINYI_MOBILE_HASH_KEY = env.str("MOBILE_HASH_KEY", default="")
# Text messages: "console" (printed; development) or "mitake" (Mitake's HTTP API).
MINYI_SMS_BACKEND = env.str("SMS_BACKEND", default="console")
MINYI_SMS_MITAKE_URL = env.str(
    "SMS_MITAKE_URL", default="https://smsapi.mitake.com.tw/api/mtk/SmSend"
)
MINYI_SMS_MITAKE_USERNAME = env.str("SMS_MITAKE_USERNAME", default="")
MINYI_SMS_MITAKE_PASSWORD = env.str("SMS_MITAKE_PASSWORD", default="")
# A government identity provider (e.g. the national digital identity, TW FidO) over OpenID
# Connect, through allauth's openid_connect provider; off unless GOVID_OIDC_SERVER_URL is set.
GOVID_OIDC_SERVER_URL = env.str("GOVID_OIDC_SERVER_URL", default="")
GOVID_OIDC_PROVIDER_ID = env.str("GOVID_OIDC_PROVIDER_ID", default="tw-fido")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": GOVID_OIDC_PROVIDER_ID,
                    "name": env.str("GOVID_OIDC_NAME", default="TW FidO 行動自然人憑證"),
                    "client_id": env.str("GOVID_OIDC_CLIENT_ID", default=""),
                    "secret": env.str("GOVID_OIDC_CLIENT_SECRET", default=""),
                    "settings": {"server_url": GOVID_OIDC_SERVER_URL},
                }
            ]
            if GOVID_OIDC_SERVER_URL
            else []
        ),
    }
}
# Accounts linked to these providers are at L3.
MINYI_GOVERNMENT_ID_PROVIDERS = [GOVID_OIDC_PROVIDER_ID] if GOVID_OIDC_SERVER_URL else []
# The person chooses a display name on first sign-in (the provider's name is a real name).
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ADAPTER = "minyi.accounts.adapter.SocialAccountAdapter"

# --- Wagtail --------------------------------------------------------------

WAGTAIL_SITE_NAME = "民意 Minyi"
# No Gravatar: it would send a hash of every staff member's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
# Every sign-in goes through allauth, which rate-limits failed attempts; a signed-in person
# without admin access is told so there (minyi.accounts.views.admin_login) instead of looping.
WAGTAILADMIN_LOGIN_URL = "admin_login"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "csv", "txt", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_FINISH_WORKFLOW_ACTION = "minyi.agencies.workflows.publish_approved"

# --- Language, locale and time ---------------------------------------------

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", _("Traditional Chinese")), ("en", _("English"))]
# Taiwan writes 49,443 (Django's zh_Hant: 49443); minyi/formats/zh_Hant/formats.py.
FORMAT_MODULE_PATH = ["minyi.formats"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Files only a view hands out (minyi.private_files); never serve this folder.
PRIVATE_ROOT = env.path("PRIVATE_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    # Removes a half-written upload when the disk fills (Django's storage leaves it behind).
    "default": {"BACKEND": "minyi.faults.SafeFileSystemStorage"},
    # Never served by address: draft report PDFs (minyi.private_files).
    "private": {"BACKEND": "minyi.private_files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- E-mail ---------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="民意 Minyi <noreply@minyi.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Who runs the platform and answers questions about personal data: named in the notice of
# collection that the Personal Data Protection Act (個人資料保護法 §8) asks for (/privacy/).
MINYI_OPERATOR_NAME = env.str("OPERATOR_NAME", default="民意 Minyi 平台營運機關")
MINYI_PRIVACY_CONTACT = env.str("PRIVACY_CONTACT", default="privacy@minyi.localhost")

# --- Security -------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Wagtail's live preview shows the page in a same-origin iframe, so DENY would
# break editing; SAMEORIGIN still blocks framing by any other site.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The development database cannot hold a constraint with NULLS NOT DISTINCT; PostgreSQL,
    # where it matters, does. Without this every ./dev command starts with a warning.
    SILENCED_SYSTEM_CHECKS.append("models.W047")
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (minyi.security) -------------------------------
# Public pages run scripts only from our own origin or carrying this response's nonce
# (<script nonce="{{ csp_nonce }}">); json_script blocks are data and are never executed.
# "{nonce}" is replaced by the request's nonce. CSP_REPORT_ONLY=true sends the policy as
# Content-Security-Policy-Report-Only instead (to try a change on live traffic first).
MINYI_CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
_CSP_PUBLIC = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce-{nonce}'"],
    # 'unsafe-inline' for styles only (never for scripts): plotly.js injects <style> elements
    # and style attributes when it draws a chart, the stance strip sizes its bars with style
    # attributes, and the self-contained error pages (500, 503) inline their styles.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    # ws:/wss: for the live updates (/ws/live/). Nothing else: the county map is drawn on the
    # server (performance/maps.py), so no chart fetches a base map from a CDN.
    "connect-src": ["'self'", "ws:", "wss:"],
    "frame-ancestors": ["'self'"],  # Wagtail's preview frames our pages (X_FRAME_OPTIONS too)
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}
if GOVID_OIDC_SERVER_URL:
    # Signing in with a government identity posts a form that redirects to the provider, and
    # form-action also governs where a submitted form may be redirected.
    _govid = urlsplit(GOVID_OIDC_SERVER_URL)
    _CSP_PUBLIC["form-action"] = [*_CSP_PUBLIC["form-action"], f"{_govid.scheme}://{_govid.netloc}"]
MINYI_CSP_POLICIES = {
    "public": _CSP_PUBLIC,
    # The Wagtail admin (and Django's admin, administrators only) renders inline <script> in
    # its panels and widgets, and its choosers evaluate code (wagtail/wagtail#1288), so staff
    # pages allow inline scripts and eval; avatars (Gravatar) and image previews (blob:) load
    # from elsewhere. Still no plugins, no framing by other sites, forms post only to us.
    "admin": {
        **_CSP_PUBLIC,
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "frame-src": ["'self'", "https:"],
    },
    # django-ninja's Swagger page (/api/v1/docs), from our static files: Swagger UI sets
    # inline styles and draws its icons as data: images; its scripts are files, no inline.
    "api_docs": {
        **_CSP_PUBLIC,
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
    },
}
# Path prefixes (request.path_info) with a policy other than "public"; the first match wins.
MINYI_CSP_PATHS = [
    ("/admin/", "admin"),
    ("/django-admin/", "admin"),
    ("/api/v1/docs", "api_docs"),
]

# --- Page cache (minyi.page_cache) -----------------------------------------
# Shared copies for anonymous readers and for signed-in citizens (their own parts filled per
# request). Off: every page is rendered in full for its reader.
MINYI_PAGE_CACHE = env.bool("MINYI_PAGE_CACHE", default=True)

# --- Rate limits (minyi.ratelimit) ------------------------------------------
# Per signed-in user, fixed windows on the shared cache; past a limit the request is answered
# 429 with Retry-After and a Traditional Chinese message. Keys: per_minute, per_hour, per_day.
# Sign-up and sign-in are limited by allauth (ACCOUNT_RATE_LIMITS above).
MINYI_RATE_LIMITS = {
    # The comment flood (tests/load/comment_flood.py) raises it through the environment.
    "comment": {
        "per_minute": env.int("COMMENT_RATE_LIMIT_PER_MINUTE", default=5),
        "per_hour": env.int("COMMENT_RATE_LIMIT_PER_HOUR", default=60),
    },
    "statement": {"per_minute": 3, "per_hour": 20},
    "petition": {"per_minute": 2, "per_hour": 10},
    "petition_edit": {"per_minute": 5, "per_hour": 30},  # corrections before review
    "endorse": {"per_minute": 10, "per_hour": 100},
    "report": {"per_minute": 5, "per_day": 30},
    # Generous: a participant votes on statement after statement. The load harness and the
    # vote replay (tests/load, tests/benchmarks) raise it through the environment.
    "vote": {
        "per_minute": env.int("VOTE_RATE_LIMIT_PER_MINUTE", default=120),
        "per_hour": env.int("VOTE_RATE_LIMIT_PER_HOUR", default=2000),
    },
    # Mobile verification codes sent, per account, per number and per client address.
    "mobile_code_user": {"per_hour": 5, "per_day": 10},
    "mobile_code_number": {"per_hour": 3, "per_day": 6},
    "mobile_code_ip": {
        "per_hour": env.int("MOBILE_CODE_RATE_LIMIT_PER_IP_HOUR", default=30),
        "per_day": 100,
    },
    # Opening a vote WebSocket (each connection then keeps to the vote limits itself).
    "vote_socket": {"per_minute": 10, "per_hour": 100},
}

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A line for every task started and finished (the listening tick runs each minute)
        # buries what matters; failures are logged at ERROR whatever this says.
        "django_tasks": {"level": env.str("TASK_LOG_LEVEL", default="WARNING")},
    },
}
