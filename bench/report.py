"""Markdown tables from bench/results/*.json (for docs/benchmarks.md).

    .venv/bin/python -m bench.report bench/results/100k-*.json
    .venv/bin/python -m bench.report --compare http:p95 bench/results/a.json bench/results/b.json
    .venv/bin/python -m bench.report --engines tantivy-http=t.json:http fts5=f.json:fts5 \
        postgres-http=p.json:http

`--engines` puts runs of different engines side by side (search_bench.py and
fts5_bench.py write the same format): per query, then per query class, with the
ratios of the first column to each of the others.

No database and no Django needed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

PAGE_TARGET_MS = 50
COMMON_TARGET_MS = 150


def load(path: str) -> dict:
    return json.loads(Path(path).read_text())


def ms(value: float) -> str:
    if value < 1:
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def machine(result: dict) -> str:
    m = result["machine"]
    mem = next((line for line in m["free_m"].splitlines() if line.startswith("Mem:")), "")
    total_mb = mem.split()[1] if mem else "?"
    pg = m["postgresql"].split(" on ")[0]
    settings = ", ".join(f"{k} {v}" for k, v in sorted(m["pg_settings"].items()))
    return (
        f"{m['nproc']} CPUs ({m['cpu_model']}), {total_mb} MB RAM, {pg} ({settings}); "
        f"Python {m['python']}, Django {m['django']}; load average at start {m['loadavg']}, "
        f"after {result.get('loadavg_after', '?')}"
    )


def corpus(result: dict) -> str:
    c = result["corpus"]
    return (
        f"{c['minutes_meeting']['rows']:,} meetings, {c['minutes_agendaitem']['rows']:,} agenda "
        f"items ({c['agenda_text_mb']} MB of title and body text), "
        f"{c['minutes_decision']['rows']:,} decisions, "
        f"{c['minutes_ministrymention']['rows']:,} ministry mentions, "
        f"{c['minutes_agendaitem_topics']['rows']:,} topic tags"
        + (
            f", {c['minutes_searchterm']['rows']:,} search terms"
            if "minutes_searchterm" in c
            else ""
        )
        + f"; database {c['database_mb']:,.0f} MB, "
        f"agenda item table {c['minutes_agendaitem']['total_mb']:,.0f} MB"
        + (
            f", GIN index {c['agenda_item_search_idx_mb']} MB"
            if "agenda_item_search_idx_mb" in c
            else ""
        )
    )


def table(result: dict) -> str:
    modes = result["modes"]
    head = ["query", "kind", "matches"]
    for mode in modes:
        head += [f"{mode} median", f"{mode} p95"]
    if "raw" in modes and "http" in modes:
        head.append("http/raw")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for record in result["queries"]:
        cells = [f"`{record['name']}`", record["category"], f"{record['matches']:,}"]
        for mode in modes:
            stats = record["stats"][mode]
            cells += [ms(stats["median"]), ms(stats["p95"])]
        if "http_raw_ratio" in record:
            cells.append(f"{record['http_raw_ratio']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(result: dict) -> str:
    """Which queries meet p95 page ≤ 50 ms, and common words http ≤ 150 ms."""
    page_ok, page_miss, common_ok, common_miss = [], [], [], []
    for record in result["queries"]:
        stats = record["stats"]
        if "page" in stats:
            p95 = stats["page"]["p95"]
            (page_ok if p95 <= PAGE_TARGET_MS else page_miss).append((record["name"], p95))
        if record["category"] == "common" and "http" in stats:
            p95 = stats["http"]["p95"]
            (common_ok if p95 <= COMMON_TARGET_MS else common_miss).append((record["name"], p95))
    ratios = sorted(r["http_raw_ratio"] for r in result["queries"] if "http_raw_ratio" in r)
    lines = [
        f"- page p95 ≤ {PAGE_TARGET_MS} ms: {len(page_ok)} of {len(page_ok) + len(page_miss)} "
        "queries; over: " + (", ".join(f"`{n}` {ms(v)}" for n, v in page_miss) or "none"),
        f"- common words, http p95 ≤ {COMMON_TARGET_MS} ms (facets included): {len(common_ok)} of "
        f"{len(common_ok) + len(common_miss)}; over: "
        + (", ".join(f"`{n}` {ms(v)}" for n, v in common_miss) or "none"),
    ]
    if ratios:
        lines.append(
            f"- http/raw (medians): {ratios[0]:.2f} to {ratios[-1]:.2f}, "
            f"median {ratios[len(ratios) // 2]:.2f}"
        )
    return "\n".join(lines)


def compare(spec: str, paths: list[str]) -> str:
    mode, stat = spec.split(":")
    results = [load(p) for p in paths]
    head = ["query", "matches", *(r["label"] for r in results)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for i, record in enumerate(results[0]["queries"]):
        cells = [f"`{record['name']}`", f"{record['matches']:,}"]
        for result in results:
            other = result["queries"][i]
            cells.append(ms(other["stats"][mode][stat]) if mode in other["stats"] else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return f"{mode} {stat} (ms)\n\n" + "\n".join(lines)


def _columns(specs: list[str]) -> list[tuple[str, dict[str, dict]]]:
    """NAME=FILE:MODE -> (NAME, {query name: record with that mode's stats})."""
    columns = []
    for spec in specs:
        name, _, rest = spec.partition("=")
        path, _, mode = rest.rpartition(":")
        records = {}
        for record in load(path)["queries"]:
            records[record["name"]] = {
                "category": record["category"],
                "matches": record["matches"],
                **record["stats"][mode],
            }
        columns.append((name, records))
    return columns


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def engines(specs: list[str]) -> str:
    """Runs of several engines side by side: per query, per class, and ratios."""
    columns = _columns(specs)
    first_name, first = columns[0]
    names = list(first)
    head = ["query", "kind", "matches"] + [f"{n} median / p95" for n, _ in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for query in names:
        matches = " / ".join(dict.fromkeys(f"{c[query]['matches']:,}" for _, c in columns))
        cells = [f"`{query}`", first[query]["category"], matches]
        cells += [f"{ms(c[query]['median'])} / {ms(c[query]['p95'])}" for _, c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    out = ["Per query: median / p95 (ms); matches per engine where they differ.\n", *lines]

    classes = list(dict.fromkeys(first[q]["category"] for q in names))
    head = ["class", "queries"] + [f"{n} median / worst p95" for n, _ in columns]
    head += [f"{first_name} / {n}" for n, _ in columns[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind in [*classes, "all"]:
        group = [q for q in names if kind == "all" or first[q]["category"] == kind]
        cells = [kind, str(len(group))]
        for _, c in columns:
            median = statistics.median(c[q]["median"] for q in group)
            cells.append(f"{ms(median)} / {ms(max(c[q]['p95'] for q in group))}")
        for _, c in columns[1:]:
            ratios = [first[q]["median"] / c[q]["median"] for q in group]
            faster = sum(r < 1 for r in ratios)
            cells.append(f"{geomean(ratios):.2f} ({faster}/{len(group)} faster)")
        lines.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        "Per class: the median of the queries' medians / the worst p95 (ms); ratios are the "
        f"geometric mean of the per-query ratios of the medians ({first_name} ÷ other; below 1: "
        f"{first_name} is faster), with how many of the class's queries {first_name} answers "
        "faster.\n",
        *lines,
    ]
    return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--compare", metavar="MODE:STAT", help="e.g. http:p95")
    parser.add_argument(
        "--engines", nargs="+", metavar="NAME=FILE:MODE", help="side by side, ratios to the first"
    )
    args = parser.parse_args(argv)
    if args.engines:
        print(engines(args.engines))
        return
    if args.compare:
        print(compare(args.compare, args.files))
        return
    for path in args.files:
        result = load(path)
        print(f"### {result['label']} ({result['started']}, {result['runs']} runs)\n")
        print(f"Machine: {machine(result)}\n")
        print(f"Corpus: {corpus(result)}\n")
        print(f"Code: {result.get('code', {})}\n")
        print(table(result) + "\n")
        print(targets(result) + "\n")


if __name__ == "__main__":
    main()
