"""Settings for PolicyBase, read once from the environment.

No environment at all gives the embedded default: SQLite and a Tantivy index
under ``POLICYBASE_DATA_DIR`` (``var/`` in the checkout) and Celery tasks run
in-process, so a laptop needs neither PostgreSQL nor Redis.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def envfloat(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("POLICYBASE_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
INBOX_DIR = DATA_DIR / "inbox"
INBOX_INTERVAL = envint("POLICYBASE_INBOX_INTERVAL", 60)
# Files uploaded in the admin are kept here, one folder per day; larger files are refused.
UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_MAX_MB = envint("POLICYBASE_UPLOAD_MAX_MB", 100)
# The trained clause classifier; trained from SEED_CLAUSES on first use.
CLASSIFIER_PATH = DATA_DIR / "classifier.joblib"
SEED_CLAUSES = BASE_DIR / "data" / "labeled_clauses.tsv"
# The blind-labelled evaluation set (data/evaluation/README.md): its texts are
# left out of training, so that the shipped model is measured on unseen clauses.
EVALUATION_CLAUSES = BASE_DIR / "data" / "evaluation" / "clauses.tsv"
SAMPLE_CORPUS = BASE_DIR / "data" / "sample"
# The 存疑阈值 until a curator sets one in the admin (分类显示设置): below it
# a clause shows its two likeliest categories, and joins the review queue when
# a curator can decide between them (policybase.catalog.review, docs/classification.md).
CLASSIFIER_REVIEW_CONFIDENCE = envfloat("CLASSIFIER_REVIEW_CONFIDENCE", 0.5)

DEBUG = envbool("DJANGO_DEBUG", False)


def _development_secret_key() -> str:
    # One random key per data dir, so that a laptop's sessions survive restarts;
    # production sets SECRET_KEY in the environment.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)  # readable by the data dir's owner only
        key_file.write_text(get_random_secret_key())
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret_key()
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")

INSTALLED_APPS = [
    # The admin with PolicyBase's index page (the curators' review queue).
    "policybase.catalog.apps.PolicyBaseAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "haystack",
    "simple_history",
    # Periodic tasks (inbox scan, source fetching) kept in the database, editable in the admin.
    "django_celery_beat",
    "policybase.catalog",
    "policybase.search",
    "policybase.web",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "policybase.headers.content_security_policy",
    # Records who made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Served over HTTPS (POLICYBASE_HTTPS=1, the production setting): cookies only
# over TLS, plain HTTP redirected, HSTS. /healthz stays reachable over plain
# HTTP for monitors on the machine. Behind a proxy that terminates TLS, set
# POLICYBASE_BEHIND_PROXY=1 so X-Forwarded-Proto says the request was secure.
HTTPS = envbool("POLICYBASE_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("POLICYBASE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
# Subdomains and the preload list are on with HTTPS; a site that shares its
# domain with plain-HTTP hosts turns them off.
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("POLICYBASE_HSTS_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("POLICYBASE_HSTS_PRELOAD", HTTPS)
if envbool("POLICYBASE_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

ROOT_URLCONF = "policybase.urls"
WSGI_APPLICATION = "policybase.wsgi.application"

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
                # ingestion_paused: the notice shown while the Celery broker is down.
                "policybase.web.broker.ingestion_status",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # Ingestion writes while the web process reads; WAL lets both proceed.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 30},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

HAYSTACK_CONNECTIONS = {
    "default": {
        "ENGINE": "policybase.search.backend.TantivyEngine",
        "PATH": str(DATA_DIR / "search_index"),
    },
}
# Index updates are queued after commit by policybase.search.signals, never by
# haystack's own processor; a failed index write must surface, not vanish.
HAYSTACK_SIGNAL_PROCESSOR = "policybase.search.signals.CommitSignalProcessor"
HAYSTACK_SILENTLY_FAIL = False  # read by haystack's backends as connection option too
HAYSTACK_CONNECTIONS["default"]["SILENTLY_FAIL"] = False

REDIS_URL = os.environ.get("REDIS_URL", "")
# Celery's eager calls still take a producer from the pool; naming a host
# spares every ingest kombu's "No hostname was supplied" warning.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the embedded default runs every task in-process.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, and a task whose worker died is
# handed out again: every task tolerates running twice (ingest.jobs claims its
# job, index writes are idempotent, the inbox scan locks the inbox).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task to another worker after this many seconds:
# how long the jobs of a worker that was killed outright wait to be re-run.
# Keep it above the longest retry countdown (fetch_sources waits up to 20 min).
VISIBILITY_TIMEOUT = envint("POLICYBASE_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": VISIBILITY_TIMEOUT,
    # Workers look for such tasks every tenth of it, at most every minute
    # (kombu's own pace is about every 100 s, whatever the timeout).
    "unacked_restore_interval": max(1, min(60, VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
# Bounds on a worker's pool processes (deploy/README.md has the figures): a
# process that ends a task above WORKER_RECYCLE_MB resident is replaced; one
# that asks for more than WORKER_MEMORY_LIMIT_MB of private memory gets a
# MemoryError (its job fails, saying so) instead of the whole machine running
# out; an ingest job still running after INGEST_TIME_LIMIT seconds is killed.
WORKER_RECYCLE_MB = envint("POLICYBASE_WORKER_RECYCLE_MB", 1024)
WORKER_MEMORY_LIMIT_MB = envint("POLICYBASE_WORKER_MEMORY_LIMIT_MB", 3072)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = WORKER_RECYCLE_MB * 1024  # in KiB
INGEST_TIME_LIMIT = envint("POLICYBASE_INGEST_TIME_LIMIT", 1800)
# Index writes go to their own queue, so a deployment can give them one
# dedicated writer (`celery -A policybase worker -Q index -c 1`). A plain
# `celery -A policybase worker` consumes every queue listed here, so nothing
# depends on that writer: policybase.search.indexing serialises writers anyway.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {"celery": {}, "index": {}}
CELERY_TASK_ROUTES = {"policybase.search.tasks.update_index": {"queue": "index"}}
# `celery -A policybase worker -B` reads its schedule from the database
# (ingest.schedule installs the default periodic tasks after migrate).
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LANGUAGE_CODE = "zh-hans"
# Strings our libraries leave untranslated in zh-hans (simple-history's "Changes").
LOCALE_PATHS = [BASE_DIR / "locale"]
# One language for everyone, whatever the browser asks: the catalogue, the
# categories and our own pages exist only in Chinese, so negotiating English
# would put Django's English chrome around them ("Select 政策文件 to change").
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Beat reads crontab schedules in the same local time the admin shows.
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even when serving from finders
# Serve straight from static/ so that neither `runserver` without DEBUG nor a
# fresh deployment needs a collectstatic step first.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"
MEDIA_URL = "files/"

# Every process logs the same way to standard error, Celery's worker and beat
# included (policybase.celery hands them this configuration); with
# POLICYBASE_LOG_JSON=1 each record is one JSON object per line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "policybase.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if envbool("POLICYBASE_LOG_JSON") else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "policybase": {"level": "INFO"},
        "ingest": {"level": "INFO"},
        # The worker's --loglevel raises it; in-process (eager) tasks stay quiet.
        "celery": {"level": "WARNING"},
    },
}
