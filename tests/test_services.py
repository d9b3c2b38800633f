"""The import service: idempotent, replacing, all-or-nothing per file."""

import hashlib
from dataclasses import replace
from datetime import time

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from minutes import parsing, services
from minutes.models import (
    AgendaItem,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    MinistryMention,
    Topic,
)
from minutes.services import SourceFile, import_batch, read_paths
from tests.archive import EmptyArchiveTestCase, refusing
from tests.conftest import SAMPLES

SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"


def source(path, name=None, data=None):
    return SourceFile(name=name or path.name, data=data if data is not None else path.read_bytes())


def snapshot():
    """Everything the import writes about meetings, in a comparable form."""
    return (
        list(Meeting.objects.values_list("slug", "sha256", "source_name", "reference")),
        list(AgendaItem.objects.values_list("meeting__slug", "anchor", "title", "body")),
        list(Decision.objects.values_list("agenda_item__anchor", "text", "kind")),
        list(
            MinistryMention.objects.values_list(
                "meeting__slug", "ministry__abbreviation", "agenda_item__anchor", "role"
            ).order_by("meeting__slug", "ministry__abbreviation", "agenda_item__anchor", "role")
        ),
    )


class ImportSamplesTests(EmptyArchiveTestCase):
    def test_imports_both_samples_with_their_structure(self):
        result = import_batch(read_paths([SAMPLES]))
        self.assertEqual(result.count("imported"), 2)
        meeting = Meeting.objects.get(date="2021-01-19")
        self.assertEqual(meeting.slug, "2021-01-19")
        self.assertEqual(meeting.get_absolute_url(), "/vergaderingen/2021-01-19/")
        self.assertEqual(meeting.reference, "4182454")
        self.assertEqual(str(meeting.document_date), "2021-01-20")
        self.assertEqual(meeting.redaction_codes, ["5.1.2e"])
        self.assertEqual(meeting.original_text, SAMPLE_2021.read_text(encoding="utf-8"))
        items = list(meeting.agenda_items.values_list("anchor", "parent__number"))
        self.assertEqual(
            items,
            [
                ("punt-1", None),
                ("punt-2", None),
                ("punt-3", None),
                ("punt-4", None),
                ("punt-5", None),
                ("punt-5a", "5"),
                ("punt-5b", "5"),
                ("punt-6", None),
            ],
        )
        kinds = list(
            Decision.objects.filter(agenda_item__meeting=meeting).values_list(
                "agenda_item__number", "kind"
            )
        )
        self.assertEqual(kinds, [("2", "adopted"), ("4", "consented"), ("6", "agreed")])
        speakers = MinistryMention.objects.filter(meeting=meeting, role="speaker")
        self.assertEqual([m.ministry.abbreviation for m in speakers], ["EZK"])
        self.assertIn("minister van EZK", speakers[0].text)

    def test_present_ministries_are_stored_without_an_agenda_item(self):
        import_batch([source(SAMPLE_2020)])
        present = MinistryMention.objects.filter(role="present")
        self.assertEqual(present.count(), 12)
        self.assertFalse(present.exclude(agenda_item=None).exists())
        inserted = AgendaItem.objects.get(number="ingelast")
        self.assertEqual(inserted.anchor, "punt-ingelast")
        self.assertEqual(inserted.position, 1)

    def test_topics_are_tagged_with_dutch_stemming(self):
        import_batch([source(SAMPLE_2021)])
        item = AgendaItem.objects.get(meeting__date="2021-01-19", number="3")
        # The keyword is "thuiswerken"; the item says "thuiswerken" and the stem matches.
        self.assertIn("rijksdienst-en-hybride-werken", item.topics.values_list("slug", flat=True))
        procedural = AgendaItem.objects.get(meeting__date="2021-01-19", number="2")
        self.assertFalse(procedural.topics.exists())


class ReimportTests(EmptyArchiveTestCase):
    def test_reimporting_an_unchanged_file_changes_nothing(self):
        import_batch([source(SAMPLE_2021)])
        before = snapshot()
        ids = list(AgendaItem.objects.values_list("pk", flat=True))
        with self.assertNumQueries(6):
            # Bounded: run + lookup + log + finish, whatever the file holds.
            result = import_batch([source(SAMPLE_2021)])
        self.assertEqual(result.count("unchanged"), 1)
        self.assertEqual(snapshot(), before)
        self.assertEqual(list(AgendaItem.objects.values_list("pk", flat=True)), ids)

    def test_a_changed_file_replaces_the_meetings_children(self):
        import_batch([source(SAMPLE_2021)])
        meeting = Meeting.objects.get()
        original_sha = meeting.sha256
        changed = SAMPLE_2021.read_bytes().replace(
            b"Het verslag is vastgesteld.", b"Het verslag wordt aangehouden."
        )
        # One decision fewer makes the new version suspicious: it replaces when forced.
        result = import_batch([source(SAMPLE_2021, data=changed)], force=True)
        self.assertEqual(result.count("replaced"), 1)
        meeting.refresh_from_db()
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(meeting.slug, "2021-01-19")
        self.assertNotEqual(meeting.sha256, original_sha)
        self.assertFalse(Decision.objects.filter(kind="adopted").exists())
        self.assertEqual(AgendaItem.objects.filter(meeting=meeting).count(), 8)
        log = ImportFile.objects.get(status="replaced")
        self.assertEqual(log.replaced_sha256, original_sha)
        self.assertIn("Het verslag is vastgesteld.", log.replaced_text)
        self.assertEqual(log.meeting, meeting)

    def test_same_meeting_under_another_file_name_is_a_replacement(self):
        import_batch([source(SAMPLE_2021)])
        changed = SAMPLE_2021.read_bytes() + b"\n"
        result = import_batch(
            [source(SAMPLE_2021, name="verslag-sgo-19-01-2021-v2.txt", data=changed)]
        )
        self.assertEqual(result.count("replaced"), 1)
        self.assertEqual(Meeting.objects.get().source_name, "verslag-sgo-19-01-2021-v2.txt")

    def test_two_meetings_on_one_date_each_get_a_stable_url(self):
        import_batch([source(SAMPLE_2021)])
        second = SAMPLE_2021.read_bytes().replace(b"4182454", b"4182999")
        import_batch([source(SAMPLE_2021, name="extra-sgo.txt", data=second)])
        self.assertEqual(
            list(Meeting.objects.order_by("slug").values_list("slug", flat=True)),
            ["2021-01-19", "2021-01-19-2"],
        )
        # Re-importing the first keeps both URLs as they were.
        import_batch([source(SAMPLE_2021, data=SAMPLE_2021.read_bytes() + b" ")])
        self.assertEqual(Meeting.objects.get(reference="4182454").slug, "2021-01-19")
        self.assertEqual(Meeting.objects.get(reference="4182999").slug, "2021-01-19-2")


class DryRunAndFailureTests(EmptyArchiveTestCase):
    def test_dry_run_writes_nothing(self):
        result = import_batch(read_paths([SAMPLES]), dry_run=True)
        self.assertEqual(result.count("imported"), 2)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)
        self.assertEqual(ImportFile.objects.count(), 0)

    def test_bad_files_are_named_and_the_good_ones_imported(self):
        files = [
            SourceFile(name="leeg.txt", data=b""),
            source(SAMPLE_2020),
            SourceFile(name="plaatje.txt", data=b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            source(SAMPLE_2021),
        ]
        result = import_batch(files)
        self.assertEqual(Meeting.objects.count(), 2)
        failed = {o.name: o.error for o in result.failed}
        self.assertEqual(set(failed), {"leeg.txt", "plaatje.txt"})
        self.assertEqual(failed["leeg.txt"], "leeg bestand")
        self.assertIn("geen tekstbestand", failed["plaatje.txt"])
        run = ImportRun.objects.get()
        self.assertEqual(run.files.count(), 4)
        self.assertEqual(run.files.filter(status="failed").count(), 2)
        self.assertIsNotNone(run.finished_at)

    def test_a_failure_in_the_middle_of_a_file_leaves_no_partial_meeting(self):
        import_batch([source(SAMPLE_2020)])
        before = snapshot()
        with refusing(Decision, "true", "disk full"):
            result = import_batch([source(SAMPLE_2021)])
        self.assertEqual(result.count("failed"), 1)
        self.assertIn("disk full", result.failed[0].error)
        self.assertEqual(snapshot(), before)
        self.assertFalse(Meeting.objects.filter(date="2021-01-19").exists())

    def test_a_failed_replacement_keeps_the_stored_version(self):
        import_batch([source(SAMPLE_2021)])
        before = snapshot()
        changed = SAMPLE_2021.read_bytes() + b"\nNieuwe regel."
        with refusing(MinistryMention, "true", "boom"):
            result = import_batch([source(SAMPLE_2021, data=changed)])
        self.assertEqual(result.count("failed"), 1)
        self.assertEqual(snapshot(), before)

    def test_unreadable_path_is_reported_and_the_rest_goes_on(self):
        result = import_batch(read_paths(["/nonexistent/sgo.txt", SAMPLE_2021]))
        self.assertEqual(result.count("failed"), 1)
        self.assertEqual(result.count("imported"), 1)
        self.assertIn("No such file", result.failed[0].error)


class QueryCountTests(EmptyArchiveTestCase):
    def test_queries_per_file_do_not_grow_with_its_size(self):
        # The 2021 minutes have more items, sub-items and text than the 2020 ones;
        # a bulk-friendly import needs the same number of queries for both.
        counts = []
        for path in (SAMPLE_2020, SAMPLE_2021):
            with CaptureQueriesContext(connection) as queries:
                import_batch([source(path)])
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.assertLess(counts[0], 40)

    def test_preview_writes_nothing(self):
        outcome = services.preview_file(source(SAMPLE_2021))
        self.assertEqual(outcome.status, "imported")
        self.assertEqual(outcome.parsed.meeting_date.isoformat(), "2021-01-19")
        self.assertEqual(Meeting.objects.count(), 0)


def with_withheld_passages(path, count):
    """The file with more "buiten verzoek" passages than the meeting's counter can hold.

    The parser counts them all; the model's PositiveSmallIntegerField tops out at
    32767, so full_clean() refuses the meeting: a ValidationError from a real file.
    """
    return path.read_bytes() + b"\n" + b"buiten verzoek\n" * count


class ValidationFailureTests(EmptyArchiveTestCase):
    """A file full_clean() refuses is logged as failed; the batch goes on and finishes."""

    def test_a_refused_file_in_the_middle_does_not_stop_the_batch(self):
        refused = SourceFile(
            name="te-veel-weggelakt.txt", data=with_withheld_passages(SAMPLE_2021, 32768)
        )
        result = import_batch([source(SAMPLE_2020), refused, source(SAMPLE_2021, name="na.txt")])
        self.assertEqual([o.status for o in result.outcomes], ["imported", "failed", "imported"])
        self.assertEqual(
            sorted(Meeting.objects.values_list("source_name", flat=True)),
            ["na.txt", "sgo-2020-09-09.txt"],
        )
        run = ImportRun.objects.get()
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(run.status, ImportRun.Status.FINISHED)
        log = run.files.get(name="te-veel-weggelakt.txt")
        self.assertEqual(log.status, "failed")
        self.assertEqual(log.sha256, refused.sha256)
        # The field's name and Django's own (Dutch) message, not a class name.
        self.assertIn("passages buiten verzoek", log.error)
        self.assertIn("32767", log.error)
        self.assertIsNone(log.meeting)

    def test_the_largest_count_the_field_holds_still_imports(self):
        # One fewer than the refused file: it is the count that is refused, not the size.
        data = with_withheld_passages(SAMPLE_2021, 32767)
        result = import_batch([SourceFile(name="vol.txt", data=data)])
        self.assertEqual(result.count("imported"), 1, result.failed)
        self.assertEqual(Meeting.objects.get().withheld_passages, 32767)

    def test_full_clean_refuses_an_end_before_the_start(self):
        parsed = parsing.parse_minutes(SAMPLE_2021.read_bytes())
        backwards = replace(parsed, start_time=time(16, 30), end_time=time(10, 0))
        with self.assertRaises(ValidationError):
            services.save_meeting(parsed=backwards, source_name="x.txt", sha256="0" * 64)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_an_end_time_before_the_start_time_is_dropped_and_the_file_imported(self):
        data = SAMPLE_2021.read_bytes().replace(b"15.00 - 16.30 uur", b"16.30 - 10.00 uur")
        backwards = SourceFile(name="achterstevoren.txt", data=data)
        result = import_batch([backwards, source(SAMPLE_2020)])
        self.assertEqual(result.outcomes[1].status, "imported")
        self.assertIsNotNone(ImportRun.objects.get().finished_at)
        # The parser drops the impossible end time with a warning: the file imports.
        self.assertEqual(result.outcomes[0].status, "imported")
        meeting = Meeting.objects.get(source_name="achterstevoren.txt")
        self.assertEqual((meeting.start_time, meeting.end_time), (time(16, 30), None))
        self.assertEqual(
            meeting.parse_warnings,
            [str(parsing.ParseWarning("end_before_start", end="10.00", start="16.30"))],
        )


class SourceFileTests(EmptyArchiveTestCase):
    def test_a_source_with_an_error_is_logged_as_failed_unread(self):
        refused = SourceFile(name="bijlage.pdf", error="Geen .txt-bestand", size=1234)
        result = import_batch([refused, source(SAMPLE_2021)])
        self.assertEqual([o.status for o in result.outcomes], ["failed", "imported"])
        log = ImportFile.objects.get(name="bijlage.pdf")
        self.assertEqual((log.error, log.size, log.sha256), ("Geen .txt-bestand", 1234, ""))

    def test_the_hash_and_size_come_from_the_bytes(self):
        data = SAMPLE_2021.read_bytes()
        made = SourceFile(name="a.txt", data=data, sha256="f" * 64, size=1)
        self.assertEqual(made.sha256, hashlib.sha256(data).hexdigest())
        self.assertEqual(made.size, len(data))


class SummaryTests(EmptyArchiveTestCase):
    def test_one_summary_in_values_for_the_command_and_labels_for_the_admin(self):
        result = import_batch([source(SAMPLE_2021), SourceFile(name="leeg.txt", data=b"")])
        self.assertEqual(result.summary(), "1 imported, 0 unchanged, 0 replaced, 1 failed")
        self.assertEqual(
            result.summary(labels=True), "1 geïmporteerd, 0 ongewijzigd, 0 vervangen, 1 mislukt"
        )


class TagTopicsTests(TestCase):
    def test_one_meeting_is_retagged_without_touching_the_others(self):
        through = AgendaItem.topics.through
        before = set(through.objects.values_list("agendaitem_id", "topic_id"))
        meeting = Meeting.objects.get(date="2021-01-19")
        through.objects.all().delete()
        topics = list(Topic.objects.all())
        self.assertGreater(len([t for t in topics if t.keywords]), 2)
        with self.assertNumQueries(4):
            # The topics, the meeting's items, one delete and one INSERT, however many topics.
            written = services.tag_topics(meeting_id=meeting.pk)
        after = set(through.objects.values_list("agendaitem_id", "topic_id"))
        own = {link for link in before if AgendaItem.objects.get(pk=link[0]).meeting == meeting}
        self.assertEqual(after, own)
        self.assertEqual(written, len(own))
        self.assertTrue(own)

    def test_every_item_for_the_given_topics(self):
        through = AgendaItem.topics.through
        expected = set(through.objects.values_list("agendaitem_id", "topic_id"))
        through.objects.all().delete()
        written = services.tag_topics()
        self.assertEqual(set(through.objects.values_list("agendaitem_id", "topic_id")), expected)
        self.assertEqual(written, len(expected))
