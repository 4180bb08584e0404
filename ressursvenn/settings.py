"""Ressursvenn settings: one module, every value from the environment (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ressursvenn.lib import devsecrets
from ressursvenn.lib.env import env_bool, env_choice, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

ENVIRONMENT = env_choice("RESSURSVENN_ENV", ("development", "production"), "development")
PRODUCTION = ENVIRONMENT == "production"

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    FIELD_KEYS = env_str("RESSURSVENN_FIELD_KEYS")
    # Only `manage.py backup` / `restore` need it; they refuse to run without it.
    BACKUP_KEYS = env_str("RESSURSVENN_BACKUP_KEYS", "")
else:
    _dev = devsecrets.load_or_create(VAR_DIR / "dev-secrets.json")
    SECRET_KEY = env_str("SECRET_KEY", _dev["SECRET_KEY"])
    FIELD_KEYS = env_str("RESSURSVENN_FIELD_KEYS", _dev["RESSURSVENN_FIELD_KEYS"])
    BACKUP_KEYS = env_str("RESSURSVENN_BACKUP_KEYS", _dev["RESSURSVENN_BACKUP_KEYS"])

# Field encryption keys, newest first (comma separated Fernet keys; never derived from SECRET_KEY).
RESSURSVENN_FIELD_KEYS = [key.strip() for key in FIELD_KEYS.split(",") if key.strip()]
if not RESSURSVENN_FIELD_KEYS:
    raise ImproperlyConfigured("RESSURSVENN_FIELD_KEYS must hold at least one key.")

# Backup encryption keys, newest first (comma separated; base64 of 32 random bytes, e.g. from
# `manage.py backup --new-key`): independent of the field keys, so a stolen backup and a stolen
# field key are two separate losses (privacy/backup.py).
RESSURSVENN_BACKUP_KEYS = [key.strip() for key in BACKUP_KEYS.split(",") if key.strip()]

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "mailer",
    "ressursvenn.lib",
    "ressursvenn.organisations",
    "ressursvenn.accounts",
    "ressursvenn.volunteers",
    "ressursvenn.participants",
    "ressursvenn.matching",
    "ressursvenn.followup",
    "ressursvenn.surveys",
    "ressursvenn.reports",
    "ressursvenn.privacy",
    "ressursvenn.demo",
]

MIDDLEWARE = [
    "ressursvenn.lib.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ressursvenn.lib.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ressursvenn.accounts.middleware.SessionTimeoutMiddleware",
    "ressursvenn.accounts.middleware.RequireLoginMiddleware",
    "ressursvenn.accounts.middleware.ActiveMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ressursvenn.lib.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ressursvenn.urls"
WSGI_APPLICATION = "ressursvenn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "ressursvenn" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ressursvenn.accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default (WAL mode), PostgreSQL when DATABASE_URL is set.
# SQLite and concurrent writers (docs/operations.md): every transaction takes the write lock at
# BEGIN (IMMEDIATE), so no reader has to upgrade to a writer mid-transaction (SQLite answers that
# with "database is locked" at once, without waiting); a writer waits up to 20 s for the lock
# instead of failing; WAL lets readers run beside the one writer; synchronous=NORMAL is safe in
# WAL mode and spares an fsync per commit.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    # Connections are kept for 60 s and checked before reuse: after a database restart the next
    # request opens a new one instead of failing on the dead one.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_ressursvenn")}
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "ressursvenn.sqlite3"),
            "OPTIONS": dict(SQLITE_OPTIONS),
            # One file per test process: two test runs at once never share (or delete) one.
            "TEST": {
                "NAME": env_str("TEST_DATABASE_NAME", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and authentication
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60  # one hour
INVITATION_TTL = timedelta(hours=env_int("INVITATION_TTL_HOURS", 72, minimum=1))

# Lockout: 5 failures per username + IP lock for 15 minutes (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ressursvenn.accounts.views.locked_out"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Ressursvenn"
OTP_TOTP_THROTTLE_FACTOR = 1
RECOVERY_CODE_COUNT = 10

# --- Sessions: server side; 30 minutes idle and 12 hours at most.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_ACTIVITY_SECONDS = 60  # how often the last activity is written to the session
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_USE_SESSIONS = True
CSRF_FAILURE_VIEW = "ressursvenn.lib.views.csrf_failure"

# --- Security headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Load balancers probe the health endpoints over plain HTTP (ressursvenn/lib/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Designsystemet draws its icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Uploads: reject oversized requests early (bytes / number of fields).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Language: bokmål first, English second.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norsk (bokmål)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "ressursvenn" / "locale"]
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

# --- Static files: WhiteNoise serves them from the app process. Production: collectstatic writes
# compressed (gzip, brotli when installed), content-hashed copies to STATIC_ROOT, and WhiteNoise
# answers hashed names with a ten-year "immutable" Cache-Control. Development: served from the
# source folders as they change, so no collectstatic is needed (and no warning about a missing
# STATIC_ROOT).
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "ressursvenn" / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
WHITENOISE_AUTOREFRESH = not PRODUCTION
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail: every message goes through the durable queue of django-mailer (docs/architecture.md).
# Sending only stores the message, in the transaction of the change that causes it; the
# `worker` process (manage.py run_worker) delivers it with the backend `EMAIL_BACKEND` names,
# retrying with backoff when the relay is down.
EMAIL_BACKEND = "ressursvenn.lib.mailqueue.QueueBackend"
MAILER_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
MAILER_USE_FILE_LOCK = False  # row locks share the queue between workers on any machine
MAILER_EMAIL_LOG_MESSAGE_DATA = False  # the log never keeps a body (bodies hold links)
MAILER_ERROR_HANDLER = "ressursvenn.lib.mailqueue.defer_on_error"
MAILER_EMAIL_MAX_RETRIES = env_int("MAIL_MAX_RETRIES", 10, minimum=0)
# Retry n waits MAIL_RETRY_SECONDS * 2**n after the last failure (1 min, 2, 4 … about 17 h).
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60, minimum=1)
WORKER_POLL_SECONDS = env_int("WORKER_POLL_SECONDS", 2, minimum=1)
# /readyz and the admin warn when the oldest queued message waits longer than this.
MAIL_QUEUE_WARN_SECONDS = env_int("MAIL_QUEUE_WARN_SECONDS", 15 * 60, minimum=1)

# --- Daily jobs (lib/daily.py, `manage.py run_daily_jobs`): management commands that take
# `--today YYYY-MM-DD`, each run once per day (a unique run record) from its local time on,
# however many machines start them; days missed since the last run are run first, oldest
# first, up to DAILY_JOB_CATCH_UP_DAYS back.
DAILY_JOBS = {
    "send_reminders": env_str("SEND_REMINDERS_AT", "06:15"),
    "apply_retention": env_str("APPLY_RETENTION_AT", "02:30"),
    "deactivate_unused_accounts": env_str("DEACTIVATE_UNUSED_AT", "03:00"),
    "backup": env_str("BACKUP_AT", "01:30"),
}
DAILY_JOB_CATCH_UP_DAYS = env_int("DAILY_JOB_CATCH_UP_DAYS", 7, minimum=0)
# A run still marked running after this long died with its machine: another may take it over.
DAILY_JOB_STALE_MINUTES = env_int("DAILY_JOB_STALE_MINUTES", 120, minimum=1)
DAILY_JOB_MAX_ATTEMPTS = env_int("DAILY_JOB_MAX_ATTEMPTS", 3, minimum=1)

# --- Privacy operations (privacy/, docs/privacy.md). Retention (`manage.py apply_retention`,
# daily): personal data is anonymised this long after the event named; statistics survive.
# The woman: after her match ended, or her referral was closed, declined or withdrawn.
RETENTION_WOMAN_MONTHS = env_int("RETENTION_WOMAN_MONTHS", 12, minimum=1)
# An applicant who was rejected or withdrew: after that decision.
RETENTION_APPLICANT_MONTHS = env_int("RETENTION_APPLICANT_MONTHS", 6, minimum=1)
# A volunteer who ended: after she ended (and after her last match ended).
RETENTION_VOLUNTEER_MONTHS = env_int("RETENTION_VOLUNTEER_MONTHS", 24, minimum=1)
# The audit trail and the access log (ids and codes only once a person is anonymised).
RETENTION_LOG_MONTHS = env_int("RETENTION_LOG_MONTHS", 60, minimum=12)
# Technical logs that hold addresses: sent-mail log, login attempts.
RETENTION_TECHNICAL_LOG_DAYS = env_int("RETENTION_TECHNICAL_LOG_DAYS", 90, minimum=1)
# Accounts hygiene (`manage.py deactivate_unused_accounts`, daily): a staff account not used
# for ACCOUNT_UNUSED_DAYS is deactivated; its owner is warned ACCOUNT_WARNING_DAYS before.
ACCOUNT_UNUSED_DAYS = env_int("ACCOUNT_UNUSED_DAYS", 90, minimum=7)
ACCOUNT_WARNING_DAYS = env_int("ACCOUNT_WARNING_DAYS", 14, minimum=1)
if ACCOUNT_WARNING_DAYS >= ACCOUNT_UNUSED_DAYS:
    raise ImproperlyConfigured("ACCOUNT_WARNING_DAYS must be less than ACCOUNT_UNUSED_DAYS.")
# Backups (`manage.py backup`, daily when BACKUP_DIR is set): encrypted files in BACKUP_DIR,
# the older ones deleted after BACKUP_KEEP_DAYS.
BACKUP_DIR = env_str("BACKUP_DIR", "")
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 35, minimum=1)

EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ressursvenn <ikke-svar@ressursvenn.no>")
EMAIL_SUBJECT_PREFIX = ""

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Cache (rate limits of the public form, the readiness probe)
# REDIS_URL set: Redis, shared by every process and machine; short socket timeouts, so an
# outage answers in well under a second (the public form's limit then fails closed).
# Production without Redis: the database cache (table made by `createcachetable`, run by the
# Procfile's release step). Development and tests: per-process memory, which a system check
# (ressursvenn.E002) refuses in production.
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss", "unix"))
CACHE_TABLE = "ressursvenn_cache"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ressursvenn",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
elif PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Logs (docs/operations.md, "Logs"): JSON lines in production, no personal data in any of
# them (lib/request_log.py); one line per request when REQUEST_LOG is on.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "json" if PRODUCTION else "text")
REQUEST_LOG = env_bool("REQUEST_LOG", PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "ressursvenn.lib.request_log.RedactFilter"}},
    "formatters": {
        "json": {"()": "ressursvenn.lib.request_log.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # django-mailer logs each recipient at INFO: never in our log streams.
        "mailer": {"level": "WARNING"},
        "ressursvenn.request": {"level": "INFO" if REQUEST_LOG else "WARNING"},
    },
}

# --- Volunteer screening (DESIGN.md §4)
VOLUNTEER_MIN_AGE = env_int("VOLUNTEER_MIN_AGE", 25, minimum=18)
# A police certificate older than this when seen is refused.
POLICE_CERTIFICATE_MAX_AGE_DAYS = env_int("POLICE_CERTIFICATE_MAX_AGE_DAYS", 90, minimum=1)
# Renewal periods in years; 0 means never.
POLICE_CERTIFICATE_RENEWAL_YEARS = env_int("POLICE_CERTIFICATE_RENEWAL_YEARS", 3, minimum=0)
COURSE_RENEWAL_YEARS = env_int("COURSE_RENEWAL_YEARS", 3, minimum=0)
# Applications from one address per hour (public form).
APPLICATION_RATE_LIMIT = env_str("APPLICATION_RATE_LIMIT", "5/h")
# Reminders: an application waiting longer than this many days becomes a task.
REMINDER_APPLICATION_DAYS = env_int("REMINDER_APPLICATION_DAYS", 7, minimum=1)
# Renewals are shown as tasks this many days before they fall due.
REMINDER_RENEWAL_NOTICE_DAYS = env_int("REMINDER_RENEWAL_NOTICE_DAYS", 60, minimum=1)

# --- Matching and koblingsmøte
# Video meetings: a self-hostable Jitsi Meet server; the room name is random and unguessable.
MEETING_VIDEO_BASE_URL = env_str("MEETING_VIDEO_BASE_URL", "https://meet.jit.si")
MATCH_MIN_MONTHS = env_int("MATCH_MIN_MONTHS", 9, minimum=1)
MATCH_MAX_MONTHS = env_int("MATCH_MAX_MONTHS", 12, minimum=1)
MATCHING_CANDIDATE_LIMIT = env_int("MATCHING_CANDIDATE_LIMIT", 10, minimum=1)
# A koblingsmøte may be planned at most this many days ahead.
MEETING_MAX_DAYS_AHEAD = env_int("MEETING_MAX_DAYS_AHEAD", 183, minimum=1)

# --- Follow-up of a match (issue 9)
# Check-ins: this many in the first month (evenly spread), then one every CHECKIN_EVERY_MONTHS.
CHECKIN_FIRST_MONTH = env_int("CHECKIN_FIRST_MONTH", 2, minimum=1)
CHECKIN_EVERY_MONTHS = env_int("CHECKIN_EVERY_MONTHS", 1, minimum=1)
# A check-in is a task this many days before it is due (and stays one until it is held).
CHECKIN_NOTICE_DAYS = env_int("CHECKIN_NOTICE_DAYS", 3, minimum=0)
# No activity logged for this many days: a nudge to the volunteer, then a task for the leader.
INACTIVITY_NUDGE_DAYS = env_int("INACTIVITY_NUDGE_DAYS", 21, minimum=1)
INACTIVITY_TASK_DAYS = env_int("INACTIVITY_TASK_DAYS", 35, minimum=1)
# The volunteer may correct or delete her own activity for this many days.
ACTIVITY_EDIT_DAYS = env_int("ACTIVITY_EDIT_DAYS", 7, minimum=0)
# An urgent concern not acknowledged within this many hours is sent again (and shown in red).
CONCERN_URGENT_RESEND_HOURS = env_int("CONCERN_URGENT_RESEND_HOURS", 24, minimum=1)
# End of a match: a reminder this many days before; extensions up to this total length.
MATCH_END_NOTICE_DAYS = env_int("MATCH_END_NOTICE_DAYS", 30, minimum=1)
MATCH_EXTENDED_MAX_MONTHS = env_int("MATCH_EXTENDED_MAX_MONTHS", 18, minimum=1)
# A pair meeting may be planned at most this many days ahead.
PAIR_MEETING_MAX_DAYS_AHEAD = env_int("PAIR_MEETING_MAX_DAYS_AHEAD", 92, minimum=1)

# --- Outcome questionnaires (issue 11)
# A one-time link to the woman's questionnaire works for this many days.
SURVEY_LINK_DAYS = env_int("SURVEY_LINK_DAYS", 14, minimum=1)
# The midway questionnaire (and outcome question) falls due this many months after the start.
SURVEY_MIDWAY_MONTHS = env_int("SURVEY_MIDWAY_MONTHS", 6, minimum=1)
# The start and midway questionnaires stay due (a task, links can be made) this many days.
SURVEY_WINDOW_DAYS = env_int("SURVEY_WINDOW_DAYS", 60, minimum=1)
# The closure questionnaire: while the match is ending, and this many days after it closed.
SURVEY_CLOSURE_GRACE_DAYS = env_int("SURVEY_CLOSURE_GRACE_DAYS", 30, minimum=0)
# "Forlat siden raskt" on the woman's questionnaire pages leads to this neutral site.
SURVEY_QUICK_EXIT_URL = env_str("SURVEY_QUICK_EXIT_URL", "https://www.yr.no/")


def _weights(name: str) -> dict[str, float] | None:
    """Matching weights per programme: "interests=20,needs=30,..." (None: the engine defaults)."""
    factors = ("interests", "needs", "age", "availability", "distance", "languages")
    result: dict[str, float] = {}
    for item in env_list(name):
        factor, _, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if factor.strip() not in factors or not 0 <= number <= 100:
            raise ImproperlyConfigured(
                f"{name}: write factor=points with factors {', '.join(factors)} and 0-100 points."
            )
        result[factor.strip()] = number
    return result or None


MATCHING_WEIGHTS = _weights("MATCHING_WEIGHTS")

# Rows on one page of every list (lib.access.paginate).
PAGE_SIZE = env_int("PAGE_SIZE", 50, minimum=5)
