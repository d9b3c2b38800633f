"""Parser benchmark (issues 11 and 12): files per second on the samples and on generated
minutes, long runs of blanks, and a check that two parsers give identical results.

    .venv/bin/python -m bench.parser_bench                    # the parser in this checkout
    .venv/bin/python -m bench.parser_bench --ref 3b58014      # the parser of a commit
    .venv/bin/python -m bench.parser_bench --baseline 770f7d7 --profile --sizes ''
    .venv/bin/python -m bench.parser_bench --compare-ref 770f7d7 --compare 2000

Three workloads, each timed several times and reported as the median:

- the files of sample_data/, parsed round after round (files per second);
- generated minutes (issue 11): --corpus files (1,000 by default) written by
  `bench/import_bench.py`'s `write_corpus` (the generator of `bench/build_corpus.py`) into
  a temporary folder and read back, then parsed once per run: ms per file and files/s.
  With `--baseline REF` the parser of that commit is timed on the same files in the same
  process, the runs of the two taking turns, so both see the same load; `--profile` adds
  a cProfile of one more round of each (top functions by own time);
- the pathological inputs: a run of tabs, spaces, dots or dashes in the middle of the
  2021 sample's longest paragraph, on a line of its own after it, and alone, at
  several lengths up to 1 MB. Each
  parse runs in a child process that is killed after --timeout seconds (a regular
  expression cannot be interrupted), so a quadratic parser shows as "> timeout" and the
  lengths above it are skipped.

`--ref` exports minutes/parsing (and minutes/ministries.py, which it imports) of that
commit with `git archive` into a temporary folder and imports the parser from there;
the parser needs no Django and no database. Where the parser takes caps (issue 12),
they are lifted so the runs reach every pattern; where it takes an alias table, it gets
its own `default_alias_table()`, built once, as the import builds its table once. An
empty `--sizes ''` skips the long runs. Results are printed as Markdown and written to
bench/results/parser-<label>.json.

`--compare-ref REF` times nothing: it parses the samples, --compare generated files
(2,000 by default) and each of those files again as CRLF, UTF-8 with a byte order mark,
cp1252 text, with running page headers put in (the generator writes none), and
mangled (lines dropped, doubled, swapped, odd characters put in), and long runs and
files that are no minutes, with this checkout's parser and that commit's (both with
their default caps and the default alias table), and compares every result: `repr`
(the dataclasses, their types and enums) and the JSON of `dataclasses.asdict`, or the
ParseError's message. It exits with status 1 at the first difference.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import importlib
import inspect
import io
import json
import multiprocessing
import os
import platform
import pstats
import random
import re
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


def load_parser(source: Path, *, lift_caps: bool = True) -> Callable[[bytes], object]:
    """`parse_minutes` from the checkout at `source`, with its caps lifted if it has any
    (unless `lift_caps` is false) and its default alias table if it takes one."""
    sys.path.insert(0, str(source))
    for name in [m for m in sys.modules if m == "minutes" or m.startswith("minutes.")]:
        del sys.modules[name]
    parse = importlib.import_module("minutes.parsing").parse_minutes
    module_file = Path(inspect.getfile(parse)).resolve()
    assert module_file.is_relative_to(source.resolve()), module_file
    parameters = inspect.signature(parse).parameters
    options: dict[str, object] = {}
    if lift_caps and "max_line_chars" in parameters:
        options.update(max_bytes=1 << 40, max_line_chars=1 << 40)
    if "aliases" in parameters:
        options["aliases"] = importlib.import_module("minutes.ministries").default_alias_table()
    sys.path.remove(str(source))
    return lambda data: parse(data, **options)


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


def generated_files(count: int, seed: int) -> list[bytes]:
    """`count` generated minutes, written as `.txt` files the way the import benchmark
    writes them and read back (sorted by name)."""
    from bench.import_bench import write_corpus

    with tempfile.TemporaryDirectory(prefix="sgo-parser-corpus-") as folder:
        write_corpus(Path(folder), count, seed)
        return [path.read_bytes() for path in sorted(Path(folder).glob("*.txt"))]


def seconds_per_round(parse: Callable[[bytes], object], files: list[bytes]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one pass over the files.

    The `re` module's cache of compiled patterns is emptied first: in an import every
    file is new, so a pattern made from one file's text is never found there again,
    but in a round of fewer than 512 files it would be found from the round before.
    """
    re.purge()
    wall, cpu = time.perf_counter(), time.process_time()
    for data in files:
        parse(data)
    return time.perf_counter() - wall, time.process_time() - cpu


def corpus_runs(parsers: dict[str, Callable[[bytes], object]], files: list[bytes], runs: int):
    """Per parser, the wall and CPU seconds of each run over `files`; the parsers take
    turns (and the one that goes first alternates), so a change of load hits both alike.
    CPU time counts only this process's time on a core, so it moves less than wall time
    when other processes share the cores."""
    names = list(parsers)
    for parse in parsers.values():
        parse(files[0])  # warm: first-use costs (imports, caches) are not per file
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):
            seconds[name].append(seconds_per_round(parsers[name], files))
    out = {}
    for name, values in seconds.items():
        wall = [1000 * w / len(files) for w, _ in values]
        cpu = [1000 * c / len(files) for _, c in values]
        out[name] = {
            "ms_per_file": wall,
            "cpu_ms_per_file": cpu,
            "median_ms_per_file": statistics.median(wall),
            "median_cpu_ms_per_file": statistics.median(cpu),
            "median_files_per_second": 1000 / statistics.median(wall),
        }
    return out


def _function_name(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    path = Path(filename)
    for marker in ("minutes", "re", "json", "unicodedata"):
        if marker in path.parts[:-1]:
            filename = "/".join(path.parts[len(path.parts) - path.parts[::-1].index(marker) - 1 :])
            break
    return f"{filename}:{line}({function})" if line else function


def profile_round(parse: Callable[[bytes], object], files: list[bytes], top: int) -> dict:
    """One round under cProfile: the total and the `top` functions by own time."""
    re.purge()
    profiler = cProfile.Profile()
    profiler.enable()
    for data in files:
        parse(data)
    profiler.disable()
    stats = pstats.Stats(profiler)
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    return {
        "total_s": stats.total_tt,
        "top": [
            {
                "function": _function_name(key),
                "calls": calls,
                "own_s": own,
                "cumulative_s": cumulative,
            }
            for key, (_, calls, own, cumulative, _) in rows
        ],
    }


# What a page break leaves in the text of a Woo release: the letterhead's sender, its
# Datum and Onze referentie (or another page's), a page number; on lines of their own,
# or bold and glued to the words around them.
PAGE_HEADERS = [
    "\nKabinet Minister-President\nDatum\n{date}\nOnze referentie\n{ref}\n",
    "**Kabinet Minister-President** **Datum** {date} **Onze referentie** {ref} ",
    "\n\nMinisterie van Algemene Zaken\nDatum\n{date}\nOnze referentie\n{ref}\n\n",
    "\nPagina {page} van {pages}\n",
    "\nDatum\n3 maart 2021\nOnze referentie\n4199999\nPagina {page} van {pages}\n",
    " **Datum** {date} **Kenmerk** {ref}/2 ",
]
# Characters that a parser can get wrong: case pairs outside ASCII that regular
# expressions match case-insensitively with ASCII letters, blanks, controls, bold.
ODD = ["ſ", "İ", "ı", "K", "\x85", "\u2028", "\u2003", "\x0b", "\x01", "\t", "  ", "**", "*"]


def _with_page_headers(text: str, rng: random.Random) -> str:
    """`text` with running page headers put in at a few places of its agenda."""
    date = re.search(r"^Datum\n+(.+)$", text, re.MULTILINE)
    ref = re.search(r"^Onze referentie\n+(.+)$", text, re.MULTILINE)
    start = text.find("\n1. ")
    if start < 0:
        return text
    pages = rng.randint(2, 9)
    for page in range(2, pages + 1):
        at = rng.randrange(start, len(text))
        at = text.find(rng.choice(" \n"), at)
        if at < 0:
            continue
        header = rng.choice(PAGE_HEADERS).format(
            date=date.group(1) if date else "1 januari 2020",
            ref=ref.group(1) if ref else "12345",
            page=page,
            pages=pages,
        )
        text = text[:at] + header + text[at + 1 :]
    return text


def _mangled(text: str, rng: random.Random) -> str:
    """`text` with lines dropped, doubled or swapped and odd characters put in."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        kind, at = rng.randrange(4), rng.randrange(len(lines))
        if kind == 0:
            del lines[at : at + rng.randint(1, 3)]
        elif kind == 1:
            lines[at:at] = lines[at : at + rng.randint(1, 3)]
        elif kind == 2:
            other = rng.randrange(len(lines))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            line = lines[at]
            cut = rng.randint(0, len(line))
            lines[at] = line[:cut] + rng.choice(ODD) * rng.randint(1, 3) + line[cut:]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def _variants(data: bytes, seed: int) -> dict[str, bytes]:
    """The same minutes as CRLF, UTF-8 with a byte order mark and cp1252 text, with
    running page headers, and mangled."""
    variants = {"crlf": data.replace(b"\n", b"\r\n"), "bom": b"\xef\xbb\xbf" + data}
    with contextlib.suppress(UnicodeEncodeError):
        variants["cp1252"] = data.decode("utf-8").encode("cp1252")
    rng = random.Random(seed)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    variants["page headers"] = _with_page_headers(text, rng).encode()
    variants["mangled"] = _mangled(_with_page_headers(text, rng), rng).encode()
    return variants


def outcome(parse: Callable[[bytes], object], data: bytes) -> tuple[str, ...]:
    """What a parse gives, for comparing two parsers: its repr and its asdict JSON, or
    the refusal's message."""
    try:
        result = parse(data)
    except ValueError as exc:  # ParseError, of either version
        return ("refused", type(exc).__name__, str(exc))
    as_dict = json.dumps(dataclasses.asdict(result), default=str, ensure_ascii=False)
    return ("parsed", repr(result), as_dict)


def _where_different(a: str, b: str) -> tuple[str, str]:
    """The two texts around the first character where they differ."""
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 0)
    return a[max(0, at - 100) : at + 200], b[max(0, at - 100) : at + 200]


def compare(ref: str, count: int, seed: int) -> int:
    """Parse the samples and `count` generated files (and their variants) with this
    checkout's parser and `ref`'s; print the counts; 1 at the first difference."""
    files = [("sample " + path.name, path.read_bytes()) for path in SAMPLES]
    generated = generated_files(count, seed)
    files += [(f"generated {i}", data) for i, data in enumerate(generated)]
    for index, (name, data) in enumerate(list(files)):
        variants = _variants(data, seed * 1_000_003 + index)
        files += [(f"{name} {kind}", variant) for kind, variant in variants.items()]
    # Long runs (a 32 kB line is over the default cap) and files that are no minutes.
    extra = [
        (f"{kind} {where} {size}", placed(unit * size, where))
        for kind, unit in UNITS.items()
        for where in ("in a sentence", "own line", "alone")
        for size in (2048, 32768)
    ]
    extra += [("empty", b""), ("binary", b"\x00\x01 abc"), ("no date", b"1. Opening\n")]
    files += extra
    with tempfile.TemporaryDirectory(prefix="sgo-parser-bench-") as tmp:
        commit = export_commit(ref, Path(tmp))
        theirs = load_parser(Path(tmp), lift_caps=False)
        ours = load_parser(ROOT, lift_caps=False)
        counts = {"parsed": 0, "refused": 0}
        for name, data in files:
            mine, reference = outcome(ours, data), outcome(theirs, data)
            if mine != reference:
                print(f"DIFFERENT: {name}", file=sys.stderr)
                if mine[0] == reference[0] == "parsed":
                    a, b = json.loads(mine[2]), json.loads(reference[2])
                    for key in [k for k in a if a[k] != b.get(k)] or ["(repr only)"]:
                        x, y = _where_different(str(a.get(key)), str(b.get(key)))
                        print(f"  {key}: ...{x!r}", file=sys.stderr)
                        print(f"  {commit[:7]}: ...{y!r}", file=sys.stderr)
                else:
                    print(f"  this checkout: {mine[-1][:500]}", file=sys.stderr)
                    print(f"  {commit[:7]}: {reference[-1][:500]}", file=sys.stderr)
                return 1
            counts[mine[0]] += 1
    print(
        f"identical: {len(files)} files ({len(SAMPLES)} samples, {count} generated with seed "
        f"{seed}, {len(files) - len(SAMPLES) - count - len(extra)} variants of them: CRLF, "
        f"BOM, cp1252, page headers, mangled; {len(extra)} long runs and non-minutes): "
        f"{counts['parsed']} parsed, {counts['refused']} refused, the same repr, asdict and "
        f"errors as {commit[:7]}"
    )
    return 0


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
    parser.add_argument(
        "--baseline", help="time this commit's parser too, on the same files in the same run"
    )
    parser.add_argument("--label", help="name of the result file (default: the commit)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per workload")
    parser.add_argument("--rounds", type=int, default=100, help="rounds over the samples per run")
    parser.add_argument(
        "--corpus", type=int, default=1000, help="generated files per run (0: no corpus runs)"
    )
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated files")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile one more round over the corpus"
    )
    parser.add_argument(
        "--sizes",
        default="2048,4096,8192,1048576",
        help="run lengths in bytes, comma-separated (default: 2 kB, 4 kB, 8 kB, 1 MB; "
        "empty: no long runs)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60, help="seconds before a parse is killed"
    )
    parser.add_argument(
        "--compare-ref", help="compare this checkout's results with this commit's, time nothing"
    )
    parser.add_argument(
        "--compare", type=int, default=2000, help="generated files for --compare-ref"
    )
    args = parser.parse_args()

    if args.compare_ref:
        sys.exit(compare(args.compare_ref, args.compare, args.seed))

    # Generated first: the generator imports this checkout's parser (its decision
    # classifier), which `load_parser` then swaps for the ones being timed.
    files = generated_files(args.corpus, args.seed) if args.corpus else []
    with tempfile.TemporaryDirectory(prefix="sgo-parser-bench-") as tmp:
        parsers: dict[str, Callable[[bytes], object]] = {}
        if args.baseline:
            baseline = export_commit(args.baseline, Path(tmp) / "baseline")
            parsers[f"baseline {baseline[:7]}"] = load_parser(Path(tmp) / "baseline")
        if args.ref:
            commit = export_commit(args.ref, Path(tmp) / "ref")
            parse = load_parser(Path(tmp) / "ref")
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
        parsers = {label: parse, **parsers}
        result: dict[str, object] = {"commit": commit, "label": label, "machine": machine()}
        if args.baseline:
            result["baseline"] = baseline

        rates: dict[str, list[float]] = {name: [] for name in parsers}
        for run in range(args.runs):
            for name in parsers if run % 2 == 0 else reversed(parsers):
                rates[name].append(files_per_second(parsers[name], args.rounds))
        result["samples"] = {
            "files": [p.name for p in SAMPLES],
            "rounds": args.rounds,
            "files_per_second": rates[label],
            "median": statistics.median(rates[label]),
            "by_parser": {
                name: {"files_per_second": values, "median": statistics.median(values)}
                for name, values in rates.items()
            },
        }

        if files:
            result["corpus"] = {
                "files": len(files),
                "seed": args.seed,
                "mean_kb": sum(map(len, files)) / len(files) / 1024,
                "by_parser": corpus_runs(parsers, files, args.runs),
            }
            if args.profile:
                result["corpus"]["profile"] = {
                    name: profile_round(parsers[name], files, top=15) for name in parsers
                }

        sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
        runs: list[dict[str, object]] = []
        for kind, unit in UNITS.items() if sizes else ():
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
    machine_facts = result["machine"]
    lines = [
        f"Parser {result['label']} ({result['commit']}), "
        f"load {' '.join(machine_facts['load_before'])} before, "
        f"{' '.join(machine_facts['load_after'])} after",
        "",
        f"Samples ({samples['rounds']} rounds per run):",
        "",
    ]
    for name, values in samples["by_parser"].items():
        lines.append(
            f"- {name}: median {values['median']:.0f} files/s "
            f"({', '.join(f'{r:.0f}' for r in values['files_per_second'])})"
        )
    corpus = result.get("corpus")
    if corpus:
        label = result["label"]
        lines += [
            "",
            f"Generated minutes: {corpus['files']} files per run (seed {corpus['seed']}, "
            f"mean {corpus['mean_kb']:.1f} kB)",
            "",
            "| parser | median ms/file | median files/s | median CPU ms/file "
            "| ms/file per run | ratio (wall) | ratio (CPU) |",
            "| --- | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        ours = corpus["by_parser"][label]
        for name, values in corpus["by_parser"].items():
            wall_ratio = values["median_ms_per_file"] / ours["median_ms_per_file"]
            cpu_ratio = values["median_cpu_ms_per_file"] / ours["median_cpu_ms_per_file"]
            lines.append(
                f"| {name} | {values['median_ms_per_file']:.2f} | "
                f"{values['median_files_per_second']:.0f} | "
                f"{values['median_cpu_ms_per_file']:.2f} | "
                f"{', '.join(f'{v:.2f}' for v in values['ms_per_file'])} | "
                f"{wall_ratio:.2f}× | {cpu_ratio:.2f}× |"
            )
        for name, profile in corpus.get("profile", {}).items():
            lines += [
                "",
                f"Profile of {name} (one round under cProfile, {profile['total_s']:.2f} s):",
                "",
                "| function | calls | own s | cumulative s |",
                "| --- | ---: | ---: | ---: |",
            ]
            for row in profile["top"]:
                lines.append(
                    f"| `{row['function']}` | {row['calls']} | {row['own_s']:.3f} | "
                    f"{row['cumulative_s']:.3f} |"
                )
    if not result["runs"]:
        return "\n".join(lines)
    lines += [
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
