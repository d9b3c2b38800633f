"""Replay the SQL of a result file's queries, A/B, under different session settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_100k \\
        .venv/bin/python -m bench.replay bench/results/100k-….json \\
        --only medium-era,common-sgo --set jit=on --set jit=off --runs 7

Every statement the http request sent (as captured by search_bench) is run once per
setting in turn, `--runs` times, and the median per statement and the sum per query are
printed: this isolates what a server setting such as `jit` costs, without the app.
Only SELECTs are replayed. Needs psycopg, not Django.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.common import database_url


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("result")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a session setting to compare (repeat); default: the server's settings",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args(argv)
    import psycopg

    result = json.loads(Path(args.result).read_text())
    settings = args.set or ["(server default)"]
    wanted = set(args.only.split(",")) if args.only else None
    with psycopg.connect(database_url(args.database_url), autocommit=True) as conn:
        for record in result["queries"]:
            if wanted and record["name"] not in wanted:
                continue
            statements = [
                s["sql"] for s in record["statements"] if s["sql"].lstrip().startswith("SELECT")
            ]
            times = {setting: [[] for _ in statements] for setting in settings}
            for _ in range(args.runs):
                for setting in settings:
                    if "=" in setting:
                        name, value = setting.split("=", 1)
                        conn.execute(f"SET {name} = {value}")
                    for i, sql in enumerate(statements):
                        started = time.perf_counter()
                        conn.execute(sql).fetchall()
                        times[setting][i].append((time.perf_counter() - started) * 1000)
                    if "=" in setting:
                        conn.execute(f"RESET {setting.split('=', 1)[0]}")
            print(f"{record['name']} ({record['matches']:,} matches), median ms per statement:")
            for i, sql in enumerate(statements):
                cells = "  ".join(f"{statistics.median(times[s][i]):8.1f}" for s in settings)
                print(f"  {cells}  {sql[:90]}")
            sums = "  ".join(
                f"{sum(statistics.median(t) for t in times[s]):8.1f}" for s in settings
            )
            print(f"  {sums}  total ({' | '.join(settings)})\n")


if __name__ == "__main__":
    main()
