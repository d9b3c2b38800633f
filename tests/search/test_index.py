"""The search index against the database it is derived from.

Real PostgreSQL, real Tantivy index. The index follows imports, replacements and
re-tagging once their transaction commits (and never a rolled-back or failed
write); a stale index is told apart from a current one; `manage.py search_index`
checks and repairs it; facet counts agree with the database; readers in other
processes keep working while this one writes; the query language works on it and
no input makes it fail.

Every test here writes to the session's shared index, so each runs inside a
savepoint that its tearDown rolls back before rebuilding the index: the next test
finds the index exactly as the database is.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import override_settings

from minutes import search, services
from minutes.management.commands.search_index import SAMPLE
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    Meeting,
    Ministry,
    MinistryMention,
    Topic,
)
from minutes.search import index, vocabulary
from minutes.services import SourceFile, import_batch
from tests.archive import IndexedTestCase, items_where, minutes
from tests.conftest import ROOT, SAMPLES

SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"


NEW = SourceFile(
    name="sgo-2023-02-14.txt",
    data=minutes(
        "14 februari 2023",
        [
            ("Opening en mededelingen", "Geen mededelingen."),
            ("Zeppelinhangar", "De zeppelinhangar op het terrein wordt gesloopt."),
            ("Rondvraag", "Geen punten."),
        ],
    ),
)
# The same file again (same name), its text changed: a replacement.
CHANGED = SourceFile(
    name=NEW.name,
    data=minutes(
        "14 februari 2023",
        [
            ("Opening en mededelingen", "Geen mededelingen."),
            ("Kabelbaan", "De kabelbaan naar het terrein wordt aangelegd."),
        ],
    ),
)
BUDGET = SourceFile(
    name="sgo-2022-03-08.txt",
    data=minutes(
        "8 maart 2022",
        [
            ("Opening en mededelingen", "Geen mededelingen."),
            ("Begroting", "De begroting van Financiën wordt toegelicht."),
            ("Weglakking", "Een passage in de bijlage is weggelakt op grond van 5.1.2i."),
        ],
    ),
)


def found(query: str, **filters) -> set[int]:
    """The ids of every item the index matches for a query and filters."""
    return set(search.item_ids(query, filters=search.Filters(**filters)))


def items_of(meeting: Meeting) -> set[int]:
    return set(AgendaItem.objects.filter(meeting=meeting).values_list("pk", flat=True))


def all_of(meeting: Meeting) -> set[int]:
    """Every document the index holds for a meeting (a query of one exclusion)."""
    return found("-qqqqqq", meeting=meeting.pk)


class IndexTestCase(IndexedTestCase):
    """Each test's writes are undone in the database and then in the index."""

    def setUp(self) -> None:
        super().setUp()
        self.savepoint = transaction.savepoint()

    def tearDown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)
        index.rebuild()
        super().tearDown()

    def import_and_index(self, *sources: SourceFile, force: bool = False) -> services.BatchResult:
        """Import as a committed import would: the index update runs after "commit"."""
        with self.captureOnCommitCallbacks(execute=True):
            return import_batch(list(sources), force=force)

    def snapshot(self) -> tuple:
        """What the index holds, as far as a failed write could change it."""
        status = index.status()
        return (
            status.documents,
            status.index_version,
            {q: found(q) for q in ("verslag", "thuiswerken", "afwegingskader", "5.1.2e")},
        )

    def assertIndexMatchesDatabase(self) -> None:
        out = StringIO()
        call_command("search_index", "--check", stdout=out)
        self.assertIn("matches the database", out.getvalue())
        self.assertTrue(index.status().current)


class ImportTests(IndexTestCase):
    def test_an_imported_file_is_found_once_committed(self):
        self.assertEqual(found("zeppelinhangar"), set())
        before = index.status().documents
        unrelated = found("thuiswerken")
        self.assertTrue(unrelated)

        result = self.import_and_index(NEW)

        self.assertEqual(result.count("imported"), 1, result.failed)
        meeting = result.outcomes[0].meeting
        new = AgendaItem.objects.get(meeting=meeting, title="Zeppelinhangar")
        self.assertEqual(items_where(r"\bzeppelinhangar\b"), {new.pk})
        self.assertEqual(found("zeppelinhangar"), {new.pk})
        self.assertEqual(found("Zeppelinhangar"), {new.pk})
        self.assertEqual(all_of(meeting), items_of(meeting))
        self.assertEqual(index.status().documents, before + len(items_of(meeting)))
        self.assertEqual(found("thuiswerken"), unrelated)
        self.assertIndexMatchesDatabase()

    def test_a_replacement_drops_the_old_words_and_finds_the_new(self):
        meeting = self.import_and_index(NEW).outcomes[0].meeting
        self.assertEqual(len(found("zeppelinhangar")), 1)
        documents = index.status().documents
        self.assertEqual(vocabulary.closest("zeppelinhanger"), "zeppelinhangar")

        # One agenda item fewer makes the new version suspicious: it replaces when forced.
        result = self.import_and_index(CHANGED, force=True)

        self.assertEqual(result.count("replaced"), 1, result.outcomes)
        self.assertEqual(result.outcomes[0].meeting.pk, meeting.pk)
        self.assertEqual(items_where("zeppelinhangar"), set())
        self.assertEqual(found("zeppelinhangar"), set())
        cable = AgendaItem.objects.get(meeting=meeting, title="Kabelbaan")
        self.assertEqual(found("kabelbaan"), {cable.pk})
        # Three items became two: the index holds the new ones only.
        self.assertEqual(all_of(meeting), items_of(meeting))
        self.assertEqual(len(items_of(meeting)), 2)
        self.assertEqual(index.status().documents, documents - 1)
        # The "Bedoelde u" vocabulary follows: the old word is gone, the new one known.
        self.assertEqual(vocabulary.frequency("zeppelinhangar"), 0)
        self.assertEqual(vocabulary.frequency("kabelbaan"), 1)
        self.assertEqual(vocabulary.closest("zeppelinhanger"), None)
        self.assertEqual(vocabulary.closest("kabelbaam"), "kabelbaan")
        self.assertEqual(index.status().documents, AgendaItem.objects.count())
        self.assertIndexMatchesDatabase()

    def test_a_replaced_sample_is_found_by_its_new_text_only(self):
        meeting = Meeting.objects.get(source_name=SAMPLE_2021.name)
        old = found("afwegingskader")
        self.assertTrue(old)
        data = SAMPLE_2021.read_bytes().replace(b"afwegingskader", b"kompasrichting")
        self.assertNotEqual(data, SAMPLE_2021.read_bytes())

        result = self.import_and_index(SourceFile(name=SAMPLE_2021.name, data=data))

        self.assertEqual(result.count("replaced"), 1, result.outcomes)
        self.assertEqual(items_where(r"afwegingskader"), set())
        self.assertEqual(found("afwegingskader"), set())
        self.assertEqual(found("kompasrichting"), items_where(r"\bkompasrichting\b"))
        self.assertEqual(len(found("kompasrichting")), len(old))
        self.assertEqual(all_of(meeting), items_of(meeting))
        self.assertIndexMatchesDatabase()

    def test_files_the_parser_rejects_leave_the_index_as_it_was(self):
        before = self.snapshot()
        no_date = SourceFile(
            name="notitie.txt", data=b"Notitie\n\nDe zeppelinhangar wordt besproken.\n"
        )
        # The name of a stored meeting, but binary: it replaces nothing.
        binary = SourceFile(name=SAMPLE_2021.name, data=b"zeppelinhangar\x00\x01\x02" * 50)

        result = self.import_and_index(no_date, binary)

        self.assertEqual([o.status for o in result.outcomes], ["failed", "failed"])
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(found("zeppelinhangar"), set())
        self.assertIndexMatchesDatabase()

    def test_a_file_validation_refuses_leaves_the_index_as_it_was(self):
        before = self.snapshot()
        # A new version of the 2021 sample (same date and reference) with a new word and
        # more withheld passages than the model's field holds: full_clean refuses it.
        data = SAMPLE_2021.read_bytes().replace(b"afwegingskader", b"kompasrichting")
        refused = SourceFile(name="sgo-2021-01-19-v2.txt", data=data + b"buiten verzoek\n" * 32768)

        # Forced past the replacement guard (the text grows 80-fold), so full_clean decides.
        result = self.import_and_index(refused, force=True)

        self.assertEqual(result.count("failed"), 1, result.outcomes)
        self.assertIn("ongeldig verslag", result.outcomes[0].error)
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(found("kompasrichting"), set())
        self.assertIndexMatchesDatabase()

    def test_a_rolled_back_import_never_reaches_the_index(self):
        before = self.snapshot()

        class Abandon(Exception):
            pass

        with (
            self.captureOnCommitCallbacks(execute=True) as callbacks,
            self.assertRaises(Abandon),
            transaction.atomic(),
        ):
            result = import_batch([NEW])
            self.assertEqual(result.count("imported"), 1)
            raise Abandon
        self.assertEqual(callbacks, [])
        self.assertFalse(Meeting.objects.filter(source_name=NEW.name).exists())
        self.assertEqual(self.snapshot(), before)
        self.assertEqual(found("zeppelinhangar"), set())
        self.assertIndexMatchesDatabase()


class RetagTests(IndexTestCase):
    QUERY = "thuiswerken or quarantaine or afwegingskader"

    def retag(self, topic: Topic, keywords: list[str]) -> set[int]:
        topic.keywords = keywords
        topic.save()
        with self.captureOnCommitCallbacks(execute=True):
            services.tag_topics(topics=[topic])
        return set(AgendaItem.objects.filter(topics=topic).values_list("pk", flat=True))

    def facet_count(self, topic: Topic) -> int | None:
        rows = search.ranked(self.QUERY).facets()["topics"]
        return next((row["n"] for row in rows if row["topic"].pk == topic.pk), None)

    def test_the_topic_filter_follows_a_retag(self):
        topic = Topic.objects.create(name="Proefonderwerp", slug="proefonderwerp")
        self.assertEqual(found(self.QUERY, topics=(topic.pk,)), set())

        working = self.retag(topic, ["thuiswerken"])
        self.assertEqual(working, items_where(r"\bthuiswerken\b"))
        self.assertTrue(working)
        self.assertEqual(found(self.QUERY, topics=(topic.pk,)), working)
        self.assertEqual(self.facet_count(topic), len(working))

        quarantine = self.retag(topic, ["quarantaine"])
        self.assertEqual(quarantine, items_where(r"\bquarantaine\b"))
        self.assertTrue(quarantine)
        self.assertFalse(quarantine & working)
        self.assertEqual(found(self.QUERY, topics=(topic.pk,)), quarantine)
        self.assertEqual(self.facet_count(topic), len(quarantine))

        # Keywords that match nothing: the items tagged before lose the topic too.
        self.assertEqual(self.retag(topic, ["luchtschipwerf"]), set())
        self.assertEqual(found(self.QUERY, topics=(topic.pk,)), set())
        self.assertIsNone(self.facet_count(topic))
        self.assertTrue(index.status().current)

    def test_retagging_a_seeded_topic_moves_its_items_in_the_index(self):
        topic = Topic.objects.get(slug="integraal-afwegingskader")
        before = set(AgendaItem.objects.filter(topics=topic).values_list("pk", flat=True))
        self.assertTrue(before)
        self.assertEqual(found("-qqqqqq", topics=(topic.pk,)), before)

        after = self.retag(topic, ["thuiswerken"])

        self.assertEqual(after, items_where(r"\bthuiswerken\b"))
        self.assertNotEqual(after, before)
        self.assertEqual(found("-qqqqqq", topics=(topic.pk,)), after)
        self.assertTrue(index.status().current)


class StatusTests(IndexTestCase):
    def test_an_index_whose_update_did_not_run_is_behind_until_ensured(self):
        self.assertTrue(index.status().current)
        documents = index.status().documents

        result = import_batch([NEW])  # its on-commit update never runs

        self.assertEqual(result.count("imported"), 1)
        status = index.status()
        self.assertFalse(status.current)
        self.assertTrue(status.exists and status.layout_ok)
        self.assertLess(status.index_version, status.archive_version)
        self.assertEqual(status.archive_version, ArchiveVersion.current())
        self.assertEqual(status.documents, documents)
        self.assertEqual(found("zeppelinhangar"), set())

        self.assertTrue(index.ensure())

        status = index.status()
        self.assertTrue(status.current)
        self.assertEqual(status.documents, AgendaItem.objects.count())
        self.assertEqual(found("zeppelinhangar"), items_where(r"\bzeppelinhangar\b"))
        self.assertFalse(index.ensure())  # current now: nothing to do

    def test_a_missing_index_is_reported_and_built_by_ensure(self):
        folder = Path(tempfile.mkdtemp(prefix="sgo-missing-index-"))
        try:
            with override_settings(SEARCH_INDEX_DIR=str(folder / "index")):
                status = index.status()
                self.assertFalse(status.exists)
                self.assertFalse(status.current)
                with self.assertRaises(index.IndexMissing):
                    index.open_index()
                with self.assertRaisesMessage(CommandError, "No search index"):
                    call_command("search_index", "--check", stdout=StringIO())

                self.assertTrue(index.ensure())

                self.assertTrue(index.status().current)
                self.assertEqual(index.status().documents, AgendaItem.objects.count())
                self.assertEqual(found("thuiswerken"), items_where(r"\bthuiswerken\b"))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            index.forget()

    def test_a_retag_that_changes_no_item_leaves_the_index_current(self):
        # Until eb90bec the retag bumped the archive version with no index update to
        # follow it: the index read as behind and --check failed.
        topic = Topic.objects.create(
            name="Proefonderwerp", slug="proefonderwerp", keywords=["luchtschipwerf"]
        )
        with self.captureOnCommitCallbacks(execute=True):
            written = services.tag_topics(topics=[topic])
        self.assertEqual(written, 0)
        self.assertTrue(index.status().current)

    def test_a_missed_update_is_not_hidden_by_a_later_one(self):
        # Until 5331900 the next update stamped the current version, so the index read
        # as current without the meeting whose update had failed.
        held = index.open_index().writer(heap_size=index.WRITER_HEAP, num_threads=1)
        try:
            with (
                override_settings(SEARCH_INDEX_WRITER_WAIT=0.2),
                self.assertLogs("minutes.search.index", "ERROR"),
            ):
                self.import_and_index(NEW)  # its update gives up: the writer is busy
        finally:
            held.rollback()
            held.wait_merging_threads()
        self.assertFalse(index.status().current)
        self.import_and_index(BUDGET)  # another meeting, indexed fine
        self.assertTrue(found("financien"))

        # Either the index still says it is behind, or ensure() catches up.
        index.ensure()
        self.assertEqual(found("zeppelinhangar"), items_where(r"\bzeppelinhangar\b"))


class CheckCommandTests(IndexTestCase):
    def check(self) -> str:
        out = StringIO()
        call_command("search_index", "--check", stdout=out)
        return out.getvalue()

    def test_check_passes_on_a_current_index(self):
        out = self.check()
        items, decisions = AgendaItem.objects.count(), Decision.objects.count()
        self.assertIn(f"matches the database: {items} agenda items and {decisions} decisions", out)
        self.assertIn(f"archive version {ArchiveVersion.current()}", out)

    def test_check_names_an_item_whose_text_changed_and_rebuild_repairs_it(self):
        # Every item is compared when there are no more than SAMPLE of them.
        self.assertLessEqual(AgendaItem.objects.count(), SAMPLE)
        item = AgendaItem.objects.get(meeting__slug="2021-01-19", anchor="punt-3")
        self.assertEqual(found("luchtschipwerf"), set())
        AgendaItem.objects.filter(pk=item.pk).update(title="Presentatie luchtschipwerf")

        with self.assertRaises(CommandError) as raised:
            self.check()
        message = str(raised.exception)
        self.assertIn(f"agenda item {item.pk} has other text in the index", message)
        # Same version, same count: only the digest tells.
        self.assertNotIn("archive version", message)
        self.assertNotIn("documents for", message)
        self.assertEqual(found("luchtschipwerf"), set())

        out = StringIO()
        call_command("search_index", "--rebuild", stdout=out)
        self.assertIn(
            f"Search index up to date: {AgendaItem.objects.count()} agenda items", out.getvalue()
        )
        self.assertIn("matches the database", self.check())
        self.assertEqual(found("luchtschipwerf"), {item.pk})

    def test_check_reports_a_stale_version_and_ensure_repairs_it(self):
        stamped = index.status().index_version
        meeting = import_batch([NEW]).outcomes[0].meeting  # its on-commit update never runs
        items = AgendaItem.objects.count()
        self.assertLessEqual(items, SAMPLE)  # every item is compared

        with self.assertRaises(CommandError) as raised:
            self.check()
        message = str(raised.exception)
        self.assertIn(
            f"index reflects archive version {stamped}, "
            f"the database is at {ArchiveVersion.current()}",
            message,
        )
        for pk in items_of(meeting):
            self.assertIn(f"agenda item {pk} is not in the index", message)

        out = StringIO()
        call_command("search_index", "--ensure", stdout=out)
        self.assertIn(f"Search index up to date: {items} agenda items", out.getvalue())
        self.assertIn("matches the database", self.check())
        out = StringIO()
        call_command("search_index", "--ensure", stdout=out)
        self.assertIn(f"Search index is current: {items} agenda items", out.getvalue())


class FacetCountTests(IndexTestCase):
    QUERIES = (
        "verslag or thuiswerken or 5.1.2e or interdepartementale or rondvraag",
        "-thuiswerken",
        "sg",
    )

    def filter_cases(self) -> list[search.Filters]:
        ministry = {m.abbreviation: m.pk for m in Ministry.objects.all()}
        topic = {t.slug: t.pk for t in Topic.objects.all()}
        return [
            search.Filters(),
            search.Filters(year=2020),
            search.Filters(year=2021),
            search.Filters(ministries=(ministry["EZK"],)),
            search.Filters(ministries=(ministry["JenV"],)),
            search.Filters(ministries=(ministry["EZK"], ministry["BZK"])),
            search.Filters(topics=(topic["interdepartementale-afstemming"],)),
            search.Filters(topics=(topic["covid-19"],)),
            search.Filters(decided=True),
            search.Filters(year=2021, decided=True),
            search.Filters(year=2020, ministries=(ministry["EZK"],), topics=(topic["covid-19"],)),
        ]

    @staticmethod
    def filtered_in_db(ids: set[int], filters: search.Filters) -> set[int]:
        items = AgendaItem.objects.filter(pk__in=ids)
        if filters.year:
            items = items.filter(meeting__date__year=filters.year)
        for ministry in filters.ministries:
            items = items.filter(
                pk__in=MinistryMention.objects.filter(ministry=ministry).values("agenda_item")
            )
        for topic in filters.topics:
            items = items.filter(
                pk__in=AgendaItem.topics.through.objects.filter(topic=topic).values("agendaitem")
            )
        if filters.decided:
            items = items.filter(pk__in=Decision.objects.values("agenda_item"))
        return set(items.values_list("pk", flat=True))

    @staticmethod
    def counted_in_db(ids: set[int]) -> dict:
        years = (
            AgendaItem.objects.filter(pk__in=ids)
            .values_list("meeting__date__year")
            .annotate(n=Count("pk"))
        )
        ministries = (
            MinistryMention.objects.filter(agenda_item__in=ids)
            .values_list("ministry")
            .annotate(n=Count("agenda_item", distinct=True))
        )
        topics = (
            AgendaItem.topics.through.objects.filter(agendaitem__in=ids)
            .values_list("topic")
            .annotate(n=Count("agendaitem", distinct=True))
        )
        decided = Decision.objects.filter(agenda_item__in=ids).values("agenda_item").distinct()
        return {
            "years": sorted(dict(years).items(), reverse=True),
            "ministries": dict(ministries),
            "topics": dict(topics),
            "with_decision": decided.count(),
        }

    def test_facet_counts_equal_counts_from_the_database(self):
        seen: Counter[str] = Counter()
        for query in self.QUERIES:
            unfiltered = found(query)
            self.assertTrue(unfiltered, query)
            for filters in self.filter_cases():
                with self.subTest(query=query, filters=filters):
                    ids = set(search.item_ids(query, filters=filters))
                    self.assertEqual(ids, self.filtered_in_db(unfiltered, filters))
                    results = search.ranked(query, filters=filters)
                    self.assertEqual(results.count(), len(ids))
                    facets = results.facets()
                    shown = {
                        "years": [(row["year"], row["n"]) for row in facets["years"]],
                        "ministries": {
                            row["ministry"].pk: row["n"] for row in facets["ministries"]
                        },
                        "topics": {row["topic"].pk: row["n"] for row in facets["topics"]},
                        "with_decision": facets["with_decision"],
                    }
                    expected = self.counted_in_db(ids)
                    self.assertEqual(shown, expected)
                    seen.update(key for key, value in expected.items() if value)
        # Every kind of facet had something to count somewhere, so none is vacuous.
        self.assertEqual(set(seen), {"years", "ministries", "topics", "with_decision"})
        self.assertGreaterEqual(min(seen.values()), 5)


READER = """
import json, sys, time
import django

django.setup()
from minutes import search

expected, seconds = int(sys.argv[1]), float(sys.argv[2])
print("ready", flush=True)
sys.stdin.readline()
report = {"searches": 0, "errors": 0, "empty": 0, "other_count": 0, "first_error": ""}
deadline = time.monotonic() + seconds
while time.monotonic() < deadline:
    try:
        n = len(search.item_ids("verslag"))
    except Exception as exc:
        report["errors"] += 1
        report["first_error"] = report["first_error"] or repr(exc)
        continue
    report["searches"] += 1
    if n == 0:
        report["empty"] += 1
    elif n != expected:
        report["other_count"] += 1
    time.sleep(0.002)
print(json.dumps(report), flush=True)
"""


WATCHER = """
import json, sys, time
import django

django.setup()
from minutes import search

print(len(search.item_ids("verslag")), flush=True)
for line in sys.stdin:
    target, started, seen = int(line), time.monotonic(), None
    while time.monotonic() - started < 15:
        seen = len(search.item_ids("verslag"))
        if seen == target:
            break
        time.sleep(0.05)
    print(json.dumps({"seen": seen, "seconds": time.monotonic() - started}), flush=True)
"""


def database_url() -> str:
    """The URL of the (committed) test database, for another process."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


class ConcurrencyTests(IndexTestCase):
    SECONDS = 3.0

    def read_while_writing(self, write) -> tuple[int, list[dict]]:
        """Two reader processes search a fresh index while `write` runs here in a loop.

        The index is built from the committed archive (this test case adds nothing to
        it), in a folder of its own that the readers are pointed at.
        """
        folder = Path(tempfile.mkdtemp(prefix="sgo-readers-index-"))
        readers: list[subprocess.Popen] = []
        try:
            with override_settings(SEARCH_INDEX_DIR=str(folder / "index")):
                index.rebuild()
                expected = len(search.item_ids("verslag"))
                self.assertGreater(expected, 0)
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "sgo_archive.settings",
                    "DATABASE_URL": database_url(),
                    "SGO_SEARCH_INDEX_DIR": str(folder / "index"),
                }
                readers = [
                    subprocess.Popen(
                        [sys.executable, "-c", READER, str(expected), str(self.SECONDS)],
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                    for _ in range(2)
                ]
                for reader in readers:
                    line = reader.stdout.readline().strip()
                    if line != "ready":
                        reader.kill()
                        self.fail(f"reader did not start: {line!r} {reader.stderr.read()}")
                for reader in readers:
                    reader.stdin.write("go\n")
                    reader.stdin.flush()
                writes = 0
                deadline = time.monotonic() + self.SECONDS + 30
                while any(r.poll() is None for r in readers) and time.monotonic() < deadline:
                    write()
                    writes += 1
                reports = []
                for reader in readers:
                    out, err = reader.communicate(timeout=30)
                    self.assertEqual(reader.returncode, 0, err)
                    reports.append(json.loads(out.strip().splitlines()[-1]))
                self.assertEqual(index.status().documents, AgendaItem.objects.count())
                self.assertEqual(len(search.item_ids("verslag")), expected)
        finally:
            for reader in readers:
                if reader.poll() is None:
                    reader.kill()
                    reader.wait()
            shutil.rmtree(folder, ignore_errors=True)
            index.forget()
        return writes, reports

    def assertReadersUndisturbed(self, reports: list[dict]) -> None:
        self.assertEqual(len(reports), 2)
        for report in reports:
            self.assertGreater(report["searches"], 50, report)
            self.assertEqual(report["errors"], 0, report)
            self.assertEqual(report["empty"], 0, report)
            self.assertEqual(report["other_count"], 0, report)

    def test_readers_in_other_processes_keep_working_while_this_one_updates(self):
        meetings = list(Meeting.objects.values_list("pk", flat=True))
        self.assertEqual(len(meetings), 2)  # the committed archive, nothing of this test
        writes, reports = self.read_while_writing(lambda: index.update_meetings(meetings))
        self.assertGreaterEqual(writes, 5)
        self.assertReadersUndisturbed(reports)

    def test_readers_in_other_processes_keep_working_while_this_one_rebuilds(self):
        self.assertEqual(Meeting.objects.count(), 2)
        writes, reports = self.read_while_writing(index.rebuild)
        self.assertGreaterEqual(writes, 5)
        self.assertReadersUndisturbed(reports)

    def test_a_reader_in_another_process_sees_updates_and_rebuilds(self):
        folder = Path(tempfile.mkdtemp(prefix="sgo-watched-index-"))
        item = AgendaItem.objects.get(meeting__slug="2021-01-19", anchor="punt-3")
        self.assertNotIn(item.pk, found("verslag"))
        watcher = None
        try:
            with override_settings(SEARCH_INDEX_DIR=str(folder / "index")):
                index.rebuild()
                before = len(search.item_ids("verslag"))
                env = {
                    **os.environ,
                    "DJANGO_SETTINGS_MODULE": "sgo_archive.settings",
                    "DATABASE_URL": database_url(),
                    "SGO_SEARCH_INDEX_DIR": str(folder / "index"),
                }
                watcher = subprocess.Popen(
                    [sys.executable, "-c", WATCHER],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                first = watcher.stdout.readline().strip()
                self.assertEqual(first, str(before), watcher.stderr.read() if not first else "")

                def seen_after(target: int) -> dict:
                    watcher.stdin.write(f"{target}\n")
                    watcher.stdin.flush()
                    return json.loads(watcher.stdout.readline())

                # The index is written from this transaction's rows; the watcher reads
                # only the index, so it sees what this process wrote.
                AgendaItem.objects.filter(pk=item.pk).update(body=f"{item.body} Verslag.")
                index.update_meetings([item.meeting_id])
                updated = seen_after(before + 1)
                AgendaItem.objects.filter(pk=item.pk).update(body=item.body)
                index.rebuild()
                rebuilt = seen_after(before)
                watcher.stdin.close()
                self.assertEqual(watcher.wait(timeout=30), 0, watcher.stderr.read())
        finally:
            if watcher is not None and watcher.poll() is None:
                watcher.kill()
                watcher.wait()
            shutil.rmtree(folder, ignore_errors=True)
            index.forget()
        self.assertEqual(updated["seen"], before + 1, updated)
        self.assertLess(updated["seconds"], 5, updated)
        self.assertEqual(rebuilt["seen"], before, rebuilt)
        self.assertLess(rebuilt["seconds"], 5, rebuilt)

    @override_settings(SEARCH_INDEX_WRITER_WAIT=0.5)
    def test_a_second_writer_waits_and_then_gives_up(self):
        meeting = Meeting.objects.get(source_name=SAMPLE_2021.name)
        held = index.open_index().writer(heap_size=index.WRITER_HEAP, num_threads=1)
        try:
            started = time.monotonic()
            with self.assertRaises(index.IndexBusy):
                index.update_meetings([meeting.pk])
            waited = time.monotonic() - started
        finally:
            held.rollback()
            held.wait_merging_threads()  # releases the writer's lock
        self.assertGreaterEqual(waited, 0.5)
        self.assertLess(waited, 5)
        # Released: the next update goes through at once.
        started = time.monotonic()
        index.update_meetings([meeting.pk])
        self.assertLess(time.monotonic() - started, 5)
        self.assertIndexMatchesDatabase()

    def test_an_update_after_commit_that_finds_the_writer_busy_is_logged_not_raised(self):
        held = index.open_index().writer(heap_size=index.WRITER_HEAP, num_threads=1)
        try:
            with (
                override_settings(SEARCH_INDEX_WRITER_WAIT=0.2),
                self.assertLogs("minutes.search.index", "ERROR") as logs,
            ):
                result = self.import_and_index(NEW)
        finally:
            held.rollback()
            held.wait_merging_threads()
        self.assertEqual(result.count("imported"), 1)
        self.assertIn("manage.py search_index", logs.output[0])
        # The import stands; the index is behind, as status and --check tell.
        status = index.status()
        self.assertFalse(status.current)
        self.assertLess(status.index_version, status.archive_version)
        self.assertEqual(found("zeppelinhangar"), set())
        self.assertTrue(index.ensure())
        self.assertEqual(found("zeppelinhangar"), items_where(r"\bzeppelinhangar\b"))


class QueryLanguageTests(IndexTestCase):
    @classmethod
    def setUpTestData(cls):
        result = import_batch([BUDGET])
        assert result.count("imported") == 1, result.outcomes
        super().setUpTestData()  # index the invented minutes beside the shared archive
        cls.budget = AgendaItem.objects.get(meeting__slug="2022-03-08", title="Begroting")
        cls.code_i = AgendaItem.objects.get(meeting__slug="2022-03-08", title="Weglakking")
        cls.work = AgendaItem.objects.get(meeting__slug="2021-01-19", anchor="punt-3")
        cls.housing = AgendaItem.objects.get(meeting__slug="2020-09-09", anchor="punt-ingelast")

    def both(self, query: str) -> set[int]:
        """The ids item_ids finds, checked against the first page ranked() shows."""
        ids = search.item_ids(query)
        results = search.ranked(query)
        page = results[0:20]
        self.assertEqual(results.count(), len(ids))
        self.assertEqual([item.pk for item in page], ids[:20])
        return set(ids)

    def test_a_prefix_finds_every_word_it_starts(self):
        expected = items_where(r"\bthuiswerk\w*")
        self.assertEqual(expected, {self.work.pk, self.housing.pk})
        self.assertEqual(self.both("thuiswerk*"), expected)
        self.assertEqual(self.both("Thuiswerk*"), expected)
        self.assertEqual(self.both("thuisw*"), items_where(r"\bthuisw\w*"))
        inter = items_where(r"\binterdepartement\w*")
        self.assertGreaterEqual(len(inter), 3)
        self.assertEqual(self.both("interdepartement*"), inter)
        self.assertEqual(self.both("zeppelinhangar*"), set())

    def test_or_finds_either(self):
        infections = items_where(r"\bbesmettingscijfers\b")
        assessment = items_where(r"\bafwegingskader\b")
        self.assertTrue(infections and assessment and not infections & assessment)
        self.assertEqual(self.both("besmettingscijfers afwegingskader"), set())
        self.assertEqual(self.both("besmettingscijfers or afwegingskader"), infections | assessment)
        self.assertEqual(self.both("besmettingscijfers OR afwegingskader"), infections | assessment)

    def test_minus_excludes(self):
        self.assertIn("onderzoek", self.work.body)
        self.assertNotIn("onderzoek", self.housing.body)
        self.assertEqual(self.both("thuiswerken -onderzoek"), {self.housing.pk})
        everything = set(AgendaItem.objects.values_list("pk", flat=True))
        self.assertEqual(self.both("-thuiswerken"), everything - items_where(r"\bthuiswerken\b"))

    def test_a_phrase_finds_the_words_in_their_order(self):
        self.assertIn("'hybride werken'", self.work.body)
        self.assertEqual(self.both('"hybride werken"'), {self.work.pk})
        self.assertEqual(self.both('"werken hybride"'), set())
        self.assertEqual(self.both('-"hybride werken" thuiswerken'), {self.housing.pk})

    def test_accents_are_folded(self):
        self.assertIn("Financiën", self.budget.body)
        for query in ("Financien", "financiën", "FINANCIËN", "financien"):
            with self.subTest(query=query):
                self.assertEqual(self.both(query), {self.budget.pk})

    def test_a_redaction_code_is_one_word(self):
        expected = items_where(r"(?<![\w.])5\.1\.2e(?!\w)")
        self.assertGreaterEqual(len(expected), 3)
        self.assertEqual(self.both("5.1.2e"), expected)
        self.assertNotIn(self.code_i.pk, expected)
        self.assertEqual(self.both("5.1.2i"), {self.code_i.pk})

    def test_a_ministry_abbreviation_as_written(self):
        expected = items_where(r"\bJ&V\b", flags=0)
        self.assertEqual(len(expected), 1)
        # Nothing else has "J" and "V" as two words in a row the phrase could match.
        self.assertEqual(items_where(r"\bj\W+v\b"), expected)
        self.assertEqual(self.both("J&V"), expected)
        self.assertEqual(self.both("j&v"), expected)

    def test_stop_words_alone_find_nothing(self):
        self.assertTrue(items_where(r"\bde\b"))
        for query in ("de", "het een", "De", '"de"', "de or het", "van -de", "-de"):
            with self.subTest(query=query):
                self.assertEqual(self.both(query), set())
                self.assertEqual(search.ranked(query).facets()["years"], [])
        # Beside a word a stop word changes nothing.
        self.assertEqual(self.both("de thuiswerken"), self.both("thuiswerken"))

    def test_hostile_input_never_raises(self):
        rng = random.Random(20230214)
        noise = "".join(
            chr(rng.choice((rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x110000))))
            for _ in range(10_000)
        )
        hostile = [
            "a" * 5000,
            "zeppelinhangar" * 300,
            " ".join(["verslag"] * 600),
            '"' + " ".join(["verslag"] * 600) + '"',
            noise,
            "!@#$%^&*()_+{}[]|\\:;'<>,.?/~` — … «» ¿¡",
            '"thuiswerken',
            'thuiswerken"',
            '"""',
            '"',
            "*",
            "-*",
            "**",
            "-",
            "--thuiswerken",
            "or",
            "or or or",
            "thuiswerken or",
            "- or -",
            "a.*b* (x|y)* [z]* ^$",
            "thuis\x00werken",
            "\u0301\u0301\u0301",
            "🙂 " * 200,
            "& | ! <-> :* ' \\",
        ]
        for text in hostile:
            for query in (text, search.clean_query(text)):
                with self.subTest(query=query[:40], length=len(query)):
                    search.item_ids(query)
                    results = search.ranked(query)
                    results[0:20]
                    results.facets()
                    search.meetings_matching(Meeting.objects.all(), query).count()
        # Some of them still find what their words say.
        self.assertEqual(self.both('"thuiswerken'), items_where(r"\bthuiswerken\b"))
        self.assertEqual(self.both("thuiswerken or"), items_where(r"\bthuiswerken\b"))

    def test_a_long_prefix_within_the_query_limit_never_raises(self):
        # Until eb90bec such a prefix compiled to a regex of over 1000 states: ValueError,
        # and a 500 on /zoeken/ and the meeting page.
        for text in ("中" * 400 + "*", "a" * 990 + "*", "thuiswerk" + "ж" * 500 + "*"):
            query = search.clean_query(text)
            self.assertLessEqual(len(query), search.MAX_QUERY_LENGTH)
            self.assertTrue(query.endswith("*"))
            self.assertEqual(search.item_ids(query), [])
            self.assertEqual(search.ranked(query)[0:20], [])
            self.assertEqual(self.client.get("/zoeken/", {"q": query}).status_code, 200)
