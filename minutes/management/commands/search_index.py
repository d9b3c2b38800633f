"""Build, check or repair the search index, which is derived from the database.

manage.py search_index --rebuild   build it afresh from the database
manage.py search_index --ensure    catch up when behind; build when missing or of an old layout
manage.py search_index --check     compare it with the database (exit 1 when it differs)
"""

from __future__ import annotations

import random
import time

from django.core.management.base import BaseCommand, CommandError

from minutes.models import AgendaItem, Decision
from minutes.search import index

SAMPLE = 200  # documents compared one by one with their rows in --check


def contents(status: index.Status) -> str:
    return f"{status.documents} agenda items and {status.decisions} decisions"


class Command(BaseCommand):
    help = "Rebuild, ensure or check the search index (derived from the database)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="Build it afresh.")
        action.add_argument(
            "--ensure", action="store_true", help="Catch up, or build it when missing."
        )
        action.add_argument("--check", action="store_true", help="Compare it with the database.")

    def handle(self, *args, **options):
        if options["check"]:
            self.check_index()
            return
        started = time.monotonic()
        if options["ensure"] and not index.ensure():
            self.stdout.write(f"Search index is current: {contents(index.status())}.")
            return
        if options["rebuild"]:
            index.rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index up to date: {contents(index.status())}, {seconds:.1f}s "
                f"({index.directory()})"
            )
        )

    def check_index(self) -> None:
        status = index.status()
        problems = []
        if not status.exists or not status.layout_ok:
            raise CommandError(
                f"No search index of the current layout in {index.directory()}: "
                "run `manage.py search_index --rebuild`."
            )
        if status.index_version != status.archive_version:
            problems.append(
                f"index reflects archive version {status.index_version}, "
                f"the database is at {status.archive_version}"
            )
        items, decisions = AgendaItem.objects.count(), Decision.objects.count()
        if (status.documents, status.decisions) != (items, decisions):
            problems.append(
                f"{status.documents} agenda items and {status.decisions} decisions in the index, "
                f"{items} and {decisions} in the database"
            )
        problems += self._sample_differences()
        if problems:
            raise CommandError(
                "Search index differs from the database: "
                + "; ".join(problems)
                + ". Run `manage.py search_index --rebuild`."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index matches the database: {contents(status)}, "
                f"archive version {status.archive_version}."
            )
        )

    def _sample_differences(self) -> list[str]:
        ids = list(AgendaItem.objects.values_list("pk", flat=True))
        chosen = random.sample(ids, min(SAMPLE, len(ids)))
        rows = AgendaItem.objects.in_bulk(chosen)
        searcher = index.searcher()
        problems = []
        for pk in chosen:
            found = searcher.search(index.item_query(pk), limit=1)
            if not found.hits:
                problems.append(f"agenda item {pk} is not in the index")
                continue
            doc = searcher.doc(found.hits[0][1])
            row = rows[pk]
            if doc.get_first("digest") != index.digest(row.title, row.body):
                problems.append(f"agenda item {pk} has other text in the index")
            if doc.get_first("meeting_id") != row.meeting_id:
                problems.append(f"agenda item {pk} belongs to another meeting in the index")
        return problems[:10]
