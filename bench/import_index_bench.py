"""Does the search index keep up with the import? The index update of a batch against its write.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_import \\
        .venv/bin/python -m bench.import_index_bench --source sgo_bench_10k --files 500

Takes the original texts of the first N meetings of a bench archive (`--source`, built
by bench.build_corpus), and imports them with the real import service into a fresh
database (its name must contain "bench"), several rounds. Each round times the
database write of the whole batch (import_batch with the index update held back) and
then the index update of that batch (search_index.catch_up: every meeting the batch
changed, one writer commit), and reports medians. The target (issue 10): the index
update of a batch takes no longer than its database write.
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.common import database_name, database_url, maintenance_url, setup_django


def source_texts(url: str, source: str, files: int) -> list[tuple[str, bytes]]:
    with psycopg.connect(urlunsplit(urlsplit(url)._replace(path=f"/{source}"))) as conn:
        rows = conn.execute(
            "SELECT slug, original_text FROM minutes_meeting ORDER BY date, slug LIMIT %s",
            [files],
        ).fetchall()
    return [(f"{slug}.txt", text.encode()) for slug, text in rows]


@contextmanager
def index_held_back():
    """import_batch without its after-commit index update (timed on its own)."""
    with mock.patch("minutes.search.index.after_commit"):
        yield


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="sgo_bench_10k", help="bench database to read")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    url = database_url(None)
    if "bench" not in database_name(url) or database_name(url) == args.source:
        raise SystemExit("Refusing: give a database of its own whose name contains 'bench'.")
    texts = source_texts(url, args.source, args.files)
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        name = database_name(url)
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    setup_django(url)

    from django.core.management import call_command

    from minutes.models import AgendaItem, ImportRun, Meeting, MeetingChange
    from minutes.search import index
    from minutes.services import SourceFile, import_batch

    call_command("migrate", verbosity=0)
    writes, updates = [], []
    for round_no in range(args.rounds):
        Meeting.objects.all().delete()
        ImportRun.objects.all().delete()
        MeetingChange.objects.all().delete()
        index.rebuild()  # empty, stamped at the current version
        sources = [SourceFile(name=name, data=data) for name, data in texts]
        started = time.perf_counter()
        with index_held_back():
            result = import_batch(sources)
        written = time.perf_counter() - started
        assert not result.failed, [o.error for o in result.failed[:3]]
        started = time.perf_counter()
        meetings = index.catch_up()
        updated = time.perf_counter() - started
        assert index.status().current
        assert index.status().documents == AgendaItem.objects.count()
        writes.append(written)
        updates.append(updated)
        print(
            f"round {round_no + 1}: {len(sources)} files, {meetings} meetings, "
            f"database write {written:.2f} s, index update {updated:.2f} s"
        )
    write, update = statistics.median(writes), statistics.median(updates)
    print(
        f"median of {args.rounds}: database write {write:.2f} s "
        f"({len(texts) / write:.0f} meetings/s), index update {update:.2f} s "
        f"({len(texts) / update:.0f} meetings/s), ratio {update / write:.2f} "
        f"(target ≤ 1.00); load {Path('/proc/loadavg').read_text().split()[:3]}"
    )


if __name__ == "__main__":
    main()
