"""Settings for the Article 16 disclosure portal, read from the environment.

Development needs no configuration (SQLite, local files, tasks in-process). Production
(`DJANGO_ENV=production`) refuses to start without the variables it must have; see README.md.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from portal.env import env_bool, env_choice, env_int, env_list, env_str
from portal.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "test", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    # The records' signing key is a secret too: production never falls back to a generated one.
    required = (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "RECORD_SIGNING_PKCS12",
        "LOG_SIGNING_KEY",
        "PORTAL_BASE_URL",
    )
    missing = [name for name in required if env_str(name) is None]
    if missing:
        raise ImproperlyConfigured(f"Production needs these environment variables: {', '.join(missing)}.")

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and any("*" in host for host in ALLOWED_HOSTS):
    # A wildcard lets any Host header through, and with it forged links and cache entries.
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must name the portal's host names in production, not a wildcard ('*'); "
        "use a leading dot ('.example.jp') for a domain and its subdomains."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Files the portal writes (SQLite database, uploads, records, the development signing key).
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "portal.accounts",
    "disclosures",
    "concerns",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    # First: one JSON log line per request, with a request id that follows into the tasks it schedules.
    "portal.logging.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.middleware.SessionTimeoutMiddleware",
    "portal.accounts.middleware.TwoFactorRequiredMiddleware",
    "portal.accounts.middleware.AuditDeniedAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it turns django-axes' lockout flag into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.membership",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 100-200 ms on the public pages' short queries whose estimated cost (correlated
    # subqueries) crosses jit_above_cost, for no gain on rows counted in the tens (bench/README.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user name before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Japan-facing: Japanese first, Japan time for every date shown.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # Uploads and records are private: they are served only through permission-checked views,
    # so the storage has no public base URL.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Records and attachments in a private S3-compatible bucket (MinIO, a cloud bucket) when one is named.
# Files are still served only through the permission-checked views, which stream them; the signed URLs
# the storage could make expire after STORAGE_S3_SIGNED_URL_SECONDS and no page links to one.
# Credentials come from boto3's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role).
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL"),
            "region_name": env_str("STORAGE_S3_REGION"),
            "location": env_str("STORAGE_S3_PREFIX", ""),
            "addressing_style": env_choice("STORAGE_S3_ADDRESSING_STYLE", "path", ("path", "virtual", "auto")),
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env_int("STORAGE_S3_SIGNED_URL_SECONDS", 60, minimum=1),
            "file_overwrite": False,
            # A file being streamed is held in memory up to this size, then in a temporary file.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }

# Email (Django 6.1 mailers). EMAIL_BACKEND is a backend's dotted path; the options follow its kind.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))}
else:
    _MAIL_OPTIONS = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Article 16 portal <no-reply@article16.example.jp>")
# Every link in an email starts with this, never with the Host header of the request that caused the mail.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Password-reset mails per hour for one entered email address (whether or not it has an account, so the
# limit says nothing about which addresses do) and for one client address.
PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = env_int("PASSWORD_RESET_PER_ACCOUNT_PER_HOUR", 3, minimum=1)
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 10, minimum=1)

# Cache and Celery: Redis when configured; otherwise a local cache and tasks run in-process
# (after the transaction commits, exactly as a worker would see them).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "portal.cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Logs are JSON lines from portal.logging, in every process (the worker must not install its own).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# On SIGTERM (remapped to a soft shutdown by `make serve` and compose.yaml) a worker lets its tasks run
# this long, then cancels them; being acknowledged late, they go back to the broker for another worker.
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = float(env_int("WORKER_SHUTDOWN_TIMEOUT", 20, minimum=0))
CELERY_WORKER_ENABLE_SOFT_SHUTDOWN_ON_IDLE = True
# Beat notes each run in the cache, for the operator page.
CELERY_BEAT_SCHEDULER = "portal.operations.beat:RecordingScheduler"
# How long /readyz and the operator page wait for workers to answer.
WORKER_PING_TIMEOUT_MS = env_int("WORKER_PING_TIMEOUT_MS", 1000, minimum=50)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 120, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 180, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "disclosures.send_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "overdue-digest": {
        "task": "disclosures.send_overdue_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # Supervisors: requests awaiting publication approval, at most one email a day per ministry.
    "publication-digest": {
        "task": "disclosures.send_publication_digests",
        "schedule": crontab(hour=8, minute=45),
    },
    "sweep-record-jobs": {
        "task": "disclosures.sweep_record_jobs",
        "schedule": env_int("RECORD_SWEEP_INTERVAL", 300, minimum=10),
    },
    "integrate-log": {
        "task": "disclosures.integrate_log",
        "schedule": env_int("LOG_INTEGRATE_INTERVAL", 30, minimum=1),
    },
    "drain-outbox": {
        "task": "disclosures.drain_outbox",
        "schedule": env_int("OUTBOX_DRAIN_INTERVAL", 60, minimum=5),
    },
    # Rights holders: watch-term matches and concern changes, at most one email a day each.
    "concern-digests": {
        "task": "concerns.send_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # PAdES B-LTA: a new document timestamp on records whose last one's TSA certificate expires soon.
    "renew-record-timestamps": {
        "task": "disclosures.renew_record_timestamps",
        "schedule": crontab(hour=3, minute=15),
    },
}
# Working days the ministry gives itself to triage a rights holder's concern.
CONCERN_TRIAGE_WORKING_DAYS = env_int("CONCERN_TRIAGE_WORKING_DAYS", 10, minimum=1)
# Transition mails go through the outbox; a mail the server keeps refusing is failed after this many tries.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
# PDF rendering is the heavy work: it has its own queue, so its workers scale out separately.
CELERY_TASK_ROUTES = {"disclosures.render_record": {"queue": "pdf"}}

# Signed PDF records. Without a PKCS#12 file a self-signed development key is generated under
# DATA_DIR on first use (refused in production). A timestamp authority URL upgrades B-B to B-LTA.
RECORD_SIGNING_PKCS12 = env_str("RECORD_SIGNING_PKCS12")
RECORD_SIGNING_PASSPHRASE = env_str("RECORD_SIGNING_PASSPHRASE")
RECORD_TSA_URL = env_str("RECORD_TSA_URL")
# PEM file of the TSA's trust anchors (and CA certificates); unset: the system trust store is used.
RECORD_TSA_ROOTS = env_str("RECORD_TSA_ROOTS")
RECORD_TSA_TIMEOUT = env_int("RECORD_TSA_TIMEOUT", 10, minimum=1)
# A record's archive timestamp is renewed when its TSA certificate expires within this many days.
RECORD_TSA_RENEW_DAYS = env_int("RECORD_TSA_RENEW_DAYS", 365, minimum=1)
# A job pending or running longer than this is taken to be lost and is re-queued by the sweeper.
RECORD_JOB_STALE_SECONDS = env_int("RECORD_JOB_STALE_SECONDS", 600, minimum=1)
RECORD_RENDER_SOFT_TIME_LIMIT = env_int("RECORD_RENDER_SOFT_TIME_LIMIT", 90, minimum=1)
RECORD_RENDER_TIME_LIMIT = env_int("RECORD_RENDER_TIME_LIMIT", 120, minimum=2)
# The public log: its own Ed25519 key (never the records key; a development key is made under
# DATA_DIR/signing/ on first use, refused in production), the checkpoint origin (the log's URL prefix
# without scheme), the pinned verifier key for an auditor who holds no private key, and the witnesses
# (cosignature/v1 verifier keys, comma-separated) whose cosignatures the log accepts and shows.
LOG_SIGNING_KEY = env_str("LOG_SIGNING_KEY")
LOG_ORIGIN = env_str("LOG_ORIGIN", PORTAL_BASE_URL.split("://", 1)[-1] + "/log")
LOG_VERIFIER_KEY = env_str("LOG_VERIFIER_KEY")
LOG_WITNESSES = env_list("LOG_WITNESSES", [])
# Entries sequenced per checkpoint at most, and how often beat runs the sequencer as a safety net.
LOG_BATCH_SIZE = env_int("LOG_BATCH_SIZE", 1000, minimum=1)
LOG_INTEGRATE_INTERVAL = env_int("LOG_INTEGRATE_INTERVAL", 30, minimum=1)
VERIFY_UPLOAD_MAX_BYTES = env_int("VERIFY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# Requests
DEFAULT_DEADLINE_WORKING_DAYS = env_int("DEFAULT_DEADLINE_WORKING_DAYS", 20, minimum=1)
# Files attached to answers (PDF, CSV, PNG, JPEG): the largest accepted, in bytes.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# Security: the production values pass `manage.py check --deploy`.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the language cookie.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe these over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Sessions end after this much inactivity (ministry staff hold confidential answers, so theirs is
# shorter) and, whatever the activity, this long after sign-in.
# (The settings are in seconds; the variables in the unit their names say.)
SESSION_IDLE_TIMEOUT_MINISTRY = env_int("SESSION_IDLE_MINUTES_MINISTRY", 30, minimum=1) * 60
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 120, minimum=1) * 60
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 60 * 60

# Two-factor sign-in (django-otp): the issuer name shown in authenticator apps.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Article 16 portal")

# Login throttling (django-axes): lock a user name, whatever the address it is tried from, after this
# many failures; it unlocks after the cool-off (0: only an administrator unlocks, with `axes_reset_username`).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns that this list lacks the address. Counting per user name on purpose: an attacker
# rotating addresses, cookies or user agents still hits the same count, and a ministry office behind one
# NAT address is not locked out as a whole. Spraying many user names from one address is rate-limited
# at the web server instead (docs/deploy.md, limit_req on the sign-in page).
# models.W040: SQLite (the embedded default) ignores the id the index's sort indexes carry for
# PostgreSQL's index-only scans (migration 0013); it needs it for nothing.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040"]
_axes_cooloff_minutes = env_int("AXES_COOLOFF_MINUTES", 60, minimum=0)
AXES_COOLOFF_TIME = timedelta(minutes=_axes_cooloff_minutes) if _axes_cooloff_minutes else None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The address django-axes records with each attempt: the same one definition as the audit trail's.
AXES_CLIENT_IP_CALLABLE = "portal.accounts.net.client_ip"

# Upload limits at the application (a file's own limit is ATTACHMENT_MAX_BYTES); the web server
# caps whole request bodies too (docs/deploy.md). DATA_UPLOAD_MAX_MEMORY_SIZE bounds a request body
# other than its files; FILE_UPLOAD_MAX_MEMORY_SIZE is how much of a file is held in memory before it
# is streamed to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)

# API
# How many proxies in front of the portal append to X-Forwarded-For. 0: the header is ignored and the client
# is REMOTE_ADDR. The audit log, the throttles and the API all read the address from portal.accounts.net.
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "portal.accounts.audit.api_exception_handler",
    # API tokens, or the signed-in browser (after its second factor). No Basic auth: a password alone
    # must never reach data that the pages guard with two factors.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "disclosures.api.auth.ApiTokenAuthentication",
        "disclosures.api.auth.SessionAuthentication",
    ],
    # Open data is for everyone, but one client must not starve the rest (keyed by address, or by user).
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.AnonRateThrottle",
        "portal.throttling.UserRateThrottle",
    ],
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "anon": f"{env_int('API_ANON_REQUESTS_PER_MINUTE', 120, minimum=1)}/minute",
        "user": f"{env_int('API_USER_REQUESTS_PER_MINUTE', 600, minimum=1)}/minute",
        # Per API token (the per-user rate of its creator applies as well).
        "token": f"{env_int('API_TOKEN_REQUESTS_PER_MINUTE', 300, minimum=1)}/minute",
        # The public HTML pages and the CSV exports, per address (portal.throttling.throttled).
        "public_page": f"{env_int('PUBLIC_PAGE_REQUESTS_PER_MINUTE', 120, minimum=1)}/minute",
        "export": f"{env_int('EXPORT_REQUESTS_PER_MINUTE', 10, minimum=1)}/minute",
    },
}
# Largest JSON body the API reads (a whole answer document with its rows fits many times over).
API_JSON_MAX_BYTES = env_int("API_JSON_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
SPECTACULAR_SETTINGS = {
    "TITLE": "Article 16 disclosure portal API",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "DESCRIPTION": (
        "Public open data (no key), and the endpoints with which an AI developer's system answers "
        "technical-explanation requests and a ministry reads its requests, versions and records. "
        "Errors are RFC 9457 problem details in the language of Accept-Language (ja or en). "
        "Writes to a draft need If-Match with the ETag read (428 without, 412 when stale)."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "disclosures.api.schema.add_components",
    ],
}

# JSON lines on standard error (portal/logging.py): one per request and per task, with the request id.
LOG_FORMAT = env_choice("LOG_FORMAT", "json", ("json", "console"))
LOGGING = logging_config(
    level=env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")), log_format=LOG_FORMAT
)
