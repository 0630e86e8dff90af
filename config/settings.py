"""The one settings module. Everything that varies between deployments is read from the
environment through the helpers below; every variable is documented in .env.example."""

import os
import sys
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("CRTE_DEBUG")
# The production recipe (CRTE_PRODUCTION=true: `make serve`, the Procfile).
PRODUCTION = env_bool("CRTE_PRODUCTION")
# Demo mode: the reference contract is published and demo accounts exist (README).
DEMO_MODE = env_bool("CRTE_DEMO")

TESTING = "pytest" in sys.modules
# Required outside demo, debug and tests: the server refuses to start without it
# (config/wsgi.py, loaded by runserver and gunicorn; `check --deploy` reports crte.E001).
# Commands that serve nothing (makemigrations, migrate, import) still run.
SECRET_KEY = env_str("CRTE_SECRET_KEY")
SECRET_KEY_REQUIRED = not SECRET_KEY and not (DEMO_MODE or DEBUG or TESTING)
SECRET_KEY = SECRET_KEY or "django-insecure-crte-pilote-dev-key-never-in-production"
SECRET_KEY_MESSAGE = (
    "CRTE_SECRET_KEY n'est pas défini : indiquez une clé secrète longue et aléatoire "
    "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), ou CRTE_DEMO=true pour "
    "une démonstration."
)

ALLOWED_HOSTS = env_list("CRTE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CRTE_CSRF_TRUSTED_ORIGINS")

# Who runs this instance. The State's brand (Marianne, "République française") is shown
# only when the operator is a State entity.
OPERATOR_IS_STATE = env_bool("CRTE_OPERATOR_IS_STATE")
OPERATOR_NAME = env_str("CRTE_OPERATOR_NAME", "CRTE Pilote")
SITE_TITLE = env_str("CRTE_SITE_TITLE", "CRTE Pilote")
SITE_TAGLINE = env_str(
    "CRTE_SITE_TAGLINE", "Piloter les contrats pour la réussite de la transition écologique"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "widget_tweaks",
    "django_htmx",
    "dsfr",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "mozilla_django_oidc",
    "crte.core",
    "crte.contracts",
    "crte.actions",
    "crte.finance",
    "crte.indicators",
    "crte.governance",
    "crte.importers",
    "crte.reports",
    "crte.portal",
    "crte.workspace",
    "crte.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (the CSRF token is masked per response, so BREACH learns nothing).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "crte.core.middleware.permissions_policy",
    "crte.core.middleware.french_error_pages",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crte" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crte.core.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"
# django-dsfr marks the content of its alerts safe unless told otherwise: page messages
# quote titles people typed, so they are escaped like every other text.
DSFR_CONTENT_IS_SAFE = False

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'crte.sqlite3'}"),
        # Kept open between requests in production (a new connection costs ~10 ms).
        conn_max_age=60 if env_bool("CRTE_PERSISTENT_CONNECTIONS", PRODUCTION) else 0,
        conn_health_checks=True,
    )
}
SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if SQLITE:
    # The embedded database serves pages while an import writes: write-ahead logging lets
    # readers go on during a write, IMMEDIATE transactions and a busy timeout make writers
    # wait their turn instead of failing with « database is locked ».
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": int(env_str("CRTE_SQLITE_BUSY_SECONDS", "30")),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "crte.core.signin.AccountDelayBackend",  # then the delay of an account guessed from everywhere
    "crte.contracts.proconnect.ProConnectBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# ProConnect (OpenID Connect, mozilla-django-oidc): on when a client id is set. The
# endpoints follow from the provider's address (integration or production federation).
PROCONNECT_ENABLED = bool(env_str("CRTE_PROCONNECT_CLIENT_ID"))
PROCONNECT_ISSUER = env_str("CRTE_PROCONNECT_URL", "https://auth.agentconnect.gouv.fr/api/v2").rstrip("/")
PROCONNECT_ACR_VALUES = env_list("CRTE_PROCONNECT_ACR", "eidas1")
PROCONNECT_LOGOUT_ENDPOINT = f"{PROCONNECT_ISSUER}/session/end"
OIDC_RP_CLIENT_ID = env_str("CRTE_PROCONNECT_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("CRTE_PROCONNECT_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROCONNECT_ISSUER}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PROCONNECT_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = f"{PROCONNECT_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PROCONNECT_ISSUER}/jwks"
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email given_name usual_name siret"
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": " ".join(PROCONNECT_ACR_VALUES)}
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = 10
OIDC_OP_LOGOUT_URL_METHOD = "crte.contracts.proconnect.logout_url"
LOGIN_REDIRECT_URL_FAILURE = "/connexion/?proconnect=refus"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, crte.core.signin): 5 failures for one account from one
# address lock that account from that address for 15 minutes, with a French page; failures
# on one account from all addresses slow its sign-ins by a short delay, never refuse them.
AXES_FAILURE_LIMIT = int(env_str("CRTE_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("CRTE_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "crte.core.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("CRTE_LOGIN_THROTTLING", True)
AXES_HANDLER = "crte.core.signin.DatabaseHandler"
# The client's address is REMOTE_ADDR; X-Forwarded-For is read only when REMOTE_ADDR is one
# of these reverse proxies (addresses or networks, comma-separated; docs/deploy.md).
TRUSTED_PROXIES = [ip_network(item, strict=False) for item in env_list("CRTE_TRUSTED_PROXIES")]
AXES_CLIENT_IP_CALLABLE = "crte.core.signin.client_ip"
# Sessions end after an idle time (every request renews the cookie), 2 hours by default.
SESSION_COOKIE_AGE = int(env_str("CRTE_SESSION_IDLE_MINUTES", "120")) * 60
SESSION_SAVE_EVERY_REQUEST = True
if SQLITE:
    # SQLite has one write lock, which a large import holds while it writes (minutes for
    # 100 000 rows). Signing in, signing out and reading pages must not wait for it: on
    # SQLite, sessions are files and login throttling counts in a file cache, in a folder
    # beside the database (one machine, as SQLite is); the date of last sign-in is written
    # when the database is free (crte.core.sqlite). PostgreSQL keeps them in the database.
    if TESTING:  # one folder per test process, removed at its end
        import atexit
        import shutil
        import tempfile

        RUNTIME_DIR = Path(tempfile.mkdtemp(prefix="crte-test-connexions-"))
        atexit.register(shutil.rmtree, RUNTIME_DIR, True)
    else:
        _database_dir = Path(DATABASES["default"]["NAME"]).resolve().parent
        RUNTIME_DIR = Path(env_str("CRTE_RUNTIME_DIR", str(_database_dir / "connexions")))
    SESSION_ENGINE = "django.contrib.sessions.backends.file"
    SESSION_FILE_PATH = str(RUNTIME_DIR / "sessions")
    Path(SESSION_FILE_PATH).mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "connexions": {
            "BACKEND": "crte.core.cache.LockedFileCache",
            "LOCATION": str(RUNTIME_DIR / "tentatives"),
        },
    }
    AXES_HANDLER = "crte.core.signin.CacheHandler"
    AXES_CACHE = "connexions"
# E-mail (invitations): SMTP from the environment; printed on the console in demo/debug.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if (DEMO_MODE or DEBUG) and not env_str("CRTE_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = env_str("CRTE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("CRTE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("CRTE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("CRTE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("CRTE_EMAIL_TLS")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("CRTE_EMAIL_FROM", "CRTE Pilote <ne-pas-repondre@localhost>")

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "workspace:my_space"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "crte" / "static"]  # the project's own stylesheet and scripts
# The production recipe (CRTE_PRODUCTION=true: `make serve`, the Procfile) serves static
# files collected with hashed names and compressed (WhiteNoise), cached for a year.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(env_str("CRTE_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))  # uploads, files made by jobs
# Uploaded files waiting for the user's confirmation of an import.
IMPORT_UPLOAD_DIR = Path(env_str("CRTE_IMPORT_UPLOAD_DIR", str(MEDIA_ROOT / "imports")))

# Behind HTTPS (CRTE_SECURE_COOKIES=true): secure cookies, redirect to HTTPS, HSTS, and
# the proxy's header trusted to say the request came over HTTPS.
SECURE_DEPLOYMENT = env_bool("CRTE_SECURE_COOKIES")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_DEPLOYMENT
SECURE_SSL_REDIRECT = SECURE_DEPLOYMENT
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_DEPLOYMENT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_DEPLOYMENT
SECURE_HSTS_PRELOAD = SECURE_DEPLOYMENT and env_bool("CRTE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_DEPLOYMENT else None
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
# Content-Security-Policy (django-csp): everything from this origin, no inline script or
# style, inline images only as data: URIs (the DSFR's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Background work (crte.core.jobs): django-tasks on the application's own database; the
# Procfile's `worker` (`crte worker`) runs it, as many as wanted. Every import runs there (the
# web process never parses an uploaded file), with its progress shown in the page.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:  # tests run jobs in the request; the queue's own tests start a real worker
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Untrusted files are read by the worker in a child process with these limits
# (crte/importers/read/sandbox.py); a file over one is refused with a message naming it.
READ_MEMORY_MB = int(env_str("CRTE_READ_MEMORY_MB", "1024"))
READ_CPU_SECONDS = int(env_str("CRTE_READ_CPU_SECONDS", "120"))
READ_WALL_SECONDS = int(env_str("CRTE_READ_WALL_SECONDS", "180"))
# Each kind of job has a time limit (minutes); a job past it is stopped and failed.
JOB_TIME_LIMIT_MINUTES = int(env_str("CRTE_JOB_TIME_LIMIT_MINUTES", "30"))

if PROCONNECT_ENABLED:  # signing out posts to us, then goes on to ProConnect's end-session page
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "{0.scheme}://{0.netloc}".format(urlsplit(PROCONNECT_ISSUER))
    )

# Uploaded files are removed after confirmation, refusal, or this delay.
IMPORT_UPLOAD_MAX_AGE = timedelta(hours=int(env_str("CRTE_IMPORT_UPLOAD_HOURS", "24")))

# Logs on the standard error: one JSON object per line in production (CRTE_LOG_FORMAT=json,
# the default of the production recipe), for the platform's log collector; text otherwise.
LOG_FORMAT = env_str("CRTE_LOG_FORMAT", "json" if PRODUCTION else "text")
LOG_LEVEL = env_str("CRTE_LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "crte.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "WARNING"}, "gunicorn.error": {"level": "INFO"}},
}

# Backups: `crte restore` first saves the current database here (files 0600, folder 0700).
BACKUP_DIR = Path(env_str("CRTE_BACKUP_DIR", str(BASE_DIR / "var" / "sauvegardes")))
