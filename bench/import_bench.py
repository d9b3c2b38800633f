"""Import benchmark (issue 11): the real `manage.py import_minutes` on generated minutes.

    .venv/bin/python -m bench.import_bench --database-url $BENCH/sgo_ib_1k --meetings 1000 --runs 3
    .venv/bin/python -m bench.import_bench --database-url $BENCH/sgo_ib_1k --meetings 1000 --profile

Writes N meetings of `bench/build_corpus.py`'s Generator as SGO minutes text (the very
texts its `--verify` mode parses with the app's parser) into a temporary folder, one
`.txt` file per meeting. Then, per run, on a freshly dropped, created and migrated
bench database with an empty search index of its own:

- `manage.py import_minutes <folder>` in a child process: wall time, meetings/s, the
  child's peak RSS and CPU time (from `os.wait4`'s rusage, exact for that process),
  the machine load before and after;
- the same command again on the same folder (nothing changed): timed the same way,
  and the meeting count must still be N, every file of that run logged unchanged.

Before the runs the parser alone is timed on the generated files (and on
sample_data/): ms per file and files/s, in this process, no database.

`--profile` instead imports the folder twice in this process, each time on a fresh
database, with every SQL statement timed through Django's `connection.execute_wrapper`
and grouped by kind (verb and table) and by shape: first with the import's own functions
wrapped in wall-clock timers (little overhead: the shares of wall time), then under
cProfile (the whole call tree, but it slows the Python-heavy parts two- to three-fold). It
prints where the time goes: parsing, validation, inserts per model, topic tagging, the
import log, the archive version, the search index update and the per-file transactions.
(`pg_stat_statements` needs shared_preload_libraries, which the shared server does not
load, and it is not restarted for a benchmark.)

Results are printed and written to bench/results/import-<meetings>-<time>.json.
The database name must contain `bench` or `_ib_`: it is dropped at every run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import RESULTS, ROOT, database_name, database_url, maintenance_url

PYTHON = sys.executable
SAMPLES = sorted((ROOT / "sample_data").glob("*.txt"))


# --------------------------------------------------------------------------- corpus


def write_corpus(folder: Path, meetings: int, seed: int) -> dict:
    """N generated meetings as .txt files (named after their slug); returns sizes."""
    from bench.build_corpus import Generator

    generator = Generator(seed, meetings)
    total = 0
    start = time.perf_counter()
    for index in range(meetings):
        meeting = generator.meeting(index)
        data = meeting.text.encode()
        (folder / f"sgo-{meeting.slug}.txt").write_bytes(data)
        total += len(data)
    return {
        "files": meetings,
        "mb": round(total / 2**20, 1),
        "mean_kb": round(total / meetings / 1024, 1),
        "generate_s": round(time.perf_counter() - start, 1),
    }


def parser_speed(paths: list[Path], rounds: int = 1) -> dict:
    """The parser alone on these files: ms per file (median of per-file times), files/s."""
    from minutes import parsing
    from minutes.ministries import default_alias_table

    aliases = default_alias_table()
    files = [p.read_bytes() for p in paths]
    times = []
    start = time.perf_counter()
    for _ in range(rounds):
        for data in files:
            t = time.perf_counter()
            parsing.parse_minutes(data, aliases=aliases)
            times.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    return {
        "files": len(files),
        "rounds": rounds,
        "files_per_s": round(len(times) / elapsed, 1),
        "ms_per_file_mean": round(1000 * elapsed / len(times), 2),
        "ms_per_file_median": round(1000 * statistics.median(times), 2),
        "ms_per_file_p95": round(1000 * sorted(times)[int(0.95 * (len(times) - 1))], 2),
    }


# --------------------------------------------------------------------------- database


def fresh_database(url: str) -> None:
    import psycopg

    name = database_name(url)
    if not re.fullmatch(r"[a-z0-9_]+", name) or not ("bench" in name or "_ib_" in name):
        sys.exit(f"Refusing to drop {name!r}: bench database names contain 'bench' or '_ib_'.")
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def scalar(url: str, sql: str):
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0]


def child_env(url: str, index: Path) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = url
    env["SGO_SEARCH_INDEX_DIR"] = str(index)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _watch_tree(child: subprocess.Popen) -> int:
    """The most memory the child and its descendants held at once (bytes, summed PSS)."""
    import psutil

    peak = 0
    try:
        process = psutil.Process(child.pid)
        while process.status() != psutil.STATUS_ZOMBIE:  # not reaped: wait4 does that
            total = 0
            for one in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    # PSS: a page the forked workers share with the command counts once.
                    total += one.memory_full_info().pss
            peak = max(peak, total)
            time.sleep(0.2)
    except psutil.Error:
        pass
    return peak


def timed_import(env: dict, folder: Path, log: Path) -> dict:
    """`manage.py import_minutes folder` in a child: wall, CPU and the child's peak RSS."""
    before = load()
    with open(log, "w") as out:
        start = time.perf_counter()
        child = start_import(env, folder, out)
        tree_peak = _watch_tree(child)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"import_minutes exited {child.returncode}; see {log}:\n{log.read_text()[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_user_s": round(usage.ru_utime, 2),
        "cpu_sys_s": round(usage.ru_stime, 2),
        # The largest single process (the command or one of its parsing workers; Linux
        # reports kilobytes) and the most all of them held at once (summed proportional
        # set size, so pages the workers share with the command count once; every 0.2 s).
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(tree_peak / 2**20, 1),
        "load_before": before,
        "load_after": load(),
        "summary": log.read_text().strip().splitlines()[-1:],
    }


def empty_archive(url: str, work: Path) -> dict:
    """A fresh, migrated bench database and its empty search index; the children's env."""
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    env = child_env(url, index)
    fresh_database(url)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "search_index", "--ensure")  # the empty archive's index: the import updates it
    return env


def start_import(env: dict, folder: Path, out, **popen) -> subprocess.Popen:
    """`manage.py import_minutes folder` started in a child, its output to `out`."""
    return subprocess.Popen(
        [PYTHON, "manage.py", "import_minutes", str(folder)],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        **popen,
    )


def run_once(url: str, folder: Path, meetings: int, work: Path) -> dict:
    env = empty_archive(url, work)
    first = timed_import(env, folder, work / "import.log")
    first["meetings_per_s"] = round(meetings / first["wall_s"], 1)
    stored = scalar(url, "SELECT count(*) FROM minutes_meeting")
    if stored != meetings:
        sys.exit(f"{stored} meetings stored, {meetings} files written")
    again = timed_import(env, folder, work / "reimport.log")
    again["meetings_per_s"] = round(meetings / again["wall_s"], 1)
    statuses = dict(
        __import__("psycopg")
        .connect(url)
        .execute(
            "SELECT status, count(*) FROM minutes_importfile WHERE run_id = "
            "(SELECT max(id) FROM minutes_importrun) GROUP BY status"
        )
        .fetchall()
    )
    stored_again = scalar(url, "SELECT count(*) FROM minutes_meeting")
    if stored_again != meetings or statuses != {"unchanged": meetings}:
        sys.exit(f"re-import changed something: {stored_again} meetings, log {statuses}")
    return {
        "import": first,
        "reimport": again,
        "meetings_stored": stored,
        "reimport_log": statuses,
        "database_mb": round(scalar(url, "SELECT pg_database_size(current_database())") / 2**20),
    }


# --------------------------------------------------------------------------- kill and resume


WHOLENESS_SQL = """
SELECT
  (SELECT count(*) FROM minutes_meeting) AS meetings,
  (SELECT count(DISTINCT sha256) FROM minutes_meeting) AS distinct_sha,
  (SELECT count(DISTINCT source_name) FROM minutes_meeting) AS distinct_names,
  (SELECT count(*) FROM minutes_meeting m
    WHERE NOT EXISTS (SELECT 1 FROM minutes_agendaitem i WHERE i.meeting_id = m.id))
    AS without_items,
  (SELECT count(*) FROM minutes_meeting m
    WHERE NOT EXISTS (SELECT 1 FROM minutes_importfile f
                      WHERE f.meeting_id = m.id AND f.status = 'imported')) AS without_log
"""


def wholeness(url: str, folder: Path, sample: int = 500) -> dict:
    """What a killed import left: counts that must hold, and a sample of meetings
    compared with a fresh parse of their files (items, decisions, mentions)."""
    import random

    import psycopg

    from minutes import parsing

    with psycopg.connect(url) as conn:
        counts = dict(
            zip(
                ["meetings", "distinct_sha", "distinct_names", "without_items", "without_log"],
                conn.execute(WHOLENESS_SQL).fetchone(),
                strict=True,
            )
        )
        # Counted per meeting by grouping (a correlated count per meeting takes minutes).
        stored = conn.execute(
            "SELECT m.source_name, coalesce(i.n, 0), coalesce(d.n, 0) FROM minutes_meeting m "
            "LEFT JOIN (SELECT meeting_id, count(*) AS n FROM minutes_agendaitem "
            "  GROUP BY meeting_id) i ON i.meeting_id = m.id "
            "LEFT JOIN (SELECT a.meeting_id, count(*) AS n FROM minutes_decision x "
            "  JOIN minutes_agendaitem a ON x.agenda_item_id = a.id GROUP BY a.meeting_id) d "
            "  ON d.meeting_id = m.id"
        ).fetchall()
    rng = random.Random(1)
    checked = rng.sample(stored, min(sample, len(stored)))
    broken = []
    for name, items, decisions in checked:
        parsed = parsing.parse_minutes((folder / name).read_bytes())
        expected_items = sum(1 + len(item.subitems) for item in parsed.agenda_items)
        if (items, decisions) != (expected_items, len(parsed.decisions)):
            broken.append((name, items, decisions, expected_items, len(parsed.decisions)))
    counts["sampled"] = len(checked)
    counts["sampled_broken"] = broken
    return counts


def kill_and_resume(url: str, folder: Path, meetings: int, work: Path, fraction: float) -> dict:
    """Import, SIGKILL the command once `fraction` of the meetings are stored, check that
    every stored meeting is whole, then run it again and check it finished the job."""
    import signal

    env = empty_archive(url, work)
    target = int(meetings * fraction)
    log = work / "killed.log"
    with open(log, "w") as out:
        start = time.perf_counter()
        child = start_import(env, folder, out, start_new_session=True)
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            while child.poll() is None:
                if conn.execute("SELECT count(*) FROM minutes_meeting").fetchone()[0] >= target:
                    break
                time.sleep(0.05)
        if child.poll() is not None:
            sys.exit(f"the import ended before {target} meetings were stored; use more files")
        os.killpg(child.pid, signal.SIGKILL)  # the command and its parsing workers
        child.wait()
        killed_after = time.perf_counter() - start
    after_kill = wholeness(url, folder)
    print(f"killed after {killed_after:.1f} s: {after_kill}")
    resumed = timed_import(env, folder, work / "resumed.log")
    after_resume = wholeness(url, folder)
    print(f"re-run {resumed['wall_s']} s: {after_resume}")
    with psycopg.connect(url) as conn:
        statuses = dict(
            conn.execute(
                "SELECT r.status || ' run: ' || f.status, count(*) FROM minutes_importfile f "
                "JOIN minutes_importrun r ON f.run_id = r.id GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )
    ok = (
        after_kill["meetings"] == after_kill["distinct_sha"] == after_kill["distinct_names"]
        and after_kill["without_items"] == 0
        and after_kill["without_log"] == 0
        and not after_kill["sampled_broken"]
        and after_resume["meetings"] == meetings
        and after_resume["distinct_sha"] == after_resume["distinct_names"] == meetings
        and after_resume["without_items"] == 0
        and not after_resume["sampled_broken"]
    )
    return {
        "killed_at_meetings": after_kill["meetings"],
        "killed_after_s": round(killed_after, 1),
        "after_kill": after_kill,
        "resumed": resumed,
        "after_resume": after_resume,
        "log_rows_by_run_status": statuses,
        "ok": ok,
    }


# --------------------------------------------------------------------------- profile


def statement_kind(sql: str) -> str:
    """'INSERT minutes_agendaitem', 'SELECT minutes_meeting', 'SAVEPOINT' …"""
    verb = sql.lstrip().split(None, 1)[0].upper()
    if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return verb
    match = re.search(r'(?:INTO|FROM|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {match.group(1) if match else '?'}"


def statement_shape(sql: str) -> str:
    """The statement with repeated VALUES tuples and IN lists folded."""
    sql = re.sub(r"\((?:%s, )*%s\)(?:, \((?:%s, )*%s\))+", "(…), …", sql)
    sql = re.sub(r"IN \((?:%s, )*%s\)", "IN (…)", sql)
    sql = re.sub(r"SAVEPOINT \S+|RELEASE SAVEPOINT \S+", "SAVEPOINT …", sql)
    return sql[:160]


class Statements:
    def __init__(self):
        self.kinds: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self.shapes: dict[str, list] = defaultdict(lambda: [0, 0.0])

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            for table, key in (
                (self.kinds, statement_kind(sql)),
                (self.shapes, statement_shape(sql)),
            ):
                table[key][0] += 1
                table[key][1] += elapsed


# (module path suffix, function name) → label; cumulative times from cProfile.
PHASES = {
    "handle": ("minutes/management/commands/import_minutes.py", "handle"),
    "read files": ("minutes/services.py", "_read"),
    "interrupted runs": ("minutes/services.py", "mark_interrupted_runs"),
    "import_batch": ("minutes/services.py", "import_batch"),
    "one batch": ("minutes/services.py", "finish"),
    "prepare (parsing workers)": ("minutes/batches.py", "prepare"),
    "parse": ("minutes/parsing/minutes.py", "parse_minutes"),
    "item drafts": ("minutes/batches.py", "item_drafts"),
    "topics matched": ("minutes/search/terms.py", "matching_topics"),
    "index texts analysed": ("minutes/search/index.py", "item_texts"),
    "existing meetings lookup": ("minutes/services.py", "_existing_keys"),
    "alias table": ("minutes/services.py", "alias_table"),
    "free slugs": ("minutes/batches.py", "free_slugs"),
    "full_clean": ("django/db/models/base.py", "full_clean"),
    "batch write (transaction)": ("minutes/services.py", "_write"),
    "write_new": ("minutes/batches.py", "write_new"),
    "write_children": ("minutes/batches.py", "write_children"),
    "COPY": ("minutes/batches.py", "_copy"),
    "reserve ids": ("minutes/batches.py", "_reserve_ids"),
    "bulk_create": ("django/db/models/query.py", "bulk_create"),
    "file by file": ("minutes/services.py", "_one"),
    "archive version bump": ("minutes/models.py", "bump"),
    "progress/report": ("minutes/management/commands/import_minutes.py", "report"),
    "search index catch_up": ("minutes/search/index.py", "catch_up"),
    "index documents (specs)": ("minutes/search/index.py", "_specs"),
    "atomic exit (commit)": ("django/db/transaction.py", "__exit__"),
}


def cumulative(stats: pstats.Stats) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for (filename, _line, name), (_cc, calls, _tt, ct, _callers) in stats.stats.items():
        for label, (suffix, func) in PHASES.items():
            if name == func and filename.replace(os.sep, "/").endswith(suffix):
                entry = found.setdefault(label, {"calls": 0, "s": 0.0})
                entry["calls"] += calls
                entry["s"] += ct
    return {k: {"calls": v["calls"], "s": round(v["s"], 3)} for k, v in found.items()}


class Timers:
    """Inclusive wall time and calls of chosen functions, by wrapping them (no profiler)."""

    def __init__(self):
        self.totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
        self.undo: list = []

    def wrap(self, owner, name: str, label: str, *, classmethod_=False, by_model=False) -> None:
        original = owner.__dict__[name] if classmethod_ else getattr(owner, name)
        func = original.__func__ if classmethod_ else original
        totals = self.totals

        def timed(*args, **kwargs):
            model = getattr(args[0], "model", args[0]) if by_model else None
            key = f"{label} {model.__name__}" if model else label
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                entry = totals[key]
                entry[0] += 1
                entry[1] += time.perf_counter() - start

        setattr(owner, name, classmethod(timed) if classmethod_ else timed)
        self.undo.append((owner, name, original))

    def restore(self) -> None:
        for owner, name, original in reversed(self.undo):
            setattr(owner, name, original)
        self.undo.clear()

    def install(self) -> None:
        from django.db import transaction
        from django.db.models.query import QuerySet

        from minutes import batches, models, parsing, services
        from minutes.search import index

        self.wrap(batches, "prepare", "prepare (parsing workers)")
        self.wrap(parsing, "parse_minutes", "parse")
        self.wrap(batches, "matching_topics", "topics matched")
        self.wrap(index, "item_texts", "index texts analysed")
        self.wrap(services, "_existing_keys", "existing meetings lookup")
        self.wrap(batches, "free_slugs", "free slugs")
        self.wrap(models.Meeting, "full_clean", "full_clean")
        self.wrap(services._BatchImporter, "_write", "batch write (transaction)")
        self.wrap(batches, "write_new", "write_new")
        self.wrap(batches, "write_children", "write_children")
        self.wrap(batches, "_copy", "COPY", by_model=True)
        self.wrap(batches, "_reserve_ids", "reserve ids")
        self.wrap(QuerySet, "bulk_create", "bulk_create", by_model=True)
        self.wrap(services._BatchImporter, "_one", "file by file")
        self.wrap(models.ArchiveVersion, "bump", "archive version bump", classmethod_=True)
        self.wrap(index, "catch_up", "search index catch_up")
        self.wrap(index, "_specs", "index documents (specs)")
        self.wrap(transaction.Atomic, "__exit__", "atomic exit (commit)")

    def as_dict(self) -> dict:
        return {k: {"calls": n, "s": round(t, 3)} for k, (n, t) in self.totals.items()}


def profiled_import(url: str, folder: Path, work: Path, *, mode: str) -> dict:
    """One import of the folder in this process, on a fresh database and index."""
    from django.core.management import call_command
    from django.db import connection, connections

    connections.close_all()
    fresh_database(url)
    index = work / "index"
    shutil.rmtree(index, ignore_errors=True)
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as devnull:
        call_command("search_index", "--ensure", stdout=devnull)
    from django.conf import settings

    # One process: the parsing workers' share is seen, not hidden in other processes.
    settings.SGO_IMPORT_WORKERS = 1
    statements = Statements()
    timers = Timers()
    profiler = cProfile.Profile() if mode == "cprofile" else None
    if mode == "timers":
        timers.install()
    load_before = load()
    start = time.perf_counter()
    try:
        with connection.execute_wrapper(statements):
            if profiler:
                profiler.enable()
            call_command("import_minutes", str(folder), verbosity=0)
            if profiler:
                profiler.disable()
    finally:
        timers.restore()
    wall = time.perf_counter() - start
    result = {
        "mode": mode,
        "wall_s": round(wall, 2),
        "load_before": load_before,
        "load_after": load(),
        "sql": {
            "statements": sum(n for n, _ in statements.kinds.values()),
            "seconds": round(sum(t for _, t in statements.kinds.values()), 3),
            "kinds": {
                k: {"n": n, "s": round(t, 3)}
                for k, (n, t) in sorted(statements.kinds.items(), key=lambda kv: -kv[1][1])
            },
            "shapes": {
                k: {"n": n, "s": round(t, 3)}
                for k, (n, t) in sorted(statements.shapes.items(), key=lambda kv: -kv[1][1])[:25]
            },
        },
    }
    if profiler:
        stats = pstats.Stats(profiler)
        result["phases"] = cumulative(stats)
        result["top_tottime"] = io_top(stats)
    else:
        result["phases"] = timers.as_dict()
    return result


def profile(url: str, folder: Path, meetings: int, work: Path) -> dict:
    """The import timed by wrapped functions (low overhead), then under cProfile."""
    os.environ["SGO_SEARCH_INDEX_DIR"] = str(work / "index")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")
    import django

    django.setup()
    return {
        "meetings": meetings,
        "timers": profiled_import(url, folder, work, mode="timers"),
        "cprofile": profiled_import(url, folder, work, mode="cprofile"),
    }


def io_top(stats: pstats.Stats, n: int = 25) -> list:
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:n]
    return [
        {
            "func": f"{Path(f).name}:{line}:{name}",
            "calls": calls,
            "tottime_s": round(tt, 3),
            "cumtime_s": round(ct, 3),
        }
        for (f, line, name), (_cc, calls, tt, ct, _c) in rows
    ]


def print_profile(result: dict) -> None:
    meetings = result["meetings"]
    for mode in ("timers", "cprofile"):
        run = result[mode]
        wall = run["wall_s"]
        print(f"\n{mode}: import of {meetings} files in {wall:.1f} s, load {run['load_before']}")
        print(f"{'part (inclusive)':<40} {'calls':>8} {'s':>8} {'% wall':>7} {'ms/file':>8}")
        for label, entry in sorted(run["phases"].items(), key=lambda kv: -kv[1]["s"]):
            print(
                f"{label:<40} {entry['calls']:>8} {entry['s']:>8.2f} "
                f"{100 * entry['s'] / wall:>6.1f}% {1000 * entry['s'] / meetings:>8.2f}"
            )
        sql = run["sql"]
        print(f"SQL: {sql['statements']} statements, {sql['seconds']:.2f} s (client side)")
        print(f"{'kind':<40} {'n':>7} {'per file':>9} {'s':>8} {'% wall':>7}")
        for kind, entry in sql["kinds"].items():
            print(
                f"{kind:<40} {entry['n']:>7} {entry['n'] / meetings:>9.2f} {entry['s']:>8.2f} "
                f"{100 * entry['s'] / wall:>6.1f}%"
            )


# --------------------------------------------------------------------------- main


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None, help="default: build_corpus's")
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    parser.add_argument(
        "--profile", action="store_true", help="one in-process import under cProfile"
    )
    parser.add_argument(
        "--parse-files", type=int, default=1000, help="generated files the parser alone is timed on"
    )
    parser.add_argument(
        "--files",
        type=Path,
        help="keep the generated files in this folder and reuse them (same size and seed)",
    )
    parser.add_argument(
        "--kill-at",
        type=float,
        default=None,
        help="SIGKILL the import once this fraction of the meetings is stored, check, re-run",
    )
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    sys.path.insert(0, str(ROOT))
    from bench.build_corpus import DEFAULT_SEED

    seed = DEFAULT_SEED if args.seed is None else args.seed
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    with tempfile.TemporaryDirectory(prefix="sgo-import-bench-") as tmp:
        work = Path(tmp)
        folder = args.files or work / "minutes"
        made = folder.with_name(f"{folder.name}.corpus-{args.meetings}-{seed}.json")
        if made.exists():  # --files: written by an earlier run with the same size and seed
            corpus = json.loads(made.read_text())
            print(f"reusing {corpus['files']} files in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            corpus = write_corpus(folder, args.meetings, seed)
            made.write_text(json.dumps(corpus))
            print(f"wrote {corpus['files']} files, {corpus['mb']} MB ({corpus['mean_kb']} kB each)")
        result: dict = {
            "meetings": args.meetings,
            "seed": seed,
            "database": database_name(url),
            "corpus": corpus,
            "nproc": os.cpu_count(),
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
            "commit": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
            ).stdout.strip(),
        }
        if args.kill_at is not None:
            result["kill_and_resume"] = kill_and_resume(
                url, folder, args.meetings, work, args.kill_at
            )
            print("whole or absent, finished by the re-run:", result["kill_and_resume"]["ok"])
            out = RESULTS / f"import-kill-{args.meetings}-{stamp}.json"
        elif args.profile:
            result["profile"] = profile(url, folder, args.meetings, work)
            print_profile(result["profile"])
            out = RESULTS / f"import-profile-{args.meetings}-{stamp}.json"
        else:
            generated = sorted(folder.glob("*.txt"))[: args.parse_files]
            result["parser"] = {
                "samples": parser_speed(SAMPLES, rounds=50),
                "generated": parser_speed(generated),
            }
            for label, entry in result["parser"].items():
                print(
                    f"parser alone, {label}: {entry['ms_per_file_mean']} ms/file "
                    f"(median {entry['ms_per_file_median']}), {entry['files_per_s']} files/s"
                )
            runs = []
            for n in range(args.runs):
                run = run_once(url, folder, args.meetings, work)
                runs.append(run)
                print(
                    f"run {n + 1}: import {run['import']['wall_s']} s "
                    f"({run['import']['meetings_per_s']} meetings/s, peak RSS "
                    f"{run['import']['peak_rss_mb']} MB, load {run['import']['load_before']} → "
                    f"{run['import']['load_after']}); re-import {run['reimport']['wall_s']} s "
                    f"({run['reimport']['meetings_per_s']}/s, {run['reimport']['peak_rss_mb']} MB)"
                )
            result["runs"] = runs
            result["median"] = {
                key: {
                    "wall_s": statistics.median(r[key]["wall_s"] for r in runs),
                    "meetings_per_s": statistics.median(r[key]["meetings_per_s"] for r in runs),
                    "peak_rss_mb": statistics.median(r[key]["peak_rss_mb"] for r in runs),
                    "cpu_s": statistics.median(
                        r[key]["cpu_user_s"] + r[key]["cpu_sys_s"] for r in runs
                    ),
                }
                for key in ("import", "reimport")
            }
            print(f"\n| {args.meetings} meetings | wall s | meetings/s | peak RSS MB | CPU s |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for key, m in result["median"].items():
                print(
                    f"| {key} (median of {len(runs)}) | {m['wall_s']} | {m['meetings_per_s']} | "
                    f"{m['peak_rss_mb']} | {m['cpu_s']:.1f} |"
                )
            out = RESULTS / f"import-{args.meetings}-{stamp}.json"
        out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
