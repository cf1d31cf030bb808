"""Settings, driven by the environment only.

With nothing set, the app runs anywhere: SQLite, Celery tasks inline, mail kept in the
outbox and printed to the console. Every variable is listed in README.md.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab

from portal_project.environment import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.switch("DEBUG", True)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.names(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.names("CSRF_TRUSTED_ORIGINS", [])

# The base of every link in an email; never taken from the request's Host header.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PRODUCT_NAME = "CareLink Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "phonenumber_field",
    "accounts",
    "outbox",
    "audit",
    "clinics",
    "access_control",
    "family_links",
    "prescribers",
    "portal",
    "care",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "prescribers.api.middleware.ApiJsonMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal_project.middleware.SecurityHeadersMiddleware",
    "portal_project.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "access_control.middleware.SessionExpiryMiddleware",
    "access_control.middleware.PortalAccessRefusalMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "accounts.middleware.StaffMfaRequiredMiddleware",
]

ROOT_URLCONF = "portal_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal_project.context_processors.product",
                "access_control.context_processors.portal_kiosk",
            ],
        },
    },
]

# Every form field is rendered by templates/forms/ (label, widget, help text, errors, ARIA).
FORM_RENDERER = "portal_project.forms.FormRenderer"

WSGI_APPLICATION = "portal_project.wsgi.application"

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env.str("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections with health checks: a connection per request is ten times slower.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env.int("CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", "")
# The cache should live in a Redis database of its own: clearing it must never drop queued tasks.
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", "") or REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within this window is redelivered; it must exceed the longest retry
# countdown so a delayed retry is not delivered twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep",
        "schedule": crontab(minute="*"),
    },
    "family-links-remind-expiring": {
        "task": "family_links.tasks.access_links_remind_expiring",
        "schedule": crontab(minute=15),
    },
}

# --- Email --------------------------------------------------------------------------------
EMAIL_HOST = env.str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env.switch("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env.switch("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "CareLink Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Retries double from the base delay up to the cap, and go on for hours: an SMTP outage
# delays mail, it does not lose it.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETRY_MAX_DELAY_SECONDS = env.int("OUTBOX_RETRY_MAX_DELAY_SECONDS", 600)
# An email not delivered this long after it was queued is marked failed; staff may resend it.
OUTBOX_RETRY_FOR_HOURS = env.float("OUTBOX_RETRY_FOR_HOURS", 48.0)
# A row still queued this long after its last attempt was due is assumed lost by the broker.
OUTBOX_STUCK_AFTER = timedelta(minutes=env.int("OUTBOX_STUCK_MINUTES", 5))
# A row left "sending" this long belongs to a worker that died mid-send. It must exceed
# CELERY_TASK_TIME_LIMIT, after which a live worker's send is killed anyway.
OUTBOX_SENDING_TIMEOUT_SECONDS = env.int("OUTBOX_SENDING_TIMEOUT_SECONDS", 180)

# --- Auth, allauth ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# SignInBackend decides every password sign-in with exactly one password hash, known account or
# not (no timing oracle). ModelBackend stays listed only so sessions begun with it stay valid.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.SignInBackend",
    "django.contrib.auth.backends.ModelBackend",
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
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Sign-up never says whether an address is registered: a new address gets a confirmation link,
# a known one gets "someone tried to sign up with your address"; both see "check your email".
# Only self-made accounts wait for that confirmation (accounts.stages); accounts made from an
# invitation or by staff sign in as before.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{PRODUCT_NAME}: "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
# Functions (dotted paths) asked at every sign-in; a message they return refuses it.
SIGN_IN_REFUSAL_HOOKS = ["access_control.policy.portal_access_refusal"]
# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the peer
# address is the client). accounts.http.client_ip and allauth's rate limits both read it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- Two-factor sign-in (allauth.mfa) -------------------------------------------------------
MFA_ADAPTER = "accounts.adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Security keys and passkeys are a second factor after the password, not a passwordless sign-in:
# every sign-in goes through the one rate-limited password form.
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = PRODUCT_NAME
# fido2 checks that the browser origin is https; the local demo runs on plain http.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Staff accounts (clinic staff, pharmacy staff, superusers) must enrol a second factor before any
# admin page. On by default in production; the local demo signs in with a password alone.
STAFF_MFA_REQUIRED = env.switch("STAFF_MFA_REQUIRED", not DEBUG)

# --- Portal access ------------------------------------------------------------------------
PORTAL_INVITATION_TTL = timedelta(days=env.int("PORTAL_INVITATION_TTL_DAYS", 3))
PORTAL_SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("PORTAL_SESSION_IDLE_MINUTES", 30))
PORTAL_SESSION_MAX_AGE = timedelta(hours=env.int("PORTAL_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(PORTAL_SESSION_MAX_AGE.total_seconds())

# Each app's demo data, in order; `manage.py seed_demo` runs them. Each returns lines to print.
DEMO_SEEDERS = ["clinics.demo.seed", "access_control.demo.seed", "prescribers.demo.seed"]
DEMO_SEEDERS.append("care.demo.seed")
DEMO_SEEDERS.append("family_links.demo.seed")

# --- Family links: Medical Access Links and Codes ------------------------------------------
ACCESS_LINK_TTL = timedelta(days=env.int("ACCESS_LINK_TTL_DAYS", 5))
# An unredeemed link that expires within this long gets one reminder (beat checks hourly).
ACCESS_LINK_REMINDER_LEAD = timedelta(hours=env.int("ACCESS_LINK_REMINDER_LEAD_HOURS", 24))
# Wrong dates of birth that lock a link.
ACCESS_LINK_MAX_FAILED_CHECKS = 5
# Medical Access Code attempts allowed per window, per portal account and per client address.
ACCESS_CODE_ATTEMPTS_PER_ACCOUNT = env.int("ACCESS_CODE_ATTEMPTS_PER_ACCOUNT", 10)
ACCESS_CODE_ATTEMPTS_PER_IP = env.int("ACCESS_CODE_ATTEMPTS_PER_IP", 30)
ACCESS_CODE_ATTEMPT_WINDOW = timedelta(minutes=env.int("ACCESS_CODE_ATTEMPT_WINDOW_MINUTES", 60))

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Local runs and tests serve assets straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Phone numbers (django-phonenumber-field) ----------------------------------------------
# Stored E.164. A new clinic's phone numbers are read in this country unless it picks another.
PHONENUMBER_DEFAULT_REGION = env.str("PHONENUMBER_DEFAULT_REGION", "US")
PHONENUMBER_DB_FORMAT = "E164"

# --- I18N ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- DRF ----------------------------------------------------------------------------------
# The API takes JSON only and its bearer tokens only: no HTTP Basic (a password oracle that
# sign-in's rate limits do not cover), no session (the API is for other software).
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["prescribers.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["prescribers.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
# The schema and its docs page are public: they describe the contract, never data (README, "API").
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PRODUCT_NAME} API",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["prescribers.api.schema.api_endpoints_only"],
    # swagger-ui and redoc are served from our own static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# A practitioner's API token works this long, until revoked, or until their password changes.
API_TOKEN_TTL = timedelta(days=env.int("API_TOKEN_TTL_DAYS", 90))
# Requests per token (DRF rate syntax: "120/min", "5000/hour"); over it the API answers 429.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", "120/min")
# The largest API request body; a prescription is a few kilobytes.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_KB", 64) * 1024

# --- Security switches for production -----------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Pages whose URL carries a secret token send only the site's origin as Referer, never the URL
# (portal_project.middleware). Not "no-referrer": with it the browser sends `Origin: null` with
# the page's form, which Django's CSRF check rightly refuses.
TOKEN_URL_NAMES = [
    "access_control:invitation_accept",
    "family_links:redeem",
    "practitioner:invitation_accept",
    "account_reset_password_from_key",
]
# Browser features no page needs are off; WebAuthn (passkeys) works on our own pages only.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"publickey-credentials-get": ["self"], "publickey-credentials-create": ["self"]}
# Content-Security-Policy (django-csp): every script and style comes from our own static files;
# templates hold no inline <script>, <style>, style="" or on*="" handlers. Images may also be
# data: URIs (allauth's TOTP QR code, swagger-ui's icons): an image cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.switch("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted by browsers when Secure, for path "/" and without a
    # Domain: no subdomain can set or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.switch("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.switch("SECURE_HSTS_PRELOAD", True)
    if env.switch("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
}

# --- Prescribers --------------------------------------------------------------------------
# An invitation to the practitioner portal is good for this long.
PRESCRIBER_INVITATION_TTL = timedelta(days=3)

# --- Care: documents, appointments, treatment plans, smart forms ---------------------------
# Patient documents have their own storage, never under a public URL: only the download views
# read them, after asking the access policy, and each download is audited. Locally they are
# files under private_media/; with DOCUMENTS_S3_BUCKET set they live in a private bucket
# through django-storages (AWS_* credentials from the environment, as boto3 reads them).
DOCUMENTS_S3_BUCKET = env.str("DOCUMENTS_S3_BUCKET", "")
DOCUMENTS_STORAGE: dict[str, Any]
if DOCUMENTS_S3_BUCKET:
    DOCUMENTS_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "location": "documents",
            "default_acl": "private",
            "file_overwrite": False,
            "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", "") or None,
        },
    }
else:
    DOCUMENTS_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("DOCUMENTS_ROOT", str(BASE_DIR / "private_media")),
        },
    }
STORAGES["documents"] = DOCUMENTS_STORAGE
# File types staff may upload (extension: the type it is served as), and the size limit.
DOCUMENT_ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
}
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", 10) * 1024 * 1024
# No request body may be larger than a document and its form (portal_project.middleware
# answers 413 before reading it). Files past FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
REQUEST_MAX_BODY_BYTES = DOCUMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
