"""Sweep the index's title and compound-part boosts on the judged set.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_relevance \
        .venv/bin/python -m bench.relevance.tune

Loads the corpus once (as bench.relevance.ndcg does, into a database whose name holds
"relevance" and a fresh index folder), then ranks the judged queries with every pair
of boosts and prints the mean nDCG@10 of each.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from bench.common import database_url, setup_django
from bench.relevance import ndcg

TITLE_BOOSTS = (1.5, 2.0, 3.0, 5.0)
PARTS_BOOSTS = (0.25, 0.5, 1.0)


def main() -> None:
    url = database_url(None)
    if "relevance" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("Refusing: the database name must contain 'relevance'.")
    index_dir = tempfile.mkdtemp(prefix="sgo-tune-index-")
    atexit.register(shutil.rmtree, index_dir, ignore_errors=True)
    os.environ["SGO_SEARCH_INDEX_DIR"] = index_dir
    setup_django(url)
    from minutes.search import index

    judgements = ndcg.load_judgements()
    ndcg.prepare_database()
    for title in TITLE_BOOSTS:
        for parts in PARTS_BOOSTS:
            index.TITLE_BOOST, index.PARTS_BOOST = title, parts
            rows = ndcg.evaluate(judgements, ndcg.ENGINES["tantivy"])
            mean = sum(row["ndcg"] for row in rows) / len(rows)
            print(f"title boost {title:4}  parts boost {parts:4}  mean nDCG@10 {mean:.4f}")


if __name__ == "__main__":
    main()
