"""Settings for SGO-archief.

One module for every environment: production differs only through environment
variables (DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DATABASE_URL, ...).
The defaults are for a developer's machine.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The default key is for local development only; `manage.py check --deploy` flags it.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-local-development-key-change-me-in-production"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "minutes",
]

MIDDLEWARE = [
    "minutes.middleware.HeadWithoutBodyMiddleware",
    # CORS headers for the API (every origin may GET it), added outside the page cache so
    # copies it keeps carry none (and no `Vary: Origin`) and every answer gets them.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GET/HEAD of public pages from a copy per archive version (minutes/cache.py);
    # a hit skips everything below.
    "minutes.cache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language from the URL: /en/… English, every other path Dutch (no cookie, no
    # Accept-Language: a URL always shows the same page).
    "minutes.middleware.UrlLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "minutes.middleware.SearchUnavailableMiddleware",
    "minutes.middleware.DatabaseUnavailableMiddleware",
    # Last: turns a locked-out login into the lock-out page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

# Axes first: it refuses a locked-out user+address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "sgo_archive.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "sgo_archive.wsgi.application"

# Without DATABASE_URL the project runs on an embedded PostgreSQL so a fresh clone needs
# no database server. Its backend starts the server (or attaches to the one another
# process of this checkout started) on the first connection and fills in HOST and PORT
# then, so commands that need no database start nothing; see sgo_archive/embedded_db.py.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "sgo_archive.embedded",
            "NAME": "sgo_archive",
            "USER": "postgres",
            "DATA_DIR": os.environ.get("SGO_EMBEDDED_PGDATA") or str(BASE_DIR / ".pgdata"),
            "CONN_MAX_AGE": 0,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface speaks Dutch, and English under /en/ (i18n_patterns in sgo_archive/urls.py);
# the minutes themselves are Dutch in both. Translations in locale/, compiled by `make setup`.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Only staged uploads are stored here: other people's minutes, readable by this
    # user alone.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Web security ----------------------------------------------------------------------
# Headers every response carries (SecurityMiddleware, XFrameOptionsMiddleware, CSPMiddleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only, for this long (sent on HTTPS responses only, so harmless on plain-HTTP
# development servers); one year unless DEBUG is on.
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# Off by default so a development server on http:// keeps working; on in production.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
# Behind a reverse proxy that ends TLS: the header the proxy sets to "https" on requests
# that came in over HTTPS (e.g. X-Forwarded-Proto). Only when the proxy always sets or
# strips it, since a client could send it too.
if proxy_ssl_header := os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: the site and the admin post plain forms

# Content-Security-Policy (django-csp): scripts, styles and everything else from this
# site's own origin only, no inline code or style attributes ('unsafe-inline'). Images may
# also be data: URIs (the design system's check-box marks are inline SVG in its CSS).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Login throttling (django-axes) ----------------------------------------------------
# After this many failed logins for one user name from one address, that combination is
# refused for the cool-off time; other users, and the same user elsewhere, are not.
# Each failure and each lock-out is logged at WARNING (logger "axes").
AXES_FAILURE_LIMIT = int(os.environ.get("SGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("SGO_LOGIN_COOLOFF_MINUTES", "15")))
if timedelta(0) >= AXES_COOLOFF_TIME:
    # Axes would read a zero cool-off as "locked out for good".
    raise ImproperlyConfigured("SGO_LOGIN_COOLOFF_MINUTES must be more than 0.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The log names the user name and address (never the password), so an operator can see
# which account is under attack and from where; axes would mask both.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_LOCKOUT_CALLABLE = "minutes.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "minutes.security.client_ip"
# The request header that holds the client's address behind a reverse proxy (the proxy
# must set or append it, e.g. X-Real-IP or X-Forwarded-For); empty: the connection's own.
SGO_CLIENT_IP_HEADER = os.environ.get("SGO_CLIENT_IP_HEADER", "").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# --- Admin upload of minutes ("Verslagen importeren", minutes/uploads.py) -------------
# The one place of these limits: the form, the zip reader and the pages read them here.
# Limits on one upload, so a single request cannot fill the disk or the memory. One
# minutes file is 5-30 kB, so the defaults leave room for years of meetings at once.
# Files are counted after unpacking: loose .txt files plus the entries of every zip.
# Django refuses more than DATA_UPLOAD_MAX_NUMBER_FILES (100) loose files in any case.
SGO_IMPORT_MAX_FILES = int(os.environ.get("SGO_IMPORT_MAX_FILES", "100"))
SGO_IMPORT_MAX_BYTES = int(os.environ.get("SGO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Counted while unpacking, not taken from the zip headers, which can lie (zip bombs).
SGO_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("SGO_IMPORT_MAX_UNCOMPRESSED_BYTES", str(50 * 1024 * 1024))
)
# An upload waits for confirmation as a staged import run whose files keep their bytes in
# Django's default storage, under MEDIA_ROOT/import-staging/; no URL serves MEDIA_ROOT.
# A preview nobody confirms is removed this many seconds later, when the next is staged.
SGO_IMPORT_STAGING_SECONDS = int(os.environ.get("SGO_IMPORT_STAGING_SECONDS", str(2 * 60 * 60)))
# Guards on what an import may write. A new version of a stored meeting that loses
# agenda items or decisions, loses more than this share of its text, or grows past
# this factor is "suspicious": it replaces the meeting only when confirmed
# (`import_minutes --force`, or the per-file confirmation in the admin's preview).
SGO_REPLACE_MAX_TEXT_LOSS = float(os.environ.get("SGO_REPLACE_MAX_TEXT_LOSS", "0.2"))
SGO_REPLACE_MAX_GROWTH = float(os.environ.get("SGO_REPLACE_MAX_GROWTH", "3"))
# A meeting date outside these bounds is a misread or a typo, and the file is refused:
# before SGO_MIN_MEETING_DATE (ISO date), or more than SGO_MAX_FUTURE_DAYS after today.
SGO_MIN_MEETING_DATE = os.environ.get("SGO_MIN_MEETING_DATE", "1945-01-01")
SGO_MAX_FUTURE_DAYS = int(os.environ.get("SGO_MAX_FUTURE_DAYS", "366"))
# Caps on one file the parser reads (from a folder or an upload): a larger file, or one
# with a longer line, is refused with its reason and the rest of the batch goes on. The
# parser's time grows with the file's length, so the caps bound the time one file takes.
# The import reads files SGO_IMPORT_BATCH at a time, parses them in SGO_IMPORT_WORKERS
# processes (0: one per core) and writes each batch's new meetings in one transaction.
SGO_IMPORT_BATCH = int(os.environ.get("SGO_IMPORT_BATCH", "200"))
SGO_IMPORT_WORKERS = int(os.environ.get("SGO_IMPORT_WORKERS", "0"))
# An import that wrote at least this many meetings refreshes PostgreSQL's statistics
# of the tables it filled (ANALYZE), so queries are planned for what is there now.
SGO_IMPORT_ANALYZE_AFTER = int(os.environ.get("SGO_IMPORT_ANALYZE_AFTER", "1000"))
SGO_PARSE_MAX_BYTES = int(os.environ.get("SGO_PARSE_MAX_BYTES", str(5 * 1024 * 1024)))
SGO_PARSE_MAX_LINE_CHARS = int(os.environ.get("SGO_PARSE_MAX_LINE_CHARS", "20000"))
# Released PDFs (issue 13): a larger PDF, or one with more pages, is refused by name.
# Pages without a usable text layer are read by OCR (Tesseract, Dutch) when SGO_OCR is
# on, each within SGO_OCR_PAGE_SECONDS. An upload in the admin is read while the admin
# waits, so it OCRs at most SGO_UPLOAD_OCR_PAGES pages in all and reads its PDFs in
# child processes stopped after SGO_UPLOAD_PDF_SECONDS in all; larger scans go through
# `import_minutes`, which has no such caps.
SGO_PDF_MAX_BYTES = int(os.environ.get("SGO_PDF_MAX_BYTES", str(200 * 1024 * 1024)))
SGO_PDF_MAX_PAGES = int(os.environ.get("SGO_PDF_MAX_PAGES", "3000"))
SGO_OCR = os.environ.get("SGO_OCR", "1") not in ("0", "false", "no", "")
SGO_OCR_PAGE_SECONDS = float(os.environ.get("SGO_OCR_PAGE_SECONDS", "120"))
SGO_UPLOAD_OCR_PAGES = int(os.environ.get("SGO_UPLOAD_OCR_PAGES", "10"))
SGO_UPLOAD_PDF_SECONDS = float(os.environ.get("SGO_UPLOAD_PDF_SECONDS", "120"))
# The search index (Tantivy), derived from the database and rebuilt with
# `manage.py search_index --rebuild`; beside the embedded database's data by default.
SEARCH_INDEX_DIR = os.environ.get("SGO_SEARCH_INDEX_DIR") or str(BASE_DIR / ".search-index")
# How long an index update waits for another process's writer before it gives up.
SEARCH_INDEX_WRITER_WAIT = float(os.environ.get("SGO_SEARCH_INDEX_WRITER_WAIT", "30"))
# With more than one server, point this at storage they share.
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or str(BASE_DIR / "media")

# --- Operations (issue 12) ---------------------------------------------------------------
# The most meetings one CSV or JSON export holds; a larger selection is refused with an
# explanation (never cut off), so the visitor narrows the filters.
SGO_EXPORT_MAX_ROWS = int(os.environ.get("SGO_EXPORT_MAX_ROWS", "5000"))
# The address the site is reached at, without a trailing slash: the open data download
# (minutes/opendata.py), built outside any request, writes absolute links to the pages with it.
SGO_SITE_URL = os.environ.get("SGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where the open data download (a zip of NDJSON and CSV, a SQLite file and their manifest)
# is written; with more than one server, storage they share. Rebuilt after each import
# that changed something unless SGO_OPEN_DATA_AFTER_IMPORT is 0 (then run
# `manage.py open_data` yourself, e.g. from cron).
SGO_OPEN_DATA_DIR = os.environ.get("SGO_OPEN_DATA_DIR") or str(BASE_DIR / ".open-data")
SGO_OPEN_DATA_AFTER_IMPORT = os.environ.get("SGO_OPEN_DATA_AFTER_IMPORT", "1") not in (
    "0",
    "false",
    "no",
    "",
)
# Django's cache holds rendered meeting texts (keyed by the meeting's version, so a
# replacement or edit is never served stale). In memory, per process: each gunicorn
# worker keeps its own. Entries expire after SGO_CACHE_SECONDS.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sgo-archive",
        "TIMEOUT": int(os.environ.get("SGO_CACHE_SECONDS", str(24 * 60 * 60))),
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SGO_CACHE_MAX_ENTRIES", "2000"))},
    },
    # Whole public pages (minutes/cache.py), per process like "default": a hit costs no
    # trip to another server. At most SGO_PAGE_CACHE_ENTRIES pages of at most
    # SGO_PAGE_CACHE_MAX_BYTES each (the least recently used go first), per worker.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sgo-archive-pages",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SGO_PAGE_CACHE_ENTRIES", "2000"))},
    },
}
# The cache of whole pages; 0 seconds turns it off. The archive version in its keys
# retires a page at the next import or edit; the time bounds how long an admin edit of a
# ministry's or topic's name (which leaves the version as it is) waits.
SGO_PAGE_CACHE = "pages"
SGO_PAGE_CACHE_SECONDS = int(os.environ.get("SGO_PAGE_CACHE_SECONDS", "300"))
SGO_PAGE_CACHE_MAX_BYTES = int(os.environ.get("SGO_PAGE_CACHE_MAX_BYTES", str(128 * 1024)))
# Read the archive version at most this often per process (seconds; 0: on every request).
SGO_PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("SGO_PAGE_CACHE_VERSION_SECONDS", "0"))
# A request for a page another thread of the process is making waits this long for its copy.
SGO_PAGE_CACHE_WAIT_SECONDS = float(os.environ.get("SGO_PAGE_CACHE_WAIT_SECONDS", "10"))
# An import run still "running" after this many seconds is taken as interrupted even
# when its process cannot be checked (it ran on another server). A run on this server
# is interrupted as soon as its process is gone.
SGO_IMPORT_RUN_MAX_SECONDS = int(os.environ.get("SGO_IMPORT_RUN_MAX_SECONDS", str(6 * 60 * 60)))


# --- The read API (/api/, minutes/api/) --------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "minutes.api.errors.handler",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SGO-archief API",
    "DESCRIPTION": (
        "Read-only access to the archive of the minutes of the SGO (the meeting of the "
        "secretaries-general of the Dutch ministries), released under the Woo. Lists take "
        "the site's own filter parameters; every list is cursor-paginated. No key needed."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Anyone may read the API from a page on another site; it has no cookies to protect.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# The API, and each meeting's JSON record at its page's address (in either language).
CORS_URLS_REGEX = r"^/(api/.*|(en/)?vergaderingen/[^/]+\.json)$"
