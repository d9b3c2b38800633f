"""nDCG@10 of the archive's search ranking on the judged set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_relevance \\
        .venv/bin/python -m bench.relevance.ndcg --engine postgres

Migrates the database, empties its minutes tables, imports the corpus through the
real import service (bench/relevance/corpus.py), runs every query of
judgements.json through the search package's public face and scores the first ten
results against the grades. Prints per-query nDCG and the top ten, and writes
bench/relevance/results-<engine>-<commit>.json.

The ranking is asked of `minutes.search` only (`clean_query`, then `ranked`), the
same calls the search page makes, so after the engine behind the package changes
the same command measures the new engine: `--engine` is the label of the run, and
if the package names its engine (`minutes.search.ENGINE`) the label must match it.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import hashlib
import inspect
import json
import math
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import code_state, database_url, machine_info, setup_django

HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "judgements.json"
K = 10

# A ranker takes a user's query as typed and returns "slug#anchor" of the first k results.
Ranker = Callable[[str, int], list[str]]


def public_search_ranker(query: str, k: int) -> list[str]:
    """The first k results as the search page gets them: clean_query, then ranked().

    ranked() takes the items to search first (PostgreSQL: `ranked(items, query)`) or
    the query first with the items as a keyword (the index: `ranked(query, items=…)`);
    either way the result is sliced like a QuerySet into agenda items.
    """
    from minutes import search
    from minutes.models import AgendaItem

    cleaned = search.clean_query(query)
    items = AgendaItem.objects.select_related("meeting")
    first = next(iter(inspect.signature(search.ranked).parameters))
    if first == "query":
        results = search.ranked(cleaned, items=items)
    else:
        results = search.ranked(items, cleaned)
    return [f"{item.meeting.slug}#{item.anchor}" for item in list(results[:k])]


# Every engine is measured through the same public calls; the name says which engine
# is behind minutes.search at the commit measured. "tantivy" is for after the switch:
# run the same command with --engine tantivy on the commit that makes Tantivy the engine.
ENGINES: dict[str, Ranker] = {
    "postgres": public_search_ranker,
    "tantivy": public_search_ranker,
}


def gain(grade: int) -> float:
    """Exponential gain: grade 2 is worth 3, grade 1 is worth 1, grade 0 nothing."""
    return 2.0**grade - 1


def dcg(grades: Sequence[int]) -> float:
    """Discounted cumulative gain of grades in rank order (rank 1 first)."""
    return sum(gain(g) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


def ndcg(
    ranking: Sequence[str], relevant: dict[str, int], k: int = K
) -> tuple[float, float, float]:
    """(nDCG@k, DCG@k, ideal DCG@k) of a ranking of item keys against graded judgements."""
    actual = dcg([relevant.get(key, 0) for key in ranking[:k]])
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return (actual / ideal if ideal else 0.0), actual, ideal


def load_judgements(path: Path = JUDGEMENTS) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def check_meetings(judgements: dict) -> list[str]:
    """Problems with the loaded corpus against the judgements (empty when it fits).

    Every judged meeting must have been imported from the file the judgements name
    (same-day slugs follow import order) and every judged item must exist.
    """
    from minutes.models import AgendaItem, Meeting

    problems = []
    sources = dict(Meeting.objects.values_list("slug", "source_name"))
    for slug, source in judgements["meetings"].items():
        if sources.get(slug) != source:
            problems.append(f"meeting {slug} is {sources.get(slug)!r}, judged as {source!r}")
    items = {
        f"{slug}#{anchor}"
        for slug, anchor in AgendaItem.objects.values_list("meeting__slug", "anchor")
    }
    for query in judgements["queries"]:
        for key in query["relevant"]:
            if key not in items:
                problems.append(f"{query['id']}: judged item {key} is not in the corpus")
            if key.split("#")[0] not in judgements["meetings"]:
                problems.append(f"{query['id']}: meeting of {key} missing from 'meetings'")
    return problems


def prepare_database() -> dict:
    """Migrate, empty the minutes tables, import the corpus; what was loaded."""
    from django.core.management import call_command, get_commands

    from bench.relevance import corpus
    from minutes.models import AgendaItem, ImportRun, Meeting

    call_command("migrate", verbosity=0)
    Meeting.objects.all().delete()
    ImportRun.objects.all().delete()
    ImportRun.staged.all().delete()
    outcome = corpus.load(corpus.sources())
    if "search_index" in get_commands():
        # An engine with an index of its own: rebuild it from exactly this corpus.
        call_command("search_index", "--rebuild")
    return {
        "files": outcome,
        "meetings": Meeting.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
    }


def evaluate(judgements: dict, ranker: Ranker, k: int = K) -> list[dict]:
    rows = []
    for query in judgements["queries"]:
        ranking = ranker(query["query"], k)
        score, actual, ideal = ndcg(ranking, query["relevant"], k)
        rows.append(
            {
                "id": query["id"],
                "query": query["query"],
                "kinds": query.get("kinds", []),
                "judged": {
                    grade: sum(1 for g in query["relevant"].values() if str(g) == grade)
                    for grade in ("2", "1")
                },
                "ndcg": round(score, 4),
                "dcg": round(actual, 4),
                "ideal_dcg": round(ideal, 4),
                "top": [{"item": key, "grade": query["relevant"].get(key, 0)} for key in ranking],
                "missed": sorted(key for key in query["relevant"] if key not in ranking),
            }
        )
    return rows


def markdown_table(rows: list[dict]) -> str:
    """Per-query results as a Markdown table (for docs/benchmarks.md)."""
    lines = [
        "| query | kind | judged (grade 2 / 1) | in top 10 | nDCG@10 |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        found = sum(1 for hit in row["top"] if hit["grade"])
        query = row["query"].replace("|", "&#124;")
        twos, ones = row["judged"]["2"], row["judged"]["1"]
        lines.append(
            f"| `{query}` | {', '.join(row['kinds'])} | {twos} / {ones} "
            f"| {found} of {twos + ones} | {row['ndcg']:.3f} |"
        )
    return "\n".join(lines)


def engine_of_package() -> str | None:
    """The engine minutes.search says it runs, if it says so."""
    from minutes import search

    return getattr(search, "ENGINE", None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=sorted(ENGINES), default="postgres")
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--output", type=Path, help="default: results-<engine>-<commit>.json here")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args(argv)

    url = database_url(args.database_url)
    name = urlsplit(url).path.lstrip("/")
    if "relevance" not in name:
        sys.exit(f"Refusing to empty database {name!r}: its name must contain 'relevance'.")
    # An engine with an index on disk gets a fresh one of its own, never the developer's.
    if "SGO_SEARCH_INDEX_DIR" not in os.environ:
        index_dir = tempfile.mkdtemp(prefix=f"sgo-{name}-index-")
        atexit.register(shutil.rmtree, index_dir, ignore_errors=True)
        os.environ["SGO_SEARCH_INDEX_DIR"] = index_dir
    setup_django(url)

    declared = engine_of_package()
    if declared is not None and declared != args.engine:
        sys.exit(f"minutes.search runs {declared!r}, not {args.engine!r}.")

    judgements = load_judgements(args.judgements)
    loaded = prepare_database()
    problems = check_meetings(judgements)
    if problems:
        print("The corpus no longer fits the judgements:", *problems, sep="\n  ", file=sys.stderr)
        return 1

    rows = evaluate(judgements, ENGINES[args.engine])
    mean = sum(row["ndcg"] for row in rows) / len(rows)
    state = code_state()

    print(
        f"engine {args.engine} at {state['commit']}: {len(rows)} queries, "
        f"{loaded['meetings']} meetings, {loaded['agenda_items']} agenda items"
    )
    for row in rows:
        print(f"\n{row['ndcg']:.3f}  {row['query']}")
        for rank, hit in enumerate(row["top"], start=1):
            print(f"    {rank:2}. [{hit['grade']}] {hit['item']}")
        if row["missed"]:
            print(f"    missed: {', '.join(row['missed'])}")
    print(f"\nmean nDCG@{K}: {mean:.4f}")
    if args.markdown:
        print("\n" + markdown_table(rows))

    result = {
        "engine": args.engine,
        "engine_declared_by_package": declared,
        "commit": state["commit"],
        "uncommitted": state["uncommitted"],
        "migrations": state["migrations"],
        "measured_at": dt.datetime.now().isoformat(timespec="seconds"),
        "k": K,
        "gain": "2^grade - 1, discount log2(rank + 1), ideal from all judged grades",
        "judgements_sha256": hashlib.sha256(args.judgements.read_bytes()).hexdigest()[:16],
        "corpus": loaded,
        "machine": machine_info(),
        "mean_ndcg": round(mean, 4),
        "queries": rows,
    }
    # Uncommitted changes to the app make the commit a poor name for what was measured.
    label = state["commit"] + ("-dirty" if state["uncommitted"] else "")
    output = args.output or HERE / f"results-{args.engine}-{label}.json"
    output.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
