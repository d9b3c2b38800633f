"""SQLite FTS5 on the same archive: the yardstick of issue 10.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_10k \\
        .venv/bin/python -m bench.fts5_bench --label 10k

Exports the bench database's agenda items (id, title, body, meeting date) into a
SQLite file (bench/results/fts5-<database>.sqlite3, re-used while it holds the same
number of items; `--export` forces a new one) with an FTS5 table
(`tokenize 'unicode61 remove_diacritics 2'`, merged with 'optimize' after the load),
beside plain tables for what the filters need: the meeting's day and year, whether
the item has a decision, the ministries named in it and its topics.

Then, for every query of bench/queries.py, it times in-process with the standard
`sqlite3` module what a results page without facets needs, the equivalent of
search_bench's `page` mode:

  count     SELECT count(*) … WHERE t MATCH ? [AND filters]
  top 20    SELECT rowid … ORDER BY bm25(t, 3.0, 1.0) LIMIT 20   (title weighted 3:1,
            as the app's title boost; `sorteer=nieuw` orders by the day instead)
  snippets  highlight() of the title and snippet() of the body (35 tokens) of those
            20 rows: a second statement with `rowid IN (…)`, so snippets are made for
            the 20 shown and not for every match (`--inline-snippets` puts them in the
            ranked statement instead; SQLite then makes one per match)

The query text is translated with the app's own parser (minutes.search.query.parse)
into FTS5 MATCH syntax: every clause required (AND), terms joined by `or` as OR, a
quoted "phrase" (a redaction code such as 5.1.2e is the phrase "5 1 2e", as
unicode61 splits it), `-exclude` as NOT, `word*` as a prefix; a lone stop word is
dropped, as the app drops it. Filters become WHERE conditions on the joined tables.
What FTS5 cannot do is written beside the query (`caveat`): it has no Dutch stemming
(`besproken` finds that form only) and no "Bedoelde u" suggestion. The match counts of
both engines are in the result file, so the difference in meaning is visible.

Round-robin over the queries after `--warmup` untimed rounds (default 2) for `--runs`
rounds (default 15); median and p95 (nearest rank) per query are printed and written
to bench/results/<label>-fts5-<time>.json in search_bench's format (mode `fts5`), so
bench/report.py reads it.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

from bench.common import RESULTS, database_name, database_url, setup_django
from bench.queries import QUERIES, Query
from bench.search_bench import summary

TOKENIZE = "unicode61 remove_diacritics 2"
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
WEIGHTS = f"{TITLE_WEIGHT}, {BODY_WEIGHT}"
PAGE = 20
SNIPPET_TOKENS = 35  # the app's snippet windows are about 35 words
MARK = ("<mark>", "</mark>")

SCHEMA = f"""
CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='{TOKENIZE}');
CREATE TABLE items (
    id INTEGER PRIMARY KEY,   -- the agenda item's id, also the rowid of t
    meeting_id INTEGER NOT NULL,
    day INTEGER NOT NULL,     -- yyyymmdd of the meeting
    year INTEGER NOT NULL,
    decided INTEGER NOT NULL  -- 1 when the item has a decision
);
CREATE TABLE item_ministry (
    ministry_id INTEGER, item_id INTEGER, PRIMARY KEY (ministry_id, item_id)
) WITHOUT ROWID;
CREATE TABLE item_topic (
    topic_id INTEGER, item_id INTEGER, PRIMARY KEY (topic_id, item_id)
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""


# ------------------------------------------------------------------ export


def sqlite_path(url: str) -> Path:
    return RESULTS / f"fts5-{database_name(url)}.sqlite3"


def export(path: Path) -> dict:
    """Copy the agenda items from the bench database into a new SQLite file."""
    from django.db import connection, transaction

    started = time.monotonic()
    building = path.with_name(path.name + ".building")
    building.unlink(missing_ok=True)
    db = sqlite3.connect(building)
    db.executescript(SCHEMA)
    items = 0
    connection.ensure_connection()
    pg = connection.connection
    with transaction.atomic(), pg.cursor(name="fts5_export") as cursor:
        cursor.itersize = 5000
        cursor.execute(
            "SELECT i.id, i.meeting_id, i.title, i.body, m.date, "
            "EXISTS (SELECT 1 FROM minutes_decision d WHERE d.agenda_item_id = i.id) "
            "FROM minutes_agendaitem i JOIN minutes_meeting m ON m.id = i.meeting_id "
            "ORDER BY i.id"
        )
        while rows := cursor.fetchmany(5000):
            db.executemany(
                "INSERT INTO t (rowid, title, body) VALUES (?, ?, ?)",
                [(r[0], r[2], r[3]) for r in rows],
            )
            db.executemany(
                "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                [(r[0], r[1], int(r[4].strftime("%Y%m%d")), r[4].year, int(r[5])) for r in rows],
            )
            items += len(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ministry_id, agenda_item_id FROM minutes_ministrymention "
            "WHERE agenda_item_id IS NOT NULL"
        )
        db.executemany("INSERT INTO item_ministry VALUES (?, ?)", cursor.fetchall())
        cursor.execute("SELECT topic_id, agendaitem_id FROM minutes_agendaitem_topics")
        db.executemany("INSERT OR IGNORE INTO item_topic VALUES (?, ?)", cursor.fetchall())
    db.commit()
    loaded = time.monotonic() - started
    db.execute("INSERT INTO t (t) VALUES ('optimize')")  # one b-tree per term, as merged
    db.commit()
    db.execute("ANALYZE")
    facts = {
        "items": items,
        "database": connection.settings_dict["NAME"],
        "load_s": round(loaded, 1),
        "total_s": round(time.monotonic() - started, 1),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", [(k, str(v)) for k, v in facts.items()])
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(building, path)
    return facts


def stored_facts(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError:
        return {}
    finally:
        db.close()


# ------------------------------------------------------------------ translation


def fts5_string(text: str) -> str:
    """A string in FTS5's query syntax: double quotes, quotes inside doubled."""
    return '"' + text.replace('"', '""') + '"'


def match_expression(q: str) -> tuple[str | None, list[str]]:
    """The app's query language as an FTS5 MATCH expression, and what differs.

    Uses the app's own parser, so the clauses are those the app searches for.
    """
    from minutes.search.query import parse
    from minutes.search.terms import is_stop_word

    positives, negatives, caveats = [], [], []
    for clause in parse(q):
        terms = []
        for term in clause.terms:
            if term.prefix:
                terms.append(fts5_string(term.words[0]) + " *")
            elif len(term.words) == 1 and is_stop_word(term.words[0]):
                continue  # the app ignores a lone stop word
            else:
                terms.append(fts5_string(" ".join(term.words)))
        if not terms:
            continue
        expression = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
        (negatives if clause.exclude else positives).append(expression)
    if not positives:
        # FTS5's NOT needs something on its left; the app searches "all but" then.
        return None, ["only exclusions: FTS5 cannot express 'everything except'"]
    expression = " AND ".join(positives)
    if negatives:
        expression += " NOT " + (
            negatives[0] if len(negatives) == 1 else "(" + " OR ".join(negatives) + ")"
        )
    caveats.append("no Dutch stemming (unicode61): only the forms typed match")
    return expression, caveats


def filter_sql(query: Query) -> tuple[list[str], list[object], list[str]]:
    """WHERE conditions (on the joined tables) for the query's filters."""
    from minutes.models import Ministry, Topic

    conditions, params, caveats = [], [], []
    for key, value in query.filters.items():
        values = value if isinstance(value, list) else [value]
        if key == "jaar":
            conditions.append("items.year = ?")
            params.append(int(value))
        elif key == "van":
            conditions.append("items.day >= ?")
            params.append(int(str(value).replace("-", "")))
        elif key == "tot":
            conditions.append("items.day <= ?")
            params.append(int(str(value).replace("-", "")))
        elif key == "besluit":
            conditions.append("items.decided = 1")
        elif key == "ministerie":
            for slug in values:
                conditions.append(
                    "EXISTS (SELECT 1 FROM item_ministry "
                    "WHERE ministry_id = ? AND item_id = items.id)"
                )
                params.append(Ministry.objects.get(slug=slug).pk)
        elif key == "onderwerp":
            for slug in values:
                conditions.append(
                    "EXISTS (SELECT 1 FROM item_topic WHERE topic_id = ? AND item_id = items.id)"
                )
                params.append(Topic.objects.get(slug=slug).pk)
        elif key == "sorteer":
            pass  # the ORDER BY
        else:
            caveats.append(f"filter {key} not translated")
    return conditions, params, caveats


class Plan:
    """The three statements of one query's page, ready to run."""

    def __init__(self, query: Query, inline_snippets: bool):
        self.query = query
        self.inline = inline_snippets
        self.match, caveats = match_expression(query.q)
        conditions, params, more = filter_sql(query)
        self.caveats = caveats + more
        if "typo" in query.category:
            self.caveats.append("no 'Bedoelde u' suggestion")
        where = " AND ".join(["t MATCH ?", *conditions])
        self.params = [self.match, *params]
        newest = query.filters.get("sorteer") == "nieuw"
        # The items table only where a filter or the sort needs it: FTS5 at its best.
        join = "FROM t JOIN items ON items.id = t.rowid" if conditions or newest else "FROM t"
        order = "items.day DESC, items.id" if newest else f"bm25(t, {WEIGHTS})"
        marks = f"'{MARK[0]}', '{MARK[1]}'"
        shown = f"highlight(t, 0, {marks}), snippet(t, 1, {marks}, ' … ', {SNIPPET_TOKENS})"
        count_join = "FROM t JOIN items ON items.id = t.rowid" if conditions else "FROM t"
        self.count_sql = f"SELECT count(*) {count_join} WHERE {where}"
        if self.inline:
            self.top_sql = (
                f"SELECT t.rowid, {shown} {join} WHERE {where} ORDER BY {order} LIMIT {PAGE}"
            )
        else:
            self.top_sql = f"SELECT t.rowid {join} WHERE {where} ORDER BY {order} LIMIT {PAGE}"
        self.snippet_sql = f"SELECT rowid, {shown} FROM t WHERE t MATCH ? AND rowid IN "

    def run(self, db: sqlite3.Connection) -> tuple[int, list[tuple]]:
        """The page: total count, the top 20 and their snippets."""
        if self.match is None:
            return 0, []
        total = db.execute(self.count_sql, self.params).fetchone()[0]
        top = db.execute(self.top_sql, self.params).fetchall()
        if self.inline or not top:
            return total, top
        ids = [row[0] for row in top]
        sql = self.snippet_sql + "(" + ",".join("?" * len(ids)) + ")"
        shown = {row[0]: row for row in db.execute(sql, [self.match, *ids])}
        return total, [shown[i] for i in ids]


# ------------------------------------------------------------------ main


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="names the result file, e.g. 10k")
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (default 15)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--export", action="store_true", help="export the SQLite file anew")
    parser.add_argument(
        "--inline-snippets", action="store_true", help="snippets in the ranked statement"
    )
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    setup_django(url)

    from bench.common import machine_info
    from minutes.models import AgendaItem

    path = sqlite_path(url)
    RESULTS.mkdir(parents=True, exist_ok=True)
    items = AgendaItem.objects.count()
    facts = stored_facts(path) if path.exists() else {}
    if args.export or facts.get("items") != str(items):
        print(f"exporting {items} agenda items to {path} …", flush=True)
        facts = export(path)
        print(f"exported in {facts['total_s']} s (load {facts['load_s']} s)", flush=True)
    facts["sqlite_mb"] = round(path.stat().st_size / 2**20, 1)

    queries = [q for q in QUERIES if not args.only or q.name in args.only.split(",")]
    plans = {q.name: Plan(q, args.inline_snippets) for q in queries}
    db = sqlite3.connect(path)
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    machine = machine_info()
    machine["sqlite"] = sqlite3.sqlite_version
    records = {}
    for query in queries:
        plan = plans[query.name]
        total, _ = plan.run(db)
        records[query.name] = {
            "name": query.name,
            "category": query.category,
            "params": query.params,
            "match": plan.match,
            "caveats": plan.caveats,
            "matches": total,
            "statements": [plan.count_sql, plan.top_sql]
            + ([] if args.inline_snippets else [plan.snippet_sql + "(…)"]),
            "timings": {"fts5": []},
        }
    for round_no in range(args.warmup + args.runs):
        for query in queries:
            began = time.perf_counter()
            plans[query.name].run(db)
            ms = (time.perf_counter() - began) * 1000
            if round_no >= args.warmup:
                records[query.name]["timings"]["fts5"].append(round(ms, 3))
    db.close()
    result = {
        "label": f"{args.label}-fts5",
        "engine": "sqlite-fts5",
        "started": started,
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": machine,
        "loadavg_after": Path("/proc/loadavg").read_text().strip(),
        "sqlite_file": facts,
        "tokenize": TOKENIZE,
        "bm25_weights": [TITLE_WEIGHT, BODY_WEIGHT],
        "inline_snippets": args.inline_snippets,
        "runs": args.runs,
        "warmup": args.warmup,
        "modes": ["fts5"],
        "queries": [],
    }
    for query in queries:
        record = records[query.name]
        record["stats"] = {"fts5": summary(record["timings"]["fts5"])}
        result["queries"].append(record)
    out = RESULTS / f"{args.label}-fts5-{started.replace(':', '')}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"{'query':24} {'cat':9} {'matches':>8} {'median':>8} {'p95':>8}  match")
    for record in result["queries"]:
        stats = record["stats"]["fts5"]
        print(
            f"{record['name']:24} {record['category']:9} {record['matches']:8d} "
            f"{stats['median']:8.2f} {stats['p95']:8.2f}  {record['match']}"
        )
    print(f"results in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
