"""The FTS5 side over HTTP, as a peer serves it: Datasette answering the same statements.

    .venv/bin/pip install datasette==0.65.5   # a bench tool, not a dependency of the site
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_10k \\
        .venv/bin/python -m bench.datasette_bench --label 10k

bench/fts5_bench.py times the FTS5 statements in-process (no HTML, no HTTP), which no
web page can match. The issue's first comparison was against Datasette's HTTP answers;
this serves the SQLite file fts5_bench.py exported (bench/results/fts5-<database>.sqlite3)
with Datasette on 127.0.0.1 and times, per bench query, the two requests of a results
page (the count, and the top 20 with their snippets inline) through its JSON API, with
the same statements and parameters as fts5_bench.py. Medians and p95 of several runs go to
bench/results/<label>-datasette-<time>.json, in the shape bench/report.py reads.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.common import RESULTS, database_url, machine_info, setup_django
from bench.fts5_bench import Plan, sqlite_path
from bench.queries import QUERIES


def named(sql: str) -> str:
    """Positional ? parameters as Datasette's :p0, :p1 …"""
    counter = iter(range(1000))
    return re.sub(r"\?", lambda _: f":p{next(counter)}", sql)


def fetch(base: str, sql: str, params: list[object]) -> list:
    query = {"sql": named(sql), "_shape": "array"}
    query.update({f"p{i}": str(value) for i, value in enumerate(params)})
    with urllib.request.urlopen(f"{base}?{urllib.parse.urlencode(query)}", timeout=60) as reply:
        return json.loads(reply.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args(argv)
    url = database_url(None)
    setup_django(url)  # the filters name ministries and topics by their database ids
    path = sqlite_path(url)
    if not path.exists():
        sys.exit(f"{path} is missing: run bench.fts5_bench on this database first.")
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("datasette")),
            "serve",
            str(path),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "30000",
            "--setting",
            "max_returned_rows",
            "1000",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/{path.stem}.json"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                fetch(base, "SELECT 1", [])
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        started = time.strftime("%Y-%m-%dT%H:%M:%S")
        records = []
        for query in QUERIES:
            plan = Plan(query, inline_snippets=True)
            timings: list[float] = []
            matches = 0
            for round_no in range(args.warmup + args.runs):
                begin = time.perf_counter()
                if plan.match is not None:
                    matches = next(iter(fetch(base, plan.count_sql, plan.params)[0].values()))
                    fetch(base, plan.top_sql, plan.params)
                elapsed = (time.perf_counter() - begin) * 1000
                if round_no >= args.warmup:
                    timings.append(round(elapsed, 3))
            ordered = sorted(timings)
            stats = {
                "n": len(timings),
                "median": round(statistics.median(timings), 2),
                "p95": round(ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)], 2),
                "min": round(ordered[0], 2),
                "max": round(ordered[-1], 2),
            }
            records.append(
                {
                    "name": query.name,
                    "category": query.category,
                    "params": query.params,
                    "caveats": plan.caveats,
                    "matches": matches,
                    "timings": {"datasette": timings},
                    "stats": {"datasette": stats},
                }
            )
            print(f"{query.name:28} median {stats['median']:8.2f} ms  p95 {stats['p95']:8.2f} ms")
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "label": f"{args.label}-datasette",
        "engine": "datasette",
        "started": started,
        "machine": machine_info(),
        "runs": args.runs,
        "warmup": args.warmup,
        "modes": ["datasette"],
        "queries": records,
        "loadavg_after": Path("/proc/loadavg").read_text().strip(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{args.label}-datasette-{started.replace(':', '')}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"results in {out}")


if __name__ == "__main__":
    main()
