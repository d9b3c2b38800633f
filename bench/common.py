"""Shared by the benchmark scripts: Django set-up on a bench database, machine facts."""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
APP_FILES = (
    "minutes/models.py",
    "minutes/views.py",
    "minutes/filters.py",
    "minutes/rendering.py",
    "templates/minutes/search.html",
    "sgo_archive/settings.py",
)
SEARCH_PACKAGE = "minutes/search"  # every .py file in it is part of the digest as well


def database_url(cli_value: str | None) -> str:
    """The bench database's URL; never the developers' embedded database."""
    url = cli_value or os.environ.get("DATABASE_URL")
    if not url:
        sys.exit(
            "Set DATABASE_URL (or --database-url) to a benchmark database, e.g. "
            "postgres://postgres@127.0.0.1:5432/sgo_bench_10k. The embedded development "
            "database is never used by the benchmark."
        )
    return url


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def maintenance_url(url: str) -> str:
    """The same server, database `postgres` (to create or drop the bench database)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def index_dir(url: str) -> Path:
    """The search index of this bench database: its own folder in bench/results/ (git-ignored).

    Every bench database gets one, so the 10k and 100k archives never share (or
    overwrite) an index, and the developers' index in .search-index/ is never touched.
    """
    return RESULTS / f"index-{database_name(url)}"


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # Before the settings load: they read SGO_SEARCH_INDEX_DIR once. A folder set
    # explicitly (bench/relevance/ndcg.py sets a temporary one) is kept.
    os.environ.setdefault("SGO_SEARCH_INDEX_DIR", str(index_dir(url)))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")
    import django

    django.setup()


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine_info() -> dict:
    """CPU, memory and load of this machine, and the PostgreSQL server's settings."""
    from django.db import connection

    cpu_model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN ("
            "'shared_buffers', 'work_mem', 'effective_cache_size', 'jit', "
            "'max_parallel_workers_per_gather', 'random_page_cost', 'default_statistics_target')"
        )
        pg_settings = dict(cursor.fetchall())
    import django

    return {
        "nproc": _run("nproc") or str(os.cpu_count()),
        "cpu_model": cpu_model,
        "free_m": _run("free", "-m"),
        "loadavg": Path("/proc/loadavg").read_text().strip()
        if Path("/proc/loadavg").exists()
        else "",
        "kernel": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg_version,
        "pg_settings": pg_settings,
    }


def code_state() -> dict:
    """The commit, uncommitted app files and applied migrations the numbers belong to."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM django_migrations WHERE app = 'minutes' ORDER BY id")
        migrations = [row[0] for row in cursor.fetchall()]
    dirty = _run("git", "-C", str(ROOT), "status", "--short", "minutes", "sgo_archive", "templates")
    # The search code itself, so runs on a tree that others edit can be told apart.
    digest = hashlib.sha256()
    search_files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / SEARCH_PACKAGE).glob("*.py"))
    for name in (*APP_FILES, *search_files):
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return {
        "app_files_sha256": digest.hexdigest()[:16],
        "commit": _run("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "uncommitted": dirty.splitlines(),
        "migrations": migrations,
    }


def search_index_size() -> dict:
    """The search index folder of the current settings: disk use (du), bytes, files."""
    from django.conf import settings

    path = Path(settings.SEARCH_INDEX_DIR)
    if not path.is_dir():
        return {"path": str(path), "exists": False}
    files = [p for p in path.rglob("*") if p.is_file()]
    du_kb = _run("du", "-sk", str(path)).split("\t")[0]
    return {
        "path": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
        "exists": True,
        "du_mb": round(int(du_kb) / 1024, 1) if du_kb.isdigit() else None,
        "bytes_mb": round(sum(p.stat().st_size for p in files) / 2**20, 1),
        "files": len(files),
    }


def corpus_size() -> dict:
    """Rows and on-disk size (with indexes and TOAST) of the archive's tables."""
    from django.db import connection

    tables = [
        "minutes_meeting",
        "minutes_agendaitem",
        "minutes_decision",
        "minutes_ministrymention",
        "minutes_agendaitem_topics",
        "minutes_searchterm",  # the "Bedoelde u" vocabulary, in the index since 0011
    ]
    sizes = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                f"SELECT count(*), pg_total_relation_size('{table}'), pg_relation_size('{table}'), "
                f"pg_indexes_size('{table}') FROM {table}"
            )
            rows, total, heap, indexes = cursor.fetchone()
            sizes[table] = {
                "rows": rows,
                "total_mb": round(total / 2**20, 1),
                "heap_mb": round(heap / 2**20, 1),
                "indexes_mb": round(indexes / 2**20, 1),
            }
        # PostgreSQL's own search index, gone since the switch to the Tantivy index.
        cursor.execute("SELECT to_regclass('agenda_item_search_idx')")
        if cursor.fetchone()[0] is not None:
            cursor.execute("SELECT pg_relation_size('agenda_item_search_idx')")
            sizes["agenda_item_search_idx_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
        cursor.execute("SELECT pg_database_size(current_database())")
        sizes["database_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
        cursor.execute(
            "SELECT coalesce(sum(length(title) + length(body)), 0) FROM minutes_agendaitem"
        )
        sizes["agenda_text_mb"] = round(cursor.fetchone()[0] / 2**20, 1)
    sizes["search_index"] = search_index_size()
    return sizes


def result_header(args) -> dict:
    """What every result file starts with: the run's label and time, the machine, the
    corpus and the code it measured, and its rounds (`args` from the script's parser)."""
    return {
        "label": args.label,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": machine_info(),
        "corpus": corpus_size(),
        "code": code_state(),
        "runs": args.runs,
        "warmup": args.warmup,
    }
