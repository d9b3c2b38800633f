import os
import shutil
import tempfile
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root
    "--disable-gpu",
    # Without these Chromium keeps reaching for the (closed) internet.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# The search index of this run, in a folder of its own (subprocesses inherit it), never the
# checkout's .search-index/.
SEARCH_INDEX_DIR = Path(tempfile.mkdtemp(prefix="sgo-test-index-")) / "index"
os.environ["SGO_SEARCH_INDEX_DIR"] = str(SEARCH_INDEX_DIR)
# Likewise the open data download that imports rebuild (minutes/opendata.py).
OPEN_DATA_DIR = Path(tempfile.mkdtemp(prefix="sgo-test-open-data-")) / "open-data"
os.environ["SGO_OPEN_DATA_DIR"] = str(OPEN_DATA_DIR)

# Playwright's sync API runs an event loop in the test thread; Django would then
# refuse ORM calls from the test itself, which are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def sample_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def browser():
    """A real headless Chromium (Debian's), driven by Playwright."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: .ci/run must install it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def unhashed_static(settings):
    """Let the live server find the CSS the pages link to.

    pytest-django's live server answers /static/ itself through the staticfiles
    finders, which know no manifest-hashed names (site.96c4….css); with the
    project's manifest storage every stylesheet would 404 and screenshots would
    show an unstyled page. Plain storage gives names the finders know.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def page(browser, unhashed_static):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def seeded(transactional_db, django_db_serialized_rollback):
    """The ministries and topics that data migrations seed, present for this test.

    A transactional test ends with a flush, which empties these tables. Serialized
    rollback should restore them but was seen not to once Playwright's sync API
    runs (0 ministries at the start of the second browser test), so seed again;
    the seed functions are idempotent.
    """
    from django.apps import apps

    # The ministries as 0025 seeds them (0003's twelve, one per abbreviation, no longer
    # fit the table since issue 16).
    for migration in ("0025_ministry_periods", "0004_seed_topics"):
        import_module(f"minutes.migrations.{migration}").seed(apps, None)
    # The SGO's series and "overig", which the import puts meetings in (0014 creates them).
    series = import_module("minutes.migrations.0014_series_and_source_documents")
    for fields in (series.SGO, series.OTHER):
        apps.get_model("minutes", "Series").objects.get_or_create(
            slug=fields["slug"], defaults=fields
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the archive every test starts from (tests/archive.py).

    Imported once per session, committed: tests in a transaction see it and leave it
    as it was. pytest-django runs the transactional tests (which end by emptying
    the database) after all the others; they ask for `imported_samples`.
    """
    from django.conf import settings

    from minutes.search import index
    from tests.archive import import_archive

    settings.SEARCH_INDEX_DIR = str(SEARCH_INDEX_DIR)
    settings.SGO_OPEN_DATA_DIR = str(OPEN_DATA_DIR)
    index.forget()
    with django_db_blocker.unblock():
        import_archive()
        index.ensure()


@pytest.fixture
def no_minutes(seeded):
    """A transactional test that starts from an archive without minutes."""
    from minutes.search import index
    from tests.archive import empty_archive

    empty_archive()
    index.rebuild()


@pytest.fixture
def imported_samples(seeded):
    """The archive for a transactional test: imported again if a flush emptied it."""
    from minutes.search import index
    from tests.archive import import_archive

    result = import_archive()
    index.rebuild()  # a flush emptied the tables, not the index
    return result


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give each test run its own test database.

    Several runs can share one PostgreSQL server (the embedded one is shared by
    every process of the checkout); a fixed test database name would let one run
    drop the tables of another.
    """
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = (
        f"{test.get('NAME') or 'test_' + settings.DATABASES['default']['NAME']}_{os.getpid()}"
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts from an empty cache (rendered meeting texts live there)."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Tests look at what a view does (its context, its statements), which a whole-page
    copy would hide: the page cache is off unless a test turns it on
    (tests/test_response_cache.py)."""
    settings.SGO_PAGE_CACHE_SECONDS = 0
