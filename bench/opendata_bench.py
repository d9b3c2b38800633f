"""Open data benchmark (issue 15): `manage.py open_data` on an archive of N generated meetings.

    .venv/bin/python -m bench.opendata_bench --database-url $BENCH/sgo_bench_od_1k --meetings 1000
    .venv/bin/python -m bench.opendata_bench --database-url $BENCH/sgo_bench_od_10k --meetings 10000

Writes N meetings of `bench/build_corpus.py`'s Generator as minutes text (as
bench/import_bench.py does), imports them into a freshly dropped, created and migrated
bench database with `manage.py import_minutes` (the rebuild after the import turned
off, SGO_OPEN_DATA_AFTER_IMPORT=0, so the builds below are the only ones), then builds
the download `--runs` times with `manage.py open_data` in a child process: wall time,
the child's CPU time and peak RSS (os.wait4's rusage), the machine load before and
after, the files' sizes and the rows per table. Prints the median of the runs and
writes everything to bench/results/opendata-<meetings>-<time>.json.
The database name must contain `bench` or `_ib_`: it is dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import RESULTS, ROOT, database_url
from bench.import_bench import PYTHON, empty_archive, load, write_corpus


def timed_build(env: dict, log: Path) -> dict:
    before = load()
    with open(log, "w") as out:
        start = time.perf_counter()
        child = subprocess.Popen(
            [PYTHON, "manage.py", "open_data"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"open_data failed; see {log}:\n{log.read_text()[-2000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_user_s": round(usage.ru_utime, 2),
        "cpu_sys_s": round(usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "load_before": before,
        "load_after": load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    url = database_url(args.database_url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sgo-opendata-bench-") as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        sizes = write_corpus(corpus, args.meetings, args.seed)
        env = empty_archive(url, work)
        env["SGO_OPEN_DATA_DIR"] = str(work / "open-data")
        env["SGO_OPEN_DATA_AFTER_IMPORT"] = "0"
        start = time.perf_counter()
        subprocess.run(
            [PYTHON, "manage.py", "import_minutes", str(corpus)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        import_s = round(time.perf_counter() - start, 1)
        runs = []
        for n in range(args.runs):
            runs.append(timed_build(env, work / f"build-{n}.log"))
            print(f"run {n + 1}: {runs[-1]}", flush=True)
        manifest = json.loads((work / "open-data" / "manifest.json").read_text())
    result = {
        "meetings": args.meetings,
        "corpus": sizes,
        "import_s": import_s,
        "runs": runs,
        "median_wall_s": statistics.median(r["wall_s"] for r in runs),
        "median_peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        "counts": manifest["counts"],
        "files": {f["name"]: f["size"] for f in manifest["files"]},
        "cpus": os.cpu_count(),
    }
    stamp = time.strftime("%Y%m%dT%H%M%S")
    out = RESULTS / f"opendata-{args.meetings}-{stamp}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
