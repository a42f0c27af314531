"""Legion settings, read from the environment and failing loudly on bad values.

LEGION_ENV selects the profile: "dev" (default: SQLite, console e-mail, keys
generated once into var/dev-secrets.json) or "production" (every secret must be
given in the environment or in a file named by NAME_FILE; nothing is generated).
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------
# Reading the environment. Every variable Legion reads goes through one of these helpers,
# here and nowhere else, and is listed in docs/configuration.md (tests/test_configuration.py
# parses this module for the names and fails on an undocumented one).


def envstr(name: str, default: str) -> str:
    """A plain string; an empty value counts as unset."""
    return os.environ.get(name) or default


def envlist(name: str, default: str = "") -> list[str]:
    """A comma-separated list, blanks dropped."""
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).lower()
    if value not in ("true", "false", "1", "0", "yes", "no"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")
    return value in ("true", "1", "yes")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


VAR_DIR = Path(envstr("LEGION_VAR_DIR", str(BASE_DIR / "var")))


LEGION_ENV = envstr("LEGION_ENV", "dev")
if LEGION_ENV not in ("dev", "production"):
    raise ImproperlyConfigured(f"LEGION_ENV must be dev or production, not {LEGION_ENV!r}")
PRODUCTION = LEGION_ENV == "production"


def _dev_secrets() -> dict[str, str]:
    """Development secrets, generated once per checkout and never committed."""
    path = VAR_DIR / "dev-secrets.json"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        generated = {
            "SECRET_KEY": secrets.token_urlsafe(50),
            "LEGION_FIELD_KEYS": "k1:" + secrets.token_urlsafe(32),
            "LEGION_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "LEGION_AUDIT_KEY": secrets.token_urlsafe(32),
        }
        path.write_text(json.dumps(generated, indent=2))
        path.chmod(0o600)
    stored = json.loads(path.read_text())
    if "LEGION_AUDIT_KEY" not in stored:  # checkouts from before the audit log
        stored["LEGION_AUDIT_KEY"] = secrets.token_urlsafe(32)
        path.write_text(json.dumps(stored, indent=2))
    return stored


def envsecret(name: str, *, optional: bool = False) -> str:
    """A secret from NAME, or from the file named by NAME_FILE; generated only in dev.
    An optional secret (an SMTP password, the metrics token) is "" when unset."""
    if value := os.environ.get(name):
        return value
    if file_name := os.environ.get(f"{name}_FILE"):
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE names a file that cannot be read: {exc}"
            ) from exc
    if optional:
        return ""
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set in production")
    return _dev_secrets()[name]


SECRET_KEY = envsecret("SECRET_KEY")
# Field encryption keys as "id:base64key,id:base64key"; the first one encrypts,
# all of them decrypt (so keys can be rotated without downtime).
LEGION_FIELD_KEYS = envsecret("LEGION_FIELD_KEYS")
LEGION_BLIND_INDEX_KEY = envsecret("LEGION_BLIND_INDEX_KEY")
# Keys the audit log's hash chain (HMAC): kept out of the database, so a person who can
# write to the database cannot rewrite the log and recompute the chain.
LEGION_AUDIT_KEY = envsecret("LEGION_AUDIT_KEY")


def _check_keys() -> None:
    """Refuse to start with a malformed or weak key, rather than fail at the first use."""
    import base64
    import binascii

    for item in LEGION_FIELD_KEYS.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            raw = b""
        if not sep or not key_id or len(key_id) > 32 or len(raw) != 32:
            raise ImproperlyConfigured(
                "LEGION_FIELD_KEYS must be 'id:key,id:key' with 32-byte url-safe base64 keys "
                "(`legion rotate-keys --new-key` prints one)"
            )
    for name, value in (
        ("LEGION_BLIND_INDEX_KEY", LEGION_BLIND_INDEX_KEY),
        ("LEGION_AUDIT_KEY", LEGION_AUDIT_KEY),
    ):
        if len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 random characters")
    if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters")


_check_keys()

DEBUG = envbool("DEBUG", "false" if PRODUCTION else "true")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS") or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# In production these two have no default: _check_production names the missing one.
SITE_URL = envstr("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Before the admin, so that its admin classes edit every language side by side.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks_db",
    "ninja",  # its static Swagger UI for /api/v1/docs (no CDN)
    "legion.missions",
    "legion.advisories",
    "legion.cases",
    "legion.outbox",
    "legion.conversation",
    "legion.interviews",
    "legion.identity",
    "legion.portal",
    "legion.workspace",
    "legion.reports",
    "legion.dashboard",
    "legion.assisted",
    "legion.api",
    "legion.idempotency",
    "legion.content",
    "legion.webhooks",
    "legion.exports",
    "legion.demo",
    "legion.audit",
    "legion.accounts",
    "legion.dataprotection",
    "legion.operations",
    "legion.server",
    "django_otp",
    "axes",
]

MIDDLEWARE = [
    # Operations first: every request timed by route name, /metrics answered (to its
    # token or addresses), /healthz and /readyz before any redirect, session or lookup.
    "legion.operations.logs.RequestLogMiddleware",
    "legion.operations.metrics.MetricsMiddleware",
    "legion.operations.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files before anything that reads the session or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "legion.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "legion.middleware.StaffEnglishMiddleware",
    # Before anything reads the body (CSRF reads request.POST): 413 for oversized bodies.
    "legion.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "legion.api.limits.ApiRateLimitMiddleware",
    "legion.api.idempotency.ApiIdempotencyMiddleware",
    # Before CSRF: our pages send Origin "null" (Referrer-Policy no-referrer).
    "legion.middleware.SameOriginFetchMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "legion.middleware.NotInScopeMiddleware",
    "legion.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "legion.urls"
WSGI_APPLICATION = "legion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "legion" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite (WAL) by default; PostgreSQL in production through DATABASE_URL.
DATABASE_URL = envstr(
    "DATABASE_URL",
    "sqlite:///:memory:" if PRODUCTION else f"sqlite:///{VAR_DIR / 'legion.sqlite3'}",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets psycopg prepare statements sent through server-binding cursors: only intake
    # screening's one statement (legion.identity.screening), planned once per connection.
    # Django's own cursors bind on the client and never prepare. Behind PgBouncer in
    # transaction mode this needs PgBouncer 1.21+ with max_prepared_statements set.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    # No parallel workers for the application's queries: a page's statements are short,
    # and on a busy small machine starting workers costs more than they save (a name
    # search at a million cases: 215 ms with two workers, 75-94 ms without, under load;
    # bench/RESULTS.md). Reports that scan a lot can SET it back for their transaction.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c max_parallel_workers_per_gather=0")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Staff sign in with a password and a TOTP code (legion.accounts); repeated failures of
# either lock the account (django-axes); sessions end after inactivity.
AUTHENTICATION_BACKENDS = [
    "legion.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LEGION_LOCKOUT_FAILURES", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("LEGION_LOCKOUT_MINUTES", "15"))
# By the account attacked only: colleagues behind one office or embassy address must not
# lock each other out. One password tried on many accounts meets each account's own
# limit, and a password alone opens nothing without the account's TOTP code.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 warns of lockouts keyed by user agent or cookie, which an attacker rotates; a
# lockout keyed by the username alone cannot be dodged that way.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Only a complete sign-in (password and code) clears the failures: a password alone
# must not buy an attacker who has it a fresh round of code guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "legion.accounts.views.locked_out_response"
AXES_CLIENT_IP_CALLABLE = "legion.audit.context.client_ip"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = envstr("LEGION_OTP_ISSUER", "Legion")
OTP_TOTP_THROTTLE_FACTOR = 1
LEGION_STAFF_IDLE_MINUTES = envint("LEGION_STAFF_IDLE_MINUTES", "30")
LEGION_REAUTH_SECONDS = envint("LEGION_REAUTH_SECONDS", "300")
LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:home"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("uk", "Українська"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pl", "Polski"),
    ("ja", "日本語"),
]
LOCALE_PATHS = [BASE_DIR / "legion" / "locale"]
# Data an applicant reads (legion/*/translation.py) has a value per portal language;
# English is the explicit fallback, marked lang="en" on the page (legion.locale.content).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A text typed without saying its language (demo, imports, the API) is English.
MODELTRANSLATION_AUTO_POPULATE = "default"
# British English dates ("2 November 1994") instead of Django's American ones (legion/formats).
FORMAT_MODULE_PATH = ["legion.formats"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# `legion serve` (legion/server): which server, processes, threads, where it listens.
LEGION_SERVER = envstr("LEGION_SERVER", "granian")
LEGION_WEB_WORKERS = envint("LEGION_WEB_WORKERS", str(os.cpu_count() or 1))
LEGION_WEB_THREADS = envint("LEGION_WEB_THREADS", "4")
LEGION_WEB_TIMEOUT = envint("LEGION_WEB_TIMEOUT", "30")
LEGION_HOST = envstr("LEGION_HOST", "127.0.0.1")
LEGION_PORT = envint("PORT", "8000")

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("LEGION_STATIC_ROOT", str(VAR_DIR / "static")))
# `legion collectstatic` writes every file under a content-hashed name with gzip and
# brotli copies; whitenoise serves those with a one-year immutable cache lifetime.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(envstr("LEGION_MEDIA_ROOT", str(VAR_DIR / "media")))

# Uploaded documents: limits the portal and the workspace enforce.
LEGION_MAX_UPLOAD_BYTES = envint("LEGION_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
# A multipart body may exceed the file by this much (the form's other fields and the
# multipart envelope); a larger body is refused with 413 before it is read
# (legion.middleware.RequestSizeLimitMiddleware, legion.asgi).
LEGION_UPLOAD_FORM_OVERHEAD_BYTES = 256 * 1024
# Applicants (portal): how long an e-mailed one-time link or code works, and after how
# long without activity an applicant's session ends.
LEGION_ACCESS_TOKEN_SECONDS = envint("LEGION_ACCESS_TOKEN_SECONDS", str(24 * 3600))
LEGION_APPLICANT_IDLE_SECONDS = envint("LEGION_APPLICANT_IDLE_SECONDS", str(30 * 60))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# E-mail through Django 6.1 mailers: the console in dev unless LEGION_SMTP_HOST is set,
# SMTP (LEGION_SMTP_*) in production. Every e-mail goes through the outbox.
_smtp_host = envstr("LEGION_SMTP_HOST", "")
_smtp = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {
    "default": {
        "BACKEND": envstr(
            "LEGION_MAIL_BACKEND",
            _smtp if _smtp_host or PRODUCTION else "django.core.mail.backends.console.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"] == _smtp:
    MAILERS["default"]["OPTIONS"] = {
        "host": _smtp_host or "localhost",
        "port": envint("LEGION_SMTP_PORT", "587"),
        "username": envstr("LEGION_SMTP_USER", ""),
        "password": envsecret("LEGION_SMTP_PASSWORD", optional=True),
        "use_tls": envbool("LEGION_SMTP_TLS", "true"),
        "timeout": envint("LEGION_SMTP_TIMEOUT", "60"),
    }
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Legion <no-reply@legion.example>")
# The outbox (legion/outbox): attempts before giving up, back-off base and cap, and how
# long one attempt may hold a message (well above LEGION_SMTP_TIMEOUT: after it, a
# message whose worker died mid-attempt is tried again).
LEGION_OUTBOX_MAX_ATTEMPTS = envint("LEGION_OUTBOX_MAX_ATTEMPTS", "8")
LEGION_OUTBOX_RETRY_SECONDS = envint("LEGION_OUTBOX_RETRY_SECONDS", "60")
LEGION_OUTBOX_RETRY_MAX_SECONDS = envint("LEGION_OUTBOX_RETRY_MAX_SECONDS", str(6 * 3600))
LEGION_OUTBOX_LEASE_SECONDS = envint("LEGION_OUTBOX_LEASE_SECONDS", "600")
_smtp_timeout = MAILERS["default"].get("OPTIONS", {}).get("timeout", 0)
if LEGION_OUTBOX_LEASE_SECONDS <= 2 * _smtp_timeout:  # noqa: SIM300 (reads as the rule)
    raise ImproperlyConfigured(
        "LEGION_OUTBOX_LEASE_SECONDS must be more than twice LEGION_SMTP_TIMEOUT, or a slow "
        "attempt could be taken for a dead one and the e-mail sent twice"
    )

# Webhooks (legion/webhooks): how long one POST may take (at most a third of the outbox
# lease, so a slow answer is never taken for a dead worker), and whether plain-HTTP
# endpoints are allowed (development and tests on loopback only).
LEGION_WEBHOOK_TIMEOUT_SECONDS = envint("LEGION_WEBHOOK_TIMEOUT_SECONDS", "10")
LEGION_WEBHOOK_ALLOW_HTTP = envbool("LEGION_WEBHOOK_ALLOW_HTTP", "false")
# Case exports (legion/exports): how long a download link works before the file is deleted.
LEGION_EXPORT_LINK_SECONDS = envint("LEGION_EXPORT_LINK_SECONDS", str(24 * 3600))

# ---------------------------------------------------------------------------------------
# Shared state for several nodes. One machine needs nothing here: the embedded defaults
# (a file cache under var/, sessions in the database, the database task queue, files on
# local disk) are shared by its processes. Several nodes set REDIS_URL (cache, rate
# limits, sessions, locks; the task queue too with LEGION_TASK_BACKEND=redis) and
# LEGION_S3_BUCKET (documents on object storage, sealed by Legion before upload).
REDIS_URL = envstr("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"REDIS_URL must be redis://host:6379/0, rediss://... or unix://..., not {REDIS_URL!r}"
    )

# The task queue: the database (django-tasks-db, the default) or Redis (django-tasks-redis:
# Redis streams with consumer groups; chosen over Celery by bench/task_queue.py, see
# bench/RESULTS.md). Any other value is a backend's dotted path.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_redis.RedisTaskBackend",
}
_task_backend = envstr("LEGION_TASK_BACKEND", "database")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend)}}
if TASKS["default"]["BACKEND"] == TASK_BACKENDS["redis"]:
    _task_redis = envstr("LEGION_TASK_REDIS_URL", "") or REDIS_URL
    if not _task_redis:
        raise ImproperlyConfigured(
            "LEGION_TASK_BACKEND=redis needs REDIS_URL (or LEGION_TASK_REDIS_URL)"
        )
    TASKS["default"]["QUEUES"] = []  # every queue name
    TASKS["default"]["OPTIONS"] = {
        "REDIS_URL": _task_redis,
        "REDIS_KEY_PREFIX": "legion:tasks",
        # A task whose worker died is taken over after this long (its lease).
        "REDIS_CLAIM_TIMEOUT": envint("LEGION_TASK_CLAIM_SECONDS", "900"),
        "REDIS_RESULT_TTL": 7 * 24 * 3600,
    }
    INSTALLED_APPS.append("django_tasks_redis")  # its admin pages: queued, failed tasks

if REDIS_URL:
    # Sessions read from Redis and written through to the database, so a restart of
    # Redis signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Uploaded documents on S3-compatible object storage (django-storages) when a bucket is
# named; local disk (LEGION_MEDIA_ROOT) otherwise. Sealed with AES-GCM either way.
LEGION_S3_BUCKET = envstr("LEGION_S3_BUCKET", "")
LEGION_S3_ENDPOINT_URL = envstr("LEGION_S3_ENDPOINT_URL", "") or None
LEGION_S3_REGION = envstr("LEGION_S3_REGION", "") or None
LEGION_S3_PREFIX = envstr("LEGION_S3_PREFIX", "documents")
LEGION_S3_ACCESS_KEY_ID = envstr("LEGION_S3_ACCESS_KEY_ID", "") or None
LEGION_S3_SECRET_ACCESS_KEY = envsecret("LEGION_S3_SECRET_ACCESS_KEY", optional=True) or None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("LEGION_SESSION_SECONDS", str(8 * 3600))
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "no-referrer"
CSRF_FAILURE_VIEW = "legion.portal.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Built-in CSP: no inline script or style anywhere, nothing from other origins.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Structured logs (legion/operations/logs.py): one JSON object a line on stderr, with the
# request id; `console` for a developer's terminal. SQL is never logged (its parameters
# hold personal data), whatever LOG_LEVEL says.
LOG_FORMAT = envstr("LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or console, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {"()": "legion.operations.logs.formatter", "format_name": LOG_FORMAT}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    # Production: a line per request and per task; development: warnings and errors.
    "root": {
        "handlers": ["console"],
        "level": envstr("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING"),
    },
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own request errors repeat what the request line and the 500 page say.
        "django.request": {"level": "ERROR"},
    },
}

# Prometheus metrics at /metrics (legion/operations/metrics.py): readable with this token
# (Authorization: Bearer ...) or from these addresses/networks; neither set: nobody.
LEGION_METRICS_TOKEN = envsecret("LEGION_METRICS_TOKEN", optional=True)


def envnetworks(name: str, default: str = "") -> list:
    import ipaddress

    try:
        return [ipaddress.ip_network(item, strict=False) for item in envlist(name, default)]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must list addresses or networks: {exc}") from exc


LEGION_METRICS_NETWORKS = envnetworks("LEGION_METRICS_ADDRESSES")
# Several server processes count into this folder (prometheus_client's multiprocess
# mode); `legion serve` makes one under var/ when it is not set.
PROMETHEUS_MULTIPROC_DIR = envstr("PROMETHEUS_MULTIPROC_DIR", "")
if PRODUCTION and LEGION_METRICS_TOKEN and len(LEGION_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("LEGION_METRICS_TOKEN must be at least 32 random characters")

# Behind this many trusted reverse proxies, the client address is taken from
# X-Forwarded-For (audit log, lockouts); 0 means REMOTE_ADDR.
LEGION_PROXY_COUNT = envint("LEGION_PROXY_COUNT", "0")

# The cache every server process shares (rate limits): files under
# var/ on one machine; a cache in process memory would give each process its own counts.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache"),
    }
}
if REDIS_URL:  # several nodes: one cache for all (atomic counters, shared lockouts)
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "legion",
    }
LEGION_RATE_LIMIT_CACHE = "default"


# API rate limits as COUNT/SECONDS, per token and per client address (legion/api/limits.py).
def envrate(name: str, default: str) -> str:
    value = envstr(name, default)
    count, _, seconds = value.partition("/")
    if not (count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0):
        raise ImproperlyConfigured(f"{name} must be COUNT/SECONDS such as 600/60, not {value!r}")
    return value


LEGION_API_RATE_PER_TOKEN = envrate("LEGION_API_RATE_PER_TOKEN", "600/60")
LEGION_API_RATE_PER_ADDRESS = envrate("LEGION_API_RATE_PER_ADDRESS", "1200/60")
# Checks of travel letters per client address: a border post checks a few a minute.
LEGION_LETTER_CHECKS_PER_ADDRESS = envrate("LEGION_LETTER_CHECKS_PER_ADDRESS", "30/60")
# How long HQ security keeps a case opened by breaking the glass.
LEGION_BREAK_GLASS_MINUTES = envint("LEGION_BREAK_GLASS_MINUTES", "60")

# Retention per final state: days after closing before personal data is erased.
LEGION_RETENTION_DAYS = envstr(
    "LEGION_RETENTION_DAYS", "rejected=365,referred=365,withdrawn=180,arrived=730"
)
LEGION_RETENTION_INTERVAL_HOURS = envint("LEGION_RETENTION_INTERVAL_HOURS", "24")

# The legion this installation serves; the demo data set is Ukraine's.
LEGION_RECEIVING_COUNTRY = envstr("LEGION_RECEIVING_COUNTRY", "UA")

# ---------------------------------------------------------------------------------------
# Identity linkage (`legion match-people`, `legion dedupe-applicants`): DuckDB on this
# machine, or Spark when one machine is not enough (legion/identity/batch.py).
LEGION_LINKAGE_MEMORY = envstr("LEGION_LINKAGE_MEMORY", "1200MB")
# On a Spark cluster the staged Parquet files must be where executors can read them.
LEGION_LINKAGE_DIR = envstr("LEGION_LINKAGE_DIR", "") or None
LEGION_SPARK_MASTER = envstr("LEGION_SPARK_MASTER", "local[2]")
LEGION_SPARK_PARTITIONS = envint("LEGION_SPARK_PARTITIONS", "2")
LEGION_SPARK_MEMORY = envstr("LEGION_SPARK_MEMORY", "2g")
LEGION_SPARK_LINEAGE = envstr("LEGION_SPARK_LINEAGE", "persist")
# The password of every demo login (`legion demo`); generated once into var/ when unset.
LEGION_DEMO_PASSWORD = envstr("LEGION_DEMO_PASSWORD", "")

# ---------------------------------------------------------------------------------------
# Production refuses to start on a missing or unsafe setting, naming it (operations).


def _check_production() -> None:
    if not PRODUCTION:
        return
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be false in production")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    if "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's hosts, not '*'")
    if DATABASE_URL == "sqlite:///:memory:":
        raise ImproperlyConfigured(
            "DATABASE_URL must be set in production (postgres://... or an explicit sqlite:///)"
        )
    if not SITE_URL.startswith("https://"):
        raise ImproperlyConfigured(
            "SITE_URL must be set to the site's https:// address in production "
            "(links in e-mails point there)"
        )
    if "console" in MAILERS["default"]["BACKEND"] or "locmem" in MAILERS["default"]["BACKEND"]:
        raise ImproperlyConfigured(
            "LEGION_MAIL_BACKEND must deliver mail in production, not print or keep it"
        )
    if "ImmediateBackend" in TASKS["default"]["BACKEND"] or "Dummy" in TASKS["default"]["BACKEND"]:
        raise ImproperlyConfigured(
            "LEGION_TASK_BACKEND must queue tasks for a worker in production"
        )
    if LEGION_PROXY_COUNT < 0:
        raise ImproperlyConfigured("LEGION_PROXY_COUNT must be 0 or more")
    if LEGION_WEBHOOK_ALLOW_HTTP:
        raise ImproperlyConfigured(
            "LEGION_WEBHOOK_ALLOW_HTTP must be false in production: signed case events "
            "go to HTTPS endpoints only"
        )


_check_production()
