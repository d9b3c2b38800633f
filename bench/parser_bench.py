"""Parser benchmark (issue 12): files per second on the samples, and long runs of blanks.

    .venv/bin/python -m bench.parser_bench                    # the parser in this checkout
    .venv/bin/python -m bench.parser_bench --ref 3b58014      # the parser of a commit

Two workloads, each timed several times and reported as the median:

- the files of sample_data/, parsed round after round (files per second);
- the pathological inputs: a run of tabs, spaces, dots or dashes in the middle of the
  2021 sample's longest paragraph, on a line of its own after it, and alone, at
  several lengths up to 1 MB. Each
  parse runs in a child process that is killed after --timeout seconds (a regular
  expression cannot be interrupted), so a quadratic parser shows as "> timeout" and the
  lengths above it are skipped.

`--ref` exports minutes/parsing (and minutes/ministries.py, which it imports) of that
commit with `git archive` into a temporary folder and imports the parser from there;
the parser needs no Django and no database. Where the parser takes caps (issue 12),
they are lifted so the runs reach every pattern. Results are printed as Markdown and
written to bench/results/parser-<label>.json.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import io
import json
import multiprocessing
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SAMPLES = sorted((ROOT / "sample_data").glob("*.txt"))
UNITS = {"tabs": b"\t", "spaces": b" ", "dots": b".", "dashes": b"-"}


def load_parser(source: Path) -> Callable[[bytes], object]:
    """`parse_minutes` from the checkout at `source`, with its caps lifted if it has any."""
    sys.path.insert(0, str(source))
    for name in [m for m in sys.modules if m == "minutes" or m.startswith("minutes.")]:
        del sys.modules[name]
    parse = importlib.import_module("minutes.parsing").parse_minutes
    module_file = Path(inspect.getfile(parse)).resolve()
    assert module_file.is_relative_to(source.resolve()), module_file
    if "max_line_chars" in inspect.signature(parse).parameters:
        big = 1 << 40
        return lambda data: parse(data, max_bytes=big, max_line_chars=big)
    return parse


def export_commit(ref: str, into: Path) -> str:
    """Write the parser's files of commit `ref` into `into`; return the full commit id."""
    commit = subprocess.check_output(["git", "rev-parse", ref], cwd=ROOT, text=True).strip()
    paths = ["minutes/__init__.py", "minutes/ministries.py", "minutes/parsing"]
    archive = subprocess.check_output(["git", "archive", commit, *paths], cwd=ROOT)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return commit


def files_per_second(parse: Callable[[bytes], object], rounds: int) -> float:
    files = [path.read_bytes() for path in SAMPLES]
    start = time.perf_counter()
    for _ in range(rounds):
        for data in files:
            parse(data)
    return rounds * len(files) / (time.perf_counter() - start)


def placed(run: bytes, where: str) -> bytes:
    """The run alone, or in the 2021 sample: inside its longest paragraph, or on a line
    of its own after it (the agenda's text, which every stage reads)."""
    if where == "alone":
        return run
    lines = (ROOT / "sample_data" / "sgo-2021-01-19.txt").read_bytes().split(b"\n")
    first_item = next(i for i, line in enumerate(lines) if line.startswith(b"1. "))
    index = max(range(first_item + 1, len(lines)), key=lambda i: len(lines[i]))
    if where == "own line":
        lines.insert(index + 1, run)
    else:
        line = lines[index]
        middle = line.index(b" ", len(line) // 2)
        lines[index] = line[:middle] + run + line[middle:]
    return b"\n".join(lines)


def _timed_child(parse: Callable[[bytes], object], data: bytes, conn) -> None:
    start = time.perf_counter()
    try:
        parse(data)
        outcome = "parsed"
    except ValueError as exc:  # ParseError, of either version
        outcome = f"refused: {str(exc).split(' (')[0]}"
    conn.send((time.perf_counter() - start, outcome))


def timed_parse(parse, data: bytes, timeout: float) -> tuple[float | None, str]:
    """(seconds, outcome) of one parse in a child process; (None, "timeout") if it hangs."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_timed_child, args=(parse, data, sender))
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return None, "timeout"
        return receiver.recv()
    finally:
        child.kill()
        child.join()


def machine() -> dict[str, object]:
    with open("/proc/loadavg") as loadavg:
        load = loadavg.read().split()[:3]
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_before": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="benchmark the parser of this commit instead")
    parser.add_argument("--label", help="name of the result file (default: the commit)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per workload")
    parser.add_argument("--rounds", type=int, default=100, help="rounds over the samples per run")
    parser.add_argument(
        "--sizes",
        default="2048,4096,8192,1048576",
        help="run lengths in bytes, comma-separated (default: 2 kB, 4 kB, 8 kB, 1 MB)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds before a parse is killed"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sgo-parser-bench-") as tmp:
        if args.ref:
            commit = export_commit(args.ref, Path(tmp))
            parse = load_parser(Path(tmp))
        else:
            commit = subprocess.check_output(
                ["git", "rev-parse", "HEAD"], cwd=ROOT, text=True
            ).strip()
            dirty = subprocess.check_output(
                ["git", "status", "--porcelain", "minutes/parsing"], cwd=ROOT, text=True
            )
            commit += "+changes" if dirty else ""
            parse = load_parser(ROOT)
        label = args.label or commit[:7]
        result: dict[str, object] = {"commit": commit, "label": label, "machine": machine()}

        rates = [files_per_second(parse, args.rounds) for _ in range(args.runs)]
        result["samples"] = {
            "files": [p.name for p in SAMPLES],
            "rounds": args.rounds,
            "files_per_second": rates,
            "median": statistics.median(rates),
        }

        sizes = [int(size) for size in args.sizes.split(",")]
        runs: list[dict[str, object]] = []
        for kind, unit in UNITS.items():
            for where in ("in a sentence", "own line", "alone"):
                hung = False
                for size in sizes:
                    row: dict[str, object] = {"kind": kind, "where": where, "bytes": size}
                    if hung:
                        row.update(seconds=[], median=None, outcome="skipped")
                    else:
                        data = placed(unit * size, where)
                        timings = []
                        for _ in range(args.runs):
                            timings.append(timed_parse(parse, data, args.timeout))
                            if timings[-1][0] is None:
                                break  # one parse past the timeout says enough
                        seconds = [t for t, _ in timings if t is not None]
                        hung = len(seconds) < len(timings)
                        row.update(
                            seconds=seconds,
                            median=None if hung else statistics.median(seconds),
                            outcome=timings[-1][1],
                        )
                    runs.append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
        result["runs"] = runs
        result["timeout"] = args.timeout
        with open("/proc/loadavg") as loadavg:
            result["machine"]["load_after"] = loadavg.read().split()[:3]

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"parser-{label}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(report(result, args.timeout))


def report(result: dict, timeout: float) -> str:
    samples = result["samples"]
    lines = [
        f"Parser {result['label']} ({result['commit']}), "
        f"load {' '.join(result['machine']['load_before'])}",
        "",
        f"Samples: median {samples['median']:.0f} files/s "
        f"({', '.join(f'{r:.0f}' for r in samples['files_per_second'])})",
        "",
        "| run | where | bytes | median s | outcome |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for row in result["runs"]:
        if row["outcome"] == "skipped":
            median = "not run"
        elif row["median"] is None:
            median = f"> {timeout:g}"
        else:
            median = f"{row['median']:.3f}"
        lines.append(
            f"| {row['kind']} | {row['where']} | {row['bytes']} | {median} | {row['outcome']} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
