"""Time the search page on a benchmark archive (bench/build_corpus.py builds one).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_10k \\
        .venv/bin/python -m bench.search_bench --label 10k

Every query of bench/queries.py is timed in four ways, round-robin over the
queries (so no query runs twice in a row):

  page  one page of results without facets: the view's filterset and
        paginate_queryset (COUNT and the ranked top 20) and with_snippets (snippets)
  view  SearchView itself, called with a RequestFactory request and not rendered:
        count, page, snippets, facets, suggestion
  http  django.test.Client GET /zoeken/?q=…: the view plus middleware and the
        template, i.e. the whole response
  raw   the SQL statements the http request sent, replayed on the bare psycopg
        connection and fetched; http/raw is the app's own overhead

Median and p95 (nearest rank) per query and mode are printed and written to
bench/results/<label>-<time>.json with the machine and the corpus size;
`--explain` also writes EXPLAIN (ANALYZE, BUFFERS) of every statement of a few
queries to bench/results/<label>-explain.txt.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from pathlib import Path

from bench.common import RESULTS, database_url, result_header, setup_django
from bench.queries import QUERIES, Query

MODES = ("page", "view", "http", "raw")
EXPLAIN_QUERIES = (
    "rare-compound-1",
    "medium-era",
    "common-sgo",
    "phrase-raad-van-state",
    "filter-common",
    "sort-newest-common",
)
DECLARE_RE = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ", re.S)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2),
        "p95": round(p95(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


class Bench:
    def __init__(self):
        from django.db import connection
        from django.http import QueryDict
        from django.test import Client, RequestFactory

        from minutes import search
        from minutes.views import SearchView

        self.connection = connection
        self.client = Client()
        self.factory = RequestFactory()
        self.view = SearchView.as_view()
        self.view_class = SearchView
        self.QueryDict = QueryDict
        self.clean_query = search.clean_query
        self.highlighted = search.with_snippets
        self.sql: dict[str, list[str]] = {}

    def querydict(self, query: Query):
        data = self.QueryDict(mutable=True)
        for key, value in query.params.items():
            data.setlist(key, value if isinstance(value, list) else [value])
        return data

    # -- the four ways -----------------------------------------------------------

    def page(self, query: Query) -> int:
        """One page of results without the facets: count, ranked top 20, snippets.

        Runs the view's own steps (filterset, paginate_queryset, with_snippets), so it
        follows SearchView's code.
        """
        request = self.factory.get("/zoeken/", self.querydict(query))
        view = self.view_class()
        view.setup(request)
        view.filterset = view.get_filterset(view.get_filterset_class())
        assert view.filterset.is_valid(), view.filterset.errors
        view.object_list = view.filterset.qs
        _, _, items, _ = view.paginate_queryset(view.object_list, view.paginate_by)
        return len(self.highlighted(list(items), self.clean_query(query.q)))

    def view_call(self, query: Query) -> int:
        request = self.factory.get("/zoeken/", self.querydict(query))
        response = self.view(request)
        assert response.status_code == 200, response.status_code
        context = response.context_data
        return context.get("total", context["paginator"].count)

    def http(self, query: Query) -> int:
        response = self.client.get("/zoeken/", self.querydict(query))
        assert response.status_code == 200, response.status_code
        return len(response.content)

    def raw(self, query: Query) -> int:
        self.connection.ensure_connection()
        rows = 0
        with self.connection.connection.cursor() as cursor:
            for sql in self.sql[query.name]:
                cursor.execute(sql)
                rows += len(cursor.fetchall())
        return rows

    def capture(self, query: Query) -> list[dict]:
        """The SQL one http request sends; server-side cursors become plain SELECTs."""
        from django.test.utils import CaptureQueriesContext

        statements = []
        self.http(query)  # first fill whatever the app caches, as the warm-up rounds do
        with CaptureQueriesContext(self.connection) as ctx:
            self.http(query)
        # The captured text has its parameters inlined already, as PostgreSQL got it.
        for entry in ctx.captured_queries:
            sql = DECLARE_RE.sub("", entry["sql"])
            statements.append({"sql": sql, "ms": round(float(entry["time"]) * 1000, 2)})
        self.sql[query.name] = [s["sql"] for s in statements]
        return statements

    def timed(self, mode: str, query: Query) -> float:
        func = {"page": self.page, "view": self.view_call, "http": self.http, "raw": self.raw}[mode]
        started = time.perf_counter()
        func(query)
        return (time.perf_counter() - started) * 1000

    def explain(self, query: Query) -> str:
        out = [f"### {query.name}: {query.params}"]
        with self.connection.cursor() as cursor:
            for sql in self.sql[query.name]:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                out.append("-- " + sql[:300] + ("…" if len(sql) > 300 else ""))
                out.extend(row[0] for row in cursor.fetchall())
                out.append("")
        return "\n".join(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="names the result file, e.g. 10k")
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--modes", default=",".join(MODES), help="default: " + ",".join(MODES))
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--explain", action="store_true", help="also EXPLAIN (ANALYZE, BUFFERS)")
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    setup_django(url)

    from minutes.management.progress import Progress

    modes = [m for m in args.modes.split(",") if m]
    queries = [q for q in QUERIES if not args.only or q.name in args.only.split(",")]
    bench = Bench()
    result = {
        **result_header(args),
        "modes": modes,
        "queries": [],
    }
    records = {}
    for query in queries:
        statements = bench.capture(query)
        records[query.name] = {
            "name": query.name,
            "category": query.category,
            "params": query.params,
            "matches": bench.view_call(query),
            "statements": statements,
            "timings": {mode: [] for mode in modes},
        }

    total = (args.runs + args.warmup) * len(queries) * len(modes)
    progress = Progress(total, sys.stdout, unit="timings")
    for round_no in range(args.warmup + args.runs):
        for query in queries:
            for mode in modes:
                ms = bench.timed(mode, query)
                if round_no >= args.warmup:
                    records[query.name]["timings"][mode].append(round(ms, 3))
                progress.advance()
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    result["loadavg_after"] = Path("/proc/loadavg").read_text().strip()

    for query in queries:
        record = records[query.name]
        record["stats"] = {mode: summary(values) for mode, values in record["timings"].items()}
        if "raw" in record["stats"] and "http" in record["stats"]:
            record["http_raw_ratio"] = round(
                record["stats"]["http"]["median"] / record["stats"]["raw"]["median"], 2
            )
        result["queries"].append(record)

    if args.explain:
        text = "\n\n".join(bench.explain(q) for q in queries if q.name in EXPLAIN_QUERIES)
        RESULTS.mkdir(parents=True, exist_ok=True)
        explain_path = RESULTS / f"{args.label}-explain.txt"
        explain_path.write_text(text + "\n")
        result["explain_file"] = str(explain_path.relative_to(RESULTS.parent.parent))

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{args.label}-{result['started'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    progress.finish(f"{len(queries)} queries × {args.runs} runs, results in {path}")
    print(table(result))


def table(result: dict) -> str:
    """A plain-text table of medians and p95s (ms)."""
    modes = result["modes"]
    head = f"{'query':24} {'cat':9} {'matches':>8} " + " ".join(
        f"{m + ' med':>9} {m + ' p95':>9}" for m in modes
    )
    lines = [head + ("  http/raw" if "raw" in modes and "http" in modes else "")]
    for record in result["queries"]:
        cells = " ".join(
            f"{record['stats'][m]['median']:9.1f} {record['stats'][m]['p95']:9.1f}" for m in modes
        )
        ratio = f"  {record['http_raw_ratio']:8.2f}" if "http_raw_ratio" in record else ""
        lines.append(
            f"{record['name']:24} {record['category']:9} {record['matches']:8d} {cells}{ratio}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
