"""Settings for qinqing, read from the environment.

Every variable is listed, with its default, in README.md ("Configuration").
The defaults give a development server on a SQLite file under ``var/`` that
needs no other service.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("QINQING_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _development_secret(path: Path) -> str:
    """A random secret generated on first run into var/, never committed."""
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("QINQING_DEBUG", True)
SECRET_KEY = os.environ.get("QINQING_SECRET_KEY") or _development_secret(VAR_DIR / "secret.key")
ALLOWED_HOSTS = env_list("QINQING_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("QINQING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # API docs from its bundled Swagger UI files, not a CDN (intranets)
    "auditlog",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "qinqing.core",
    "qinqing.cases",
    "qinqing.enterprise",
    "qinqing.investment",
    "qinqing.medinsure",
    "qinqing.veterans",
    "qinqing.talent",
    "qinqing.workspace",
    "qinqing.cockpit",  # last: it reads every service module's declarations
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qinqing.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qinqing.core.middleware.BadParameterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qinqing.core.middleware.AuditlogMiddleware",
    "qinqing.core.middleware.MustChangePasswordMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qinqing.urls"
WSGI_APPLICATION = "qinqing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qinqing" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qinqing.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("QINQING_DATABASE_URL", f"sqlite:///{VAR_DIR / 'qinqing.sqlite3'}"),
        conn_max_age=int(os.environ.get("QINQING_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The JIT compiles any query the planner thinks costly; for the cockpit's grouped
    # counts over a county's records the compiling took longer than the query.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "qinqing.core.access.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "qinqing.core.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qinqing.core.validators.KnownPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("QINQING_STATIC_ROOT", BASE_DIR / "staticfiles"))
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
MEDIA_ROOT = VAR_DIR / "media"

# Background work: Django's task API (django-tasks backport). The database
# backend needs nothing beyond the database; "rq" spreads workers over machines.
QINQING_TASK_BACKEND = os.environ.get("QINQING_TASK_BACKEND", "database")
QINQING_REDIS_URL = os.environ.get("QINQING_REDIS_URL", "redis://127.0.0.1:6379/0")
if QINQING_TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": QINQING_REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif QINQING_TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Personal data (PIPL): ID and phone numbers are encrypted with this key.
# Without QINQING_FIELD_KEY a development key is generated into var/.
QINQING_FIELD_KEY = os.environ.get("QINQING_FIELD_KEY", "")
QINQING_FIELD_KEY_FILE = VAR_DIR / "field.key"
# While rotating to a new QINQING_FIELD_KEY: the old key(s), comma-separated.
# Values under them stay readable until manage.py rotate_field_key has moved them.
QINQING_FIELD_KEY_PREVIOUS = os.environ.get("QINQING_FIELD_KEY_PREVIOUS", "")

# Backups (manage.py backup / restore) keep ID and phone numbers encrypted in the dump.
SERIALIZATION_MODULES = {"qinqing-json": "qinqing.core.backup_format"}

# Notifications: which delivery channels run besides the in-app inbox.
QINQING_NOTIFY_CHANNELS = env_list("QINQING_NOTIFY_CHANNELS", "console")
QINQING_NOTIFY_FILE = Path(os.environ.get("QINQING_NOTIFY_FILE", VAR_DIR / "notifications.log"))
QINQING_WEBHOOK_URL = os.environ.get("QINQING_WEBHOOK_URL", "")
QINQING_WEBHOOK_TIMEOUT = float(os.environ.get("QINQING_WEBHOOK_TIMEOUT", "5"))

# Imports above this many rows run in the task worker, with progress shown.
QINQING_IMPORT_BACKGROUND_ROWS = int(os.environ.get("QINQING_IMPORT_BACKGROUND_ROWS", "500"))
# Largest import per kind; "default" covers kinds without their own entry. The
# environment (JSON) overrides per kind, e.g. {"people": {"rows": 100000}}.
QINQING_IMPORT_LIMITS = {"default": {"rows": 50_000, "bytes": 10 * 1024 * 1024}}
for _kind, _limits in json.loads(os.environ.get("QINQING_IMPORT_LIMITS") or "{}").items():
    QINQING_IMPORT_LIMITS[_kind] = {**QINQING_IMPORT_LIMITS.get(_kind, {}), **_limits}
# A running import whose heartbeat is older than this is taken to have lost its worker.
# The day the demo data is built around (YYYY-MM-DD); empty means the day it is loaded.
QINQING_DEMO_DATE = os.environ.get("QINQING_DEMO_DATE", "")
# Veterans' micro-wishes: days a claimant has to fulfil a wish before it returns to the
# wall (the initial claim window; administrators tune it per state afterwards), and how
# many open claims one claimant may hold.
QINQING_VETERANS_CLAIM_DAYS = int(os.environ.get("QINQING_VETERANS_CLAIM_DAYS", "14"))
QINQING_VETERANS_MAX_OPEN_CLAIMS = int(os.environ.get("QINQING_VETERANS_MAX_OPEN_CLAIMS", "3"))
QINQING_IMPORT_LEASE_SECONDS = int(os.environ.get("QINQING_IMPORT_LEASE_SECONDS", "600"))
QINQING_IMPORT_RETRIES = int(os.environ.get("QINQING_IMPORT_RETRIES", "2"))
# "拿地即开工": the four certificates and the construction start within this many days
# of the land's delisting (investment projects).
QINQING_INVESTMENT_QUICK_START_DAYS = int(
    os.environ.get("QINQING_INVESTMENT_QUICK_START_DAYS", "30")
)

# Login throttling (django-axes): after QINQING_LOGIN_FAILURE_LIMIT failed
# logins for one account from one address, that pair is refused for
# QINQING_LOGIN_COOLOFF_MINUTES (each refused attempt restarts the wait).
# Per account *and* address, so nobody elsewhere can lock a colleague out by
# typing wrong passwords for their name; ``manage.py axes_reset_username``
# unlocks early.
QINQING_TRUSTED_PROXY_COUNT = int(os.environ.get("QINQING_TRUSTED_PROXY_COUNT", "0"))
AXES_FAILURE_LIMIT = int(os.environ.get("QINQING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("QINQING_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Failures go to the audit trail; axes' own line per login would flood the log.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "qinqing.core.security.client_ip"
AXES_LOCKOUT_CALLABLE = "qinqing.core.security.lockout_response"
AXES_COOLOFF_MESSAGE = "登录失败次数过多，已暂时锁定，请稍后重试"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，已锁定，请联系系统管理员解锁"

# Audit trail (django-auditlog) writes to our append-only model.
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"
AUDITLOG_CID_GETTER = "qinqing.core.middleware.current_request_id"
AUDITLOG_MASK_CALLABLE = "qinqing.core.masking.mask_any"
# django-auditlog's own migrations create its LogEntry table even though we swap
# the model out; an orphan table with a foreign key to users would stop Django
# from emptying tables between transactional tests. Its only model is swapped,
# so without migrations nothing of it is created.
MIGRATION_MODULES = {"auditlog": None}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_personal_data": {"()": "qinqing.core.masking.PersonalDataLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_personal_data"],
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("QINQING_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

NINJA_PAGINATION_CLASS = "qinqing.core.api.wire.Pagination"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
