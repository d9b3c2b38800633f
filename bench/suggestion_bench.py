"""Time the "Bedoelde u …?" suggestion on a benchmark archive, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_100k \\
        .venv/bin/python -m bench.suggestion_bench --runs 30

For each typo: `vocabulary.closest` (the look-up in the index's vocabulary) and the
whole `search.suggest` (is the word known, the closest word, and the count that
decides whether the suggestion finds more), medians and p95 of the runs in
milliseconds, round-robin over the typos, after warm-up rounds. Prints the
suggestion each typo gets, so a change in behaviour shows beside the timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench.common import database_url, setup_django

# One and two edits, early and late in the word, and words the archive does not have.
TYPOS = [
    "thuiswerkne",  # the search bench's typo query: two letters swapped
    "vergaderng",  # a letter left out
    "begrotnig",
    "departmenten",
    "klimaatveiligheidstrategie",  # a long compound, one letter left out
    "minsterraad",
    "oekraine",  # accents as the archive writes them: "Oekraïne"
    "xqzwvbnm",  # nothing near
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args()
    setup_django(database_url(args.database_url))

    from minutes import search
    from minutes.search import index, vocabulary

    load_before = os.getloadavg()[0]
    timings: dict[str, dict[str, list[float]]] = {t: {"closest": [], "suggest": []} for t in TYPOS}
    answers, suggestions = {}, {}
    for round_no in range(args.warmup + args.runs):
        for typo in TYPOS:
            started = time.perf_counter()
            answers[typo] = vocabulary.closest(typo)
            between = time.perf_counter()
            suggestions[typo] = search.suggest(typo, found=0)
            ended = time.perf_counter()
            if round_no >= args.warmup:
                timings[typo]["closest"].append((between - started) * 1000)
                timings[typo]["suggest"].append((ended - between) * 1000)
    print(
        f"index {index.directory()}: {index.status().documents:,} items; "
        f"load {load_before:.2f} -> {os.getloadavg()[0]:.2f}; {args.runs} runs"
    )
    head = f"{'typo':28} {'closest word':>28} {'(ms)':>7} {'suggest (ms)':>14} {'p95':>7}"
    print(head, " suggestion")
    for typo in TYPOS:
        closest, whole = timings[typo]["closest"], timings[typo]["suggest"]
        print(
            f"{typo:28} {answers[typo] or '-':>28} {statistics.median(closest):7.2f} "
            f"{statistics.median(whole):14.2f} {p95(whole):7.2f}  "
            f"{suggestions[typo] or '-'}"
        )


if __name__ == "__main__":
    main()
