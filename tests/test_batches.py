"""The batched import (minutes.batches): parallel parsing, many meetings per transaction.

What a batch stores must be exactly what importing its files one by one stores;
the search documents it hands the index must be those the index makes from the
database; a batch whose transaction fails is imported file by file, so only the
file PostgreSQL refuses is lost; files of one batch that are the same meeting are
imported in their order, as before.
"""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from bench.build_corpus import Generator
from minutes import batches, parsing
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    MinistryMention,
    Series,
    Topic,
)
from minutes.search import index
from minutes.services import (
    SourceFile,
    alias_table,
    import_batch,
    ministry_ids,
    read_paths,
    save_meeting,
)
from tests.archive import EmptyArchiveTestCase, refusing


def generated(count: int, seed: int = 7) -> list[SourceFile]:
    """`count` generated minutes (bench/build_corpus.py's generator), as files."""
    generator = Generator(seed, count)
    sources = []
    for i in range(count):
        meeting = generator.meeting(i)
        sources.append(SourceFile(f"sgo-{meeting.slug}.txt", meeting.text.encode()))
    return sources


def content() -> list[tuple]:
    """Everything the import stores of the archive's meetings, by natural keys (no ids)."""
    meetings = {
        m.pk: (m.slug, m.source_name, m.sha256, m.date, m.reference, m.original_text, m.encoding)
        for m in Meeting.objects.all()
    }
    items = {
        i.pk: (meetings[i.meeting_id][0], i.anchor)
        for i in AgendaItem.objects.only("pk", "meeting_id", "anchor")
    }
    rows = [("meeting", *values) for values in meetings.values()]
    rows += [
        (
            "meeting-more",
            m.slug,
            m.attendees_text,
            tuple(m.redaction_codes),
            tuple(m.parse_warnings),
        )
        for m in Meeting.objects.all()
    ]
    rows += [
        (
            "item",
            items[i.pk],
            i.position,
            i.number,
            i.title,
            i.body,
            i.parent_id and items[i.parent_id],
        )
        for i in AgendaItem.objects.all()
    ]
    rows += [
        ("decision", items[d.agenda_item_id], d.position, d.text, d.kind)
        for d in Decision.objects.all()
    ]
    rows += [
        ("mention", meetings[m.meeting_id][0], m.agenda_item_id and items[m.agenda_item_id])
        for m in MinistryMention.objects.all()
    ]
    rows += [
        ("said", meetings[m.meeting_id][0], m.ministry_id, m.role, m.label, m.text)
        for m in MinistryMention.objects.all()
    ]
    rows += [
        ("topic", items[link.agendaitem_id], link.topic_id)
        for link in AgendaItem.topics.through.objects.all()
    ]
    return sorted(rows, key=repr)


class BatchEqualsFileByFileTests(EmptyArchiveTestCase):
    def setUp(self):
        # A topic whose keyword the generated minutes hold, so tagging is compared too.
        Topic.objects.create(name="Begroting", slug="begroting-test", keywords=["begroting"])
        self.sources = generated(24)

    def test_a_parallel_batch_stores_what_file_by_file_stores(self):
        aliases = alias_table()
        with transaction.atomic():
            for source in self.sources:
                parsed = parsing.parse_minutes(source.data, aliases=aliases)
                save_meeting(parsed=parsed, source_name=source.name, sha256=source.sha256)
            one_by_one = content()
            transaction.set_rollback(True)
        self.assertGreater(len(one_by_one), 24 * 10)
        self.assertTrue(any(row[0] == "topic" for row in one_by_one), "no topic was tagged")

        version = ArchiveVersion.current()
        with override_settings(SGO_IMPORT_BATCH=10):
            result = import_batch(self.sources, workers=2)
        self.assertEqual(result.count("imported"), 24, result.failed)
        self.assertEqual(content(), one_by_one)
        self.assertEqual(ImportFile.objects.filter(status="imported").count(), 24)
        # One archive version per batch of 10 (3 batches), not one per meeting.
        self.assertEqual(ArchiveVersion.current() - version, 3)

    def test_a_batch_hands_the_index_the_documents_the_database_gives(self):
        setup = batches.Setup.for_run(alias_table(), max_bytes=10**7, max_line_chars=10**5)
        prepared = [batches.prepare(source.data, setup) for source in self.sources[:6]]
        new = []
        for source, ready, slug in zip(
            self.sources,
            prepared,
            batches.free_slugs([p.parsed.meeting_date.isoformat() for p in prepared]),
            strict=False,
        ):
            meeting = Meeting(slug=slug)
            batches.fill_meeting(
                meeting,
                ready.parsed,
                series=Series.objects.get(slug=Series.SGO),
                source_name=source.name,
                sha256=source.sha256,
                now=timezone.now(),
            )
            new.append(batches.NewMeeting(meeting, ready))
        with transaction.atomic():
            documents = batches.write_new(new, ministry_ids())
            self.assertEqual(len(documents), 6)
            for meeting_id, ready in documents.items():
                from_batch = index._specs(ready.rows, ready.texts)
                from_database = index._specs(index._items([meeting_id]))
                self.assertGreater(len(from_batch), 5)
                self.assertEqual(from_batch, from_database)
            transaction.set_rollback(True)


class FallbackTests(EmptyArchiveTestCase):
    def test_a_refused_file_fails_alone_and_the_rest_of_its_batch_is_imported(self):
        sources = generated(12)
        bad = sources[5].name
        with refusing(Meeting, f"NEW.source_name = '{bad}'", "schijf vol"):
            result = import_batch(sources, workers=2)
        self.assertEqual(result.count("imported"), 11)
        self.assertEqual([o.name for o in result.failed], [bad])
        self.assertIn("schijf vol", result.failed[0].error)
        self.assertFalse(Meeting.objects.filter(source_name=bad).exists())
        self.assertEqual(Meeting.objects.count(), 11)
        run = ImportRun.objects.get()
        self.assertEqual(run.files.count(), 12)
        self.assertEqual(run.files.get(name=bad).status, "failed")

    def test_an_item_refused_half_way_leaves_no_part_of_its_meeting(self):
        sources = generated(12)
        with refusing(AgendaItem, "NEW.title ILIKE '%rondvraag%'", "geweigerd"):
            result = import_batch(sources, workers=2)
        # Every file has a rondvraag: each fails on its own, none is half stored.
        self.assertEqual(result.count("failed"), 12)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(AgendaItem.objects.count(), 0)
        self.assertEqual(ImportFile.objects.filter(status="failed").count(), 12)


class SameMeetingInOneBatchTests(EmptyArchiveTestCase):
    def test_the_same_bytes_twice_in_a_batch_are_imported_once(self):
        sources = generated(10)
        twin = SourceFile("kopie.txt", sources[3].data)
        result = import_batch([*sources, twin], workers=2)
        self.assertEqual(result.count("imported"), 10)
        self.assertEqual(result.count("unchanged"), 1)
        self.assertEqual(result.outcomes[-1].name, "kopie.txt")
        self.assertEqual(result.outcomes[-1].meeting.source_name, sources[3].name)
        self.assertEqual(Meeting.objects.count(), 10)

    def test_a_later_version_in_the_same_batch_replaces_the_earlier(self):
        sources = generated(10)
        later = SourceFile(sources[2].name, sources[2].data + b"\nNog een alinea.\n")
        result = import_batch([*sources, later], workers=2)
        self.assertEqual([str(o.status) for o in result.outcomes][-1], "replaced")
        self.assertEqual(Meeting.objects.count(), 10)
        stored = Meeting.objects.get(source_name=sources[2].name)
        self.assertEqual(stored.sha256, later.sha256)
        self.assertEqual(
            ImportFile.objects.get(status="replaced").replaced_sha256, sources[2].sha256
        )

    def test_a_dry_run_of_a_batch_writes_nothing(self):
        sources = generated(10)
        result = import_batch(sources, workers=2, dry_run=True)
        self.assertEqual(result.count("imported"), 10)
        self.assertIsNotNone(result.outcomes[0].parsed)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)


@pytest.mark.django_db
def test_sources_are_counted_first_and_read_one_at_a_time(tmp_path):
    for source in generated(3):
        (tmp_path / source.name).write_bytes(source.data)
    sources = read_paths([tmp_path])
    assert len(sources) == 3
    reading = iter(sources)
    first = next(reading)
    (tmp_path / sorted(p.name for p in tmp_path.iterdir())[2]).unlink()
    # The third file is read when its turn comes: gone by then, it is named as unreadable.
    rest = list(reading)
    assert first.error == "" and rest[0].error == ""
    assert "No such file" in rest[1].error


class WorkerTests(EmptyArchiveTestCase):
    """The parsing workers are forked: a patch made here is theirs too."""

    def test_a_worker_that_dies_takes_only_its_own_file_down(self):
        import os

        sources = generated(12)
        poison = sources[4].data
        real = parsing.parse_minutes

        def parse(data, **kwargs):
            if data == poison:
                os._exit(9)  # as a worker killed for memory would end
            return real(data, **kwargs)

        with mock.patch.object(parsing, "parse_minutes", parse):
            result = import_batch(sources, workers=2)
        self.assertEqual(result.count("imported"), 11)
        self.assertEqual([o.name for o in result.failed], [sources[4].name])
        self.assertEqual(result.failed[0].error, batches.WORKER_DIED)
        self.assertEqual(Meeting.objects.count(), 11)

    def test_a_parser_bug_fails_its_file_and_the_rest_goes_on(self):
        sources = generated(12)
        real = parsing.parse_minutes

        def parse(data, **kwargs):
            if data == sources[7].data:
                raise IndexError("list index out of range")
            return real(data, **kwargs)

        with mock.patch.object(parsing, "parse_minutes", parse):
            result = import_batch(sources, workers=2)
        self.assertEqual(result.count("imported"), 11)
        self.assertEqual([o.name for o in result.failed], [sources[7].name])
        self.assertIn("IndexError", result.failed[0].error)
        self.assertIn(batches.PARSER_BUG, result.failed[0].error)


class AnalyzeTests(EmptyArchiveTestCase):
    """A bulk load refreshes the planner's statistics (pg_class.reltuples; ANALYZE counts
    the rows this transaction inserted as live)."""

    def reltuples(self) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'minutes_meeting'")
            return cursor.fetchone()[0]

    def test_an_import_of_many_meetings_analyzes_the_tables_it_filled(self):
        with override_settings(SGO_IMPORT_ANALYZE_AFTER=10):
            import_batch(generated(12), workers=1)
        self.assertEqual(self.reltuples(), 12)

    def test_a_small_import_leaves_the_statistics_to_autovacuum(self):
        before = self.reltuples()
        with override_settings(SGO_IMPORT_ANALYZE_AFTER=100):
            import_batch(generated(12), workers=1)
        self.assertEqual(self.reltuples(), before)
