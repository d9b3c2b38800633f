"""Settings for SGO-archief.

One module for every environment: production differs only through environment
variables (DJANGO_SECRET_KEY, DJANGO_DEBUG, DJANGO_ALLOWED_HOSTS, DATABASE_URL, ...).
The defaults are for a developer's machine.
"""

import os
from pathlib import Path

import dj_database_url

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
    "minutes",
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
    "minutes.middleware.SearchUnavailableMiddleware",
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

LANGUAGE_CODE = "nl"
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

# Production hardening that costs nothing locally.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

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
# Caps on one file the parser reads (from a folder or an upload): a larger file, or one
# with a longer line, is refused with its reason and the rest of the batch goes on. The
# parser's time grows with the file's length, so the caps bound the time one file takes.
SGO_PARSE_MAX_BYTES = int(os.environ.get("SGO_PARSE_MAX_BYTES", str(5 * 1024 * 1024)))
SGO_PARSE_MAX_LINE_CHARS = int(os.environ.get("SGO_PARSE_MAX_LINE_CHARS", "20000"))
# The search index (Tantivy), derived from the database and rebuilt with
# `manage.py search_index --rebuild`; beside the embedded database's data by default.
SEARCH_INDEX_DIR = os.environ.get("SGO_SEARCH_INDEX_DIR") or str(BASE_DIR / ".search-index")
# How long an index update waits for another process's writer before it gives up.
SEARCH_INDEX_WRITER_WAIT = float(os.environ.get("SGO_SEARCH_INDEX_WRITER_WAIT", "30"))
# With more than one server, point this at storage they share.
MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT") or str(BASE_DIR / "media")
