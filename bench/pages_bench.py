"""Time the archive's pages in-process on a benchmark archive (issue 11).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_100k \\
    SGO_SEARCH_INDEX_DIR=bench/results/index-sgo_bench_100k \\
        .venv/bin/python -m bench.pages_bench --label pages-100k [--explain]

Every page of PAGES is asked for with django.test.Client (middleware, view and
template: the whole response, as search_bench's `http` mode), round-robin over the
pages so no page runs twice in a row, after `--warmup` untimed rounds, for `--runs`
timed rounds. "meeting" takes a different meeting every round (spread over the
archive); the deep list page is the middle page of the unfiltered meeting list.

Per page: median and p95 (nearest rank) in ms, and the number of SQL queries one
request sends (CaptureQueriesContext, after the warm-up so cached parts count as
cached) and how the page cache answered the timed requests (hit, miss, or "-" when it
is off: SGO_PAGE_CACHE_SECONDS=0). Written to bench/results/<label>-<time>.json with the
machine, the corpus size and the code state; a Markdown table is printed. `--explain`
writes EXPLAIN (ANALYZE, BUFFERS) of every SELECT of the pages whose p95 passes
`--explain-over` ms to bench/results/<label>-explain.txt.

`--cold` empties Django's cache before every request (warm-up and timed), so each
request is the first one after an import: every count the app keeps per archive
version (minutes.aggregates) is counted again, and the page cache has no copy. Without
it the timings are warm.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from bench.common import RESULTS, database_url, result_header, setup_django
from bench.search_bench import summary

DECLARE_RE = re.compile(r"^DECLARE \S+ NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR ", re.S)
MEETING_SAMPLE = 25  # different meetings the meeting page cycles through
MINISTRY = "bzk"
TOPIC = "huisvesting"
BIG_TOPIC = "interdepartementale-afstemming"  # on nearly half of all items


def pages(deep_page: int) -> list[tuple[str, str]]:
    """(name, URL) of every page timed; "meeting" is filled in per round."""
    return [
        ("home", "/"),
        ("meetings", "/vergaderingen/"),
        ("meetings jaar", "/vergaderingen/?jaar=2020"),
        ("meetings ministerie", f"/vergaderingen/?ministerie={MINISTRY}"),
        ("meetings onderwerp", f"/vergaderingen/?onderwerp={TOPIC}"),
        ("meetings van/tot", "/vergaderingen/?van=2015-01-01&tot=2016-12-31"),
        ("meetings q", "/vergaderingen/?q=huisvesting"),
        ("meetings sorteer=oud", "/vergaderingen/?sorteer=oud"),
        ("meetings page=deep", f"/vergaderingen/?page={deep_page}"),
        ("meetings jaar+ministerie", f"/vergaderingen/?jaar=2020&ministerie={MINISTRY}"),
        ("meeting", ""),
        ("ministry", f"/ministeries/{MINISTRY}/"),
        ("topic", f"/onderwerpen/{TOPIC}/"),
        ("topic (big)", f"/onderwerpen/{BIG_TOPIC}/"),
        ("decisions", "/besluiten/"),
        ("decisions filtered", f"/besluiten/?soort=decided&ministerie={MINISTRY}&jaar=2020"),
        ("ministries", "/ministeries/"),
        ("topics", "/onderwerpen/"),
        # Issue 15: the read API and the feeds of every list (the feeds by receipt).
        ("api meetings", "/api/meetings/"),
        ("api meetings ministerie", f"/api/meetings/?ministerie={MINISTRY}&jaar=2020"),
        ("api meetings deep cursor", "/api/meetings/?sorteer=oud&limit=100"),
        ("api search", "/api/search/?q=huisvesting"),
        ("api search common", "/api/search/?q=verslag"),
        ("api decisions", "/api/decisions/"),
        ("api ministries", "/api/ministries/"),
        ("feed meetings", "/vergaderingen/feed/"),
        ("feed decisions", "/besluiten/feed/"),
        ("feed search", "/zoeken/feed/?q=huisvesting"),
        ("feed search common", "/zoeken/feed/?q=verslag"),
        ("feed ministry", f"/ministeries/{MINISTRY}/feed/"),
        ("feed topic (big)", f"/onderwerpen/{BIG_TOPIC}/feed/"),
        # Issue 16: ministries by role and side by side, redactions counted, coverage.
        ("ministry rol=rondvraag", f"/ministeries/{MINISTRY}/?rol=rondvraag"),
        ("meetings rol=aanwezig", f"/vergaderingen/?ministerie={MINISTRY}&rol=aanwezig"),
        ("meetings grond", "/vergaderingen/?grond=5.1.2e"),
        ("search grond", "/zoeken/?q=huisvesting&grond=5.1.2e"),
        ("compare", "/ministeries/vergelijken/"),
        ("redactions", "/weglakkingen/"),
        ("coverage", "/dekking/"),
    ]


def meeting_urls() -> list[str]:
    """MEETING_SAMPLE meetings spread evenly over the archive (by date)."""
    from minutes.models import Meeting

    slugs = list(Meeting.objects.order_by("date", "slug").values_list("slug", flat=True))
    step = max(1, len(slugs) // MEETING_SAMPLE)
    return [f"/vergaderingen/{slug}/" for slug in slugs[::step][:MEETING_SAMPLE]]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="names the result file, e.g. pages-10k")
    parser.add_argument("--runs", type=int, default=30, help="timed rounds (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first")
    parser.add_argument("--only", help="comma-separated page names")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow pages")
    parser.add_argument("--explain-over", type=float, default=20.0, help="p95 ms (default 20)")
    parser.add_argument(
        "--cold", action="store_true", help="empty Django's caches before every request"
    )
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args(argv)
    setup_django(database_url(args.database_url))

    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from minutes.management.progress import Progress
    from minutes.models import Meeting

    client = Client()
    meetings = meeting_urls()
    deep_page = max(1, -(-Meeting.objects.count() // 25) // 2)
    chosen = [p for p in pages(deep_page) if not args.only or p[0] in args.only.split(",")]

    def url_of(name: str, url: str, round_no: int) -> str:
        return meetings[round_no % len(meetings)] if name == "meeting" else url

    answers: dict[str, dict[str, int]] = {name: {} for name, _ in chosen}

    def get(url: str, name: str = "", timed: bool = False) -> int:
        if args.cold:
            for each in caches.all():  # the kept counts and the page cache
                each.clear()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if timed:  # how the page cache (minutes/cache.py) answered: hit, miss or "-"
            how = response.get("X-Page-Cache", "-")
            answers[name][how] = answers[name].get(how, 0) + 1
        return len(response.content)

    result = {
        **result_header(args),
        "cold": args.cold,
        "deep_page": deep_page,
        "meetings": meetings,
        "pages": [],
    }
    timings: dict[str, list[float]] = {name: [] for name, _ in chosen}
    total = (args.warmup + args.runs) * len(chosen)
    progress = Progress(total, sys.stdout, unit="requests")
    for round_no in range(args.warmup + args.runs):
        for name, url in chosen:
            target = url_of(name, url, round_no)
            began = time.perf_counter()
            get(target, name, timed=round_no >= args.warmup)
            ms = (time.perf_counter() - began) * 1000
            if round_no >= args.warmup:
                timings[name].append(round(ms, 3))
            progress.advance()
    result["finished"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    result["loadavg_after"] = Path("/proc/loadavg").read_text().strip()

    explain = []
    for name, url in chosen:
        target = url_of(name, url, 0)
        with CaptureQueriesContext(connection) as ctx:
            size = get(target)
        statements = [
            {"sql": DECLARE_RE.sub("", q["sql"]), "ms": round(float(q["time"]) * 1000, 2)}
            for q in ctx.captured_queries
        ]
        stats = summary(timings[name])
        result["pages"].append(
            {
                "name": name,
                "url": url or meetings[0],
                "bytes": size,
                "queries": len(statements),
                "statements": statements,
                "timings": timings[name],
                "page_cache": answers[name],
                "stats": stats,
            }
        )
        if args.explain and stats["p95"] > args.explain_over:
            explain.append(f"### {name}: {target} (p95 {stats['p95']} ms)")
            with connection.cursor() as cursor:
                for statement in statements:
                    sql = statement["sql"]
                    if not sql.lstrip().upper().startswith("SELECT"):
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    explain.append("-- " + sql[:400] + ("…" if len(sql) > 400 else ""))
                    explain.extend(row[0] for row in cursor.fetchall())
                    explain.append("")

    RESULTS.mkdir(parents=True, exist_ok=True)
    if explain:
        explain_path = RESULTS / f"{args.label}-explain.txt"
        explain_path.write_text("\n".join(explain) + "\n")
        result["explain_file"] = str(explain_path.relative_to(RESULTS.parent.parent))
    path = RESULTS / f"{args.label}-{result['started'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    progress.finish(f"{len(chosen)} pages × {args.runs} runs, results in {path}")
    print(table([result]))


def table(results: list[dict]) -> str:
    """A Markdown table: per page median, p95 (ms) and queries for each result given."""
    labels = [r["label"] for r in results]
    head = "| page | " + " | ".join(
        f"{lb} median | {lb} p95 | {lb} queries | {lb} cache hits" for lb in labels
    )
    lines = [head + " |", "| --- " + "| ---: " * (4 * len(labels)) + "|"]
    by_label = [{p["name"]: p for p in r["pages"]} for r in results]
    for name in [p["name"] for p in results[0]["pages"]]:
        cells = []
        for pages_of in by_label:
            page = pages_of.get(name)
            if page is None:
                cells += ["", "", "", ""]
            else:
                stats = page["stats"]
                cells += [str(stats["median"]), str(stats["p95"]), str(page["queries"])]
                how = page.get("page_cache", {})
                cells.append(f"{how.get('hit', 0)}/{sum(how.values())}" if how else "")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compare(argv=None) -> None:
    """`python -m bench.pages_bench --table a.json b.json c.json`: results side by side."""
    results = [json.loads(Path(p).read_text()) for p in argv]
    print(table(results))


def write_paths(argv=None) -> None:
    """`python -m bench.pages_bench --paths meetings|lists N FILE`: N different URLs for
    a load run that spreads over many pages (bench/wrk_run.sh @FILE, issue 11).

    meetings: N meetings drawn at random (seed 11) from the whole archive; lists: the
    meeting list filtered by year and ministry, every year with each ministry (at most N).
    """
    import random

    parser = argparse.ArgumentParser(prog="bench.pages_bench --paths")
    parser.add_argument("kind", choices=["meetings", "lists"])
    parser.add_argument("count", type=int)
    parser.add_argument("file")
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args(argv)
    setup_django(database_url(args.database_url))
    from minutes.models import Meeting, Ministry

    rng = random.Random(11)
    if args.kind == "meetings":
        slugs = list(Meeting.objects.order_by("date", "slug").values_list("slug", flat=True))
        paths = [
            f"/vergaderingen/{slug}/" for slug in rng.sample(slugs, min(args.count, len(slugs)))
        ]
    else:
        years = sorted({d.year for d in Meeting.objects.dates("date", "year")})
        ministries = list(Ministry.objects.order_by("position").values_list("slug", flat=True))
        paths = [f"/vergaderingen/?jaar={y}&ministerie={m}" for y in years for m in ministries]
        rng.shuffle(paths)
        paths = paths[: args.count]
    Path(args.file).write_text("".join(p + "\n" for p in paths))
    print(f"{len(paths)} paths in {args.file}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--table":
        compare(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "--paths":
        write_paths(sys.argv[2:])
    else:
        main()
