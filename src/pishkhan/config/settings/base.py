"""Django settings, all derived from :mod:`pishkhan.config.env`."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from pishkhan.config import env

ENV = env.read()
PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent

# What this process creates is readable by its owner only: the SQLite database and its -wal/-shm files,
# sms.log, uploaded documents and photos, checkpoints, generated keys (docs/operations.md). Set before
# anything is opened, and inherited by the server's worker processes.
os.umask(0o077)

DEBUG = ENV.debug
PISHKHAN_DEMO = ENV.demo
PISHKHAN_DATA_DIR = ENV.data_dir
# `pishkhan up` leaves this file in a data directory it prepares in demo mode (and removes it
# otherwise): commands run on the directory later are then in demo mode without PISHKHAN_DEMO=1.
PISHKHAN_DEMO_MARKER = ENV.data_dir / env.DEMO_MARKER
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "pishkhan.common",
    "pishkhan.audit",
    "pishkhan.accounts",
    "pishkhan.geo",
    "pishkhan.notifications",
    "pishkhan.catalogue",
    "pishkhan.offices",
    "pishkhan.licensing",
    "pishkhan.transactions",
    "pishkhan.frontoffice",
    "pishkhan.gateway",
    "pishkhan.supervision",
    "pishkhan.planning",
    "pishkhan.kpis",
    "pishkhan.privacy",
    "pishkhan.api",
    "pishkhan.web",
    "pishkhan.demo",
    "pishkhan.backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # While the database is unreachable, 503 with Retry-After rather than 500 (common/outage.py).
    "pishkhan.web.middleware.DatabaseOutageMiddleware",
    # A chunked request body is refused (411) before anything reads the body (common/headers.py).
    "pishkhan.common.headers.ChunkedBodyRefusedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pishkhan.web.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An account whose password someone else chose changes it before anything else (docs/accounts.md).
    "pishkhan.accounts.middleware.PasswordChangeRequiredMiddleware",
    # The Content-Security-Policy on every answer; no-store on personal data (common/headers.py).
    "pishkhan.common.headers.ContentSecurityPolicyMiddleware",
    "pishkhan.common.headers.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The API's refusal of unsafe text, and problem bodies for its unknown paths and wrong methods.
    "pishkhan.api.middleware.ApiRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pishkhan.config.urls"
WSGI_APPLICATION = "pishkhan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pishkhan.web.context_processors.navigation",
            ],
            "builtins": ["pishkhan.common.templatetags.persian"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# SQLite in WAL mode under the data directory unless DATABASE_URL names another database
# (PostgreSQL in production). Persistent connections: without them Django manages ~160 req/s
# instead of ~700 on this kind of machine (DESIGN.md §7). No health checks: Django's check is a
# `SELECT 1` before every request's first query, a sixth of the counter's capacity (benchmarks/README.md);
# a connection broken by a database restart fails one request instead, and Django drops it at that
# request's end (offices' systems retry with their Idempotency-Key).
if ENV.database_url:
    DATABASES = {
        "default": dj_database_url.parse(ENV.database_url, conn_max_age=600, conn_health_checks=False)
    }
    # Django's own queries are bound on the client and never prepared; this lets the few hot-path
    # statements of `common.prepared` be prepared on the server (psycopg ignores it for the rest).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
else:
    ENV.data_dir.mkdir(parents=True, exist_ok=True)
    # A data directory (and database) made before this rule, or by another tool, is closed up too.
    for _private, _mode in (
        (ENV.data_dir, 0o700),
        *((ENV.data_dir / f"pishkhan.sqlite3{suffix}", 0o600) for suffix in ("", "-wal", "-shm")),
        (ENV.data_dir / "sms.log", 0o600),
    ):
        with contextlib.suppress(OSError):  # absent, or not ours: nothing to close up
            if _private.exists() and _private.stat().st_mode & 0o077:
                _private.chmod(_mode)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ENV.data_dir / "pishkhan.sqlite3",
            # Persistent here too: opening a connection (its pragmas, Django's SQL functions) costs
            # ~3 ms, several times a counter request's own work.
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
                # instead of failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA cache_size=-65536;"
                    # A write of several statements journals each one, so that it alone can be undone;
                    # on disk that journal was a temporary file opened, written and deleted in many
                    # counter requests (a twelfth of their CPU).
                    "PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after repeated failed logins (django-axes): 5 failures for one user name from one address
# lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# And from one address whatever the user names (accounts/throttle.py): 20 failed sign-ins in 15 minutes
# refuse that address's sign-ins until the 15 minutes are over; 20 failed API keys likewise (429).
PISHKHAN_LOGIN_ADDRESS_FAILURES = 20
PISHKHAN_LOGIN_ADDRESS_WINDOW = 15 * 60  # seconds
PISHKHAN_APIKEY_ADDRESS_FAILURES = 20
PISHKHAN_APIKEY_ADDRESS_WINDOW = 15 * 60
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if ENV.behind_proxy else ["REMOTE_ADDR"]
)

# --- Internationalisation: Persian first, English available -------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "pishkhan_language"
LANGUAGE_COOKIE_SECURE = ENV.https
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files: served by WhiteNoise from the installed apps (no collectstatic, no CDN) --------
STATIC_URL = "static/"
STATIC_ROOT = ENV.data_dir / "static"
# WhiteNoise serves the apps' files through the finders; it also looks in STATIC_ROOT (filled only by
# an optional collectstatic) and warns on every request if the directory is missing.
# A read-only data directory is fine: collectstatic is then simply not used.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js of the installed plotly package (the KPI dashboards' charts).
    "pishkhan.web.staticfinders.PlotlyFinder",
]
WHITENOISE_AUTOREFRESH = DEBUG

# --- Uploaded files: licence applicants' documents, under the data directory ----------------------
# Never served from a URL of their own: the licensing API streams a document only after checking
# that the caller may review its application (no MEDIA_URL route exists).
MEDIA_ROOT = ENV.media_dir
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = ENV.https
CSRF_COOKIE_SECURE = ENV.https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_SSL_REDIRECT = ENV.https
SECURE_HSTS_SECONDS = ENV.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = ENV.hsts_seconds > 0
SECURE_HSTS_PRELOAD = ENV.hsts_seconds > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Public pages that show one person's data: never kept by a cache (common/headers.py). Signed-in pages
# and the API are never cached anyway.
PISHKHAN_NO_STORE_VIEWS = [
    "transactions:track",
    "web:signup",
    "web:password_reset",
    "supervision:complaint_new",
    "supervision:complaint_sent",
    "supervision:complaint_track",
    "frontoffice:book_slot",
    "frontoffice:booking_manage",
]
if ENV.behind_proxy:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Pishkhan -----------------------------------------------------------------------------------
PISHKHAN_SMS_BACKEND = ENV.sms_backend
PISHKHAN_SMS_LEASE_SECONDS = ENV.sms_lease_seconds
# What `pishkhan worker` runs: each job's function (called with now=) and its pause when idle, seconds.
PISHKHAN_JOBS = [
    # A signed checkpoint of the audit chain's head, outside the database (ADR 0011).
    {"name": "audit.checkpoint", "path": "pishkhan.audit.tasks.checkpoint_append", "every": 3600},
    {"name": "gateway.deliver", "path": "pishkhan.gateway.tasks.outbox_deliver", "every": 1},
    # The citizens' messages of each transaction's steps, put in the outbox after the fact (so the
    # counter's path does no more work); then the outbox sends every domain's messages, each once.
    {"name": "transactions.notify", "path": "pishkhan.transactions.tasks.notifications_enqueue", "every": 2},
    {"name": "notifications.send", "path": "pishkhan.notifications.tasks.messages_send", "every": 1},
    # Queue tickets left unended at the day's close keep no mobile past that day.
    {
        "name": "frontoffice.tickets_mobiles",
        "path": "pishkhan.frontoffice.tasks.tickets_mobiles_erase",
        "every": 3600,
    },
    # Booked citizens are reminded the day before, once each (a key per appointment and move).
    {
        "name": "frontoffice.appointment_reminders",
        "path": "pishkhan.frontoffice.tasks.appointments_reminders",
        "every": 3600,
    },
    # Bookings of past days never attended are marked missed.
    {
        "name": "frontoffice.appointments_missed",
        "path": "pishkhan.frontoffice.tasks.appointments_missed",
        "every": 3600,
    },
    # The queue's wait and service times per office, service, hour and day (frontoffice/waits.py).
    {"name": "frontoffice.waits", "path": "pishkhan.frontoffice.tasks.waits_advance", "every": 10},
    {"name": "licensing.renewal", "path": "pishkhan.licensing.tasks.renewal_reminders", "every": 3600},
    {
        "name": "offices.conversions_overdue",
        "path": "pishkhan.offices.tasks.conversions_overdue",
        "every": 3600,
    },
    {"name": "licensing.reinstate", "path": "pishkhan.licensing.tasks.licences_reinstate_due", "every": 3600},
    {"name": "licensing.expire", "path": "pishkhan.licensing.tasks.licences_expire_due", "every": 3600},
    {"name": "licensing.convert", "path": "pishkhan.licensing.tasks.conversions_licence_due", "every": 3600},
    # Inactivity campaigns' SMS notices, and their cases concluded once the grace period is over.
    {"name": "supervision.campaigns", "path": "pishkhan.supervision.tasks.campaigns_advance", "every": 60},
    # Supervision's rules: new transactions read every second; abnormal volume every ten minutes.
    {"name": "supervision.alerts", "path": "pishkhan.supervision.tasks.alerts_evaluate", "every": 1},
    {
        "name": "supervision.alerts_periodic",
        "path": "pishkhan.supervision.tasks.alerts_periodic",
        "every": 300,
    },
    # Complaints: answers texted, unanswered complaints escalated, unconfirmed refunds flagged overdue.
    {"name": "supervision.complaints", "path": "pishkhan.supervision.tasks.complaints_advance", "every": 60},
    # Sanction cases' notice SMS to the holder (ADR 0010).
    {"name": "supervision.sanctions", "path": "pishkhan.supervision.tasks.sanction_notices_due", "every": 60},
    # Offices' scores: this month's provisional ones once a day, the previous month closed once.
    {"name": "supervision.scores", "path": "pishkhan.supervision.tasks.scores_compute", "every": 3600},
    # Planning: demand and coverage recomputed once a day (the job skips while today's run exists).
    {"name": "planning.coverage", "path": "pishkhan.planning.tasks.coverage_compute_daily", "every": 3600},
    # KPIs: the daily rollups follow the counter's transaction events (kpis/services.py). Paced: a
    # round of at most kpis.services.BATCH events every 2 s even while more wait, so that during a
    # burst the counter keeps the machine and the rollups catch up after it (ADR 0015).
    {"name": "kpis.rollups", "path": "pishkhan.kpis.tasks.rollups_advance", "every": 2, "paced": True},
    # The retention policy (privacy.RetentionRule): personal data past its period purged once a day.
    {"name": "privacy.retention", "path": "pishkhan.privacy.tasks.retention_purge", "every": 86400},
]
# The network board (supervision/liveness.py): an office open by its hours and not heard from
# (heartbeat or transaction) for QUIET minutes is quiet, for OFFLINE minutes of its hours offline.
PISHKHAN_LIVENESS_QUIET_MINUTES = 10
PISHKHAN_LIVENESS_OFFLINE_MINUTES = 30
# How often an open board page asks for its live part again (seconds).
PISHKHAN_BOARD_REFRESH_SECONDS = 10
if PISHKHAN_DEMO:
    # The demo's healthy offices beat as their systems would (demo/tasks.py); never in production.
    PISHKHAN_JOBS.append(
        {"name": "demo.heartbeats", "path": "pishkhan.demo.tasks.demo_heartbeats", "every": 120}
    )
    # ...and the queues of a sample of them move: tickets issued, called and served (demo/queues.py).
    PISHKHAN_JOBS.append({"name": "demo.queues", "path": "pishkhan.demo.tasks.demo_queues", "every": 10})
# Licensing policy (ADR 0007): a licence's term, how long before expiry it may be renewed, and how
# many years a revoked licence bars its holder from applying again.
PISHKHAN_LICENCE_TERM_YEARS = 5
PISHKHAN_LICENCE_RENEWAL_WINDOW_DAYS = 90
PISHKHAN_LICENCE_REVOCATION_BAR_YEARS = 3
# Sanctions (ADR 0010): the holder's remedy window per ground (hours from the notice), the appeal
# window after a decision (days), and how many years back earlier decided cases count as offences
# when the fine table's ladder proposes the measure.
PISHKHAN_SANCTION_REMEDY_HOURS = {
    "overcharge": 72,
    "refund_not_made": 48,
    "inspection_failure": 240,
    "complaint_upheld": 120,
    "alert": 120,
    "other": 168,
}
PISHKHAN_SANCTION_APPEAL_DAYS = 10
PISHKHAN_SANCTION_REPEAT_YEARS = 3
# Keys that seal citizens' identifiers and agencies' secrets at rest (pishkhan.common.sealing).
PISHKHAN_SEALING_KEYS = ENV.sealing_keys
# Keys that sign the audit chain (pishkhan.audit.chain, ADR 0011): the first signs, every one verifies.
PISHKHAN_AUDIT_KEYS = ENV.audit_keys
# Where `pishkhan audit_checkpoint` (and the worker's audit.checkpoint job) append signed heads of the
# chain: a file outside the database, best on other storage or copied off the machine.
PISHKHAN_AUDIT_CHECKPOINT_FILE = ENV.audit_checkpoint_file
# The site's address (scheme and host) for links in text messages (pishkhan.common.links).
PISHKHAN_SITE_URL = ENV.site_url

# A refused request (403, 404, 400) is logged on one line; a server error keeps its traceback
# (config/logs.py). The filter sits on Django's request logger, and on the console for the records of
# django.security.* (a suspicious request, 400), which that logger's filter never sees.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "pishkhan.config.logs.ClientErrorsWithoutTraceback"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_errors"]}
    },
    "root": {"handlers": ["stderr"], "level": ENV.log_level},
    "loggers": {"axes": {"level": "WARNING"}, "django.request": {"filters": ["client_errors"]}},
}

# --- Cache and rate limits ----------------------------------------------------------------------
# The public tracking page counts look-ups per client address (django-ratelimit) and failed look-ups
# per tracking code, the complaint form complaints per address: in the default cache, which is a
# table of the database (created by the migration ``common.0001_cache_table``), so that every server
# process counts together (`pishkhan up` starts two; a cache in each process let each count alone,
# and a limit held per process). Counts are read and written without a lock (the database cache has
# no atomic increment): failures that arrive at the same moment may count once.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pishkhan_cache",
        # django-ratelimit's increment writes an entry again with this timeout (the database cache has
        # no increment of its own): at least its longest window (an hour), so a count lives as long.
        "TIMEOUT": 2 * 60 * 60,
        # Past this many entries the cache drops a third of them, counts included: far above the
        # addresses and codes counted in two hours (each entry a small row).
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}
RATELIMIT_USE_CACHE = "default"
if ENV.behind_proxy:
    # The address our one reverse proxy saw (the last X-Forwarded-For entry), not the client's claim.
    RATELIMIT_IP_META_KEY = "pishkhan.transactions.views.tracking.client_ip"
PISHKHAN_TRACK_RATE = "10/m"  # look-ups per client address
PISHKHAN_TRACK_CODE_FAILURES = 5  # failed look-ups of one tracking code an hour, from all addresses
PISHKHAN_COMPLAINT_RATE = "5/h"  # complaints sent per client address
PISHKHAN_ACCOUNT_RATE = "10/m"  # sign-up and forgotten-password attempts per client address

# --- Accounts (docs/accounts.md) -----------------------------------------------------------------
# The identity check behind sign-up: a dotted path to a class with ``lookup(national_id, birth_date=)``
# (pishkhan.accounts.identity.IdentityCheck). The sandbox answers deterministically.
PISHKHAN_IDENTITY_BACKEND = ENV.identity_backend

# --- Inspections (supervision) ------------------------------------------------------------------
# Random visits a province may draw per (Jalali) quarter; cancelled ones free their place.
PISHKHAN_INSPECTION_QUOTA_PER_QUARTER = 20
# Where inspection photos are kept: below the media directory, outside any served directory; they are
# streamed only by a view that checks who asks (supervision/views/inspections.py).
PISHKHAN_INSPECTION_PHOTO_DIR = MEDIA_ROOT / "inspections"
PISHKHAN_INSPECTION_PHOTO_MAX_BYTES = 5 * 1024 * 1024
PISHKHAN_INSPECTION_PHOTO_MAX_SIDE = 10_000  # pixels, either side
PISHKHAN_INSPECTION_PHOTO_MAX_PIXELS = 40_000_000  # width × height
# What each list of risky offices an office is on (open complaints, open alerts) adds to its weight in
# the random draw, where an office weighs 1.
PISHKHAN_INSPECTION_RISK_WEIGHT = 3
PISHKHAN_COMPLAINT_TRACK_RATE = "10/m"  # complaint look-ups (page and API) per client address
# Citizens' complaints: the directorate answers within these days, or the complaint escalates to the
# regulator; an office confirms a refund ordered on an upheld overcharge within these hours, or it is
# flagged overdue; a refund is at most this many rials (a typo's guard, well above any tariff).
PISHKHAN_COMPLAINT_ANSWER_DAYS = 14
PISHKHAN_COMPLAINT_REFUND_HOURS = 48
PISHKHAN_COMPLAINT_REFUND_MAX = 1_000_000_000

# Planning (docs/planning.md, "Demand and coverage"). A person is covered when an office of the kind
# that serves their place (Pishkhan in cities, rural ICT in villages) is within these km.
PISHKHAN_COVERAGE_URBAN_KM = 2.0
PISHKHAN_COVERAGE_RURAL_KM = 10.0
# The capacity assumption: transactions a year one office can serve (a counter at ~40 a day over ~250
# working days). A county is under-served when its capacity ÷ demand is below UNDER × the national
# ratio ("national": robust to a thin or scaled-down history) or × 1 ("absolute"), over-served above OVER ×.
PISHKHAN_COVERAGE_OFFICE_CAPACITY = 10_000
PISHKHAN_COVERAGE_SERVED_AGAINST = "national"
PISHKHAN_COVERAGE_UNDER_RATIO = 0.8
PISHKHAN_COVERAGE_OVER_RATIO = 1.5
# Per-capita use (transactions per person a year) when the counter's history is too thin to measure.
PISHKHAN_DEMAND_FALLBACK_RATE = {"urban": 1.0, "rural": 0.6}
# Estimated rural points: one per this many rural people (at least 1, at most MAX per county).
PISHKHAN_DEMAND_RURAL_PEOPLE_PER_POINT = 5_000
PISHKHAN_DEMAND_RURAL_MAX_POINTS = 40
PISHKHAN_DEMAND_SEED = 1405
# Proposed plans: new offices per province (default, and the most a form may ask for) and the time limit.
PISHKHAN_PLAN_BUDGET = 5
PISHKHAN_PLAN_BUDGET_MAX = 200
PISHKHAN_PLAN_TIME_LIMIT = 10.0
# Provinces' working groups (docs/planning.md, "Working groups"): an item is decided only when the members
# present are more than QUORUM × the group's members, and carried when its yes votes are more than
# MAJORITY × the votes cast (yes and no; abstentions are not cast).
PISHKHAN_WORKING_GROUP_QUORUM = 0.5
PISHKHAN_WORKING_GROUP_MAJORITY = 0.5
