"""The import service: idempotent, replacing, all-or-nothing per file."""

from unittest import mock

from django.db import DatabaseError, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from minutes import services
from minutes.models import (
    AgendaItem,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    MinistryMention,
)
from minutes.services import SourceFile, import_batch, read_paths
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


class ImportSamplesTests(TestCase):
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


class ReimportTests(TestCase):
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
        result = import_batch([source(SAMPLE_2021, data=changed)])
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


class DryRunAndFailureTests(TestCase):
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
        self.assertIn("empty", failed["leeg.txt"])
        self.assertIn("binary", failed["plaatje.txt"])
        run = ImportRun.objects.get()
        self.assertEqual(run.files.count(), 4)
        self.assertEqual(run.files.filter(status="failed").count(), 2)
        self.assertIsNotNone(run.finished_at)

    def test_a_failure_in_the_middle_of_a_file_leaves_no_partial_meeting(self):
        import_batch([source(SAMPLE_2020)])
        before = snapshot()
        with mock.patch.object(
            Decision.objects, "bulk_create", side_effect=DatabaseError("disk full")
        ):
            result = import_batch([source(SAMPLE_2021)])
        self.assertEqual(result.count("failed"), 1)
        self.assertIn("disk full", result.failed[0].error)
        self.assertEqual(snapshot(), before)
        self.assertFalse(Meeting.objects.filter(date="2021-01-19").exists())

    def test_a_failed_replacement_keeps_the_stored_version(self):
        import_batch([source(SAMPLE_2021)])
        before = snapshot()
        changed = SAMPLE_2021.read_bytes() + b"\nNieuwe regel."
        with mock.patch.object(
            MinistryMention.objects, "bulk_create", side_effect=DatabaseError("boom")
        ):
            result = import_batch([source(SAMPLE_2021, data=changed)])
        self.assertEqual(result.count("failed"), 1)
        self.assertEqual(snapshot(), before)

    def test_unreadable_path_is_reported_and_the_rest_goes_on(self):
        result = import_batch(read_paths(["/nonexistent/sgo.txt", SAMPLE_2021]))
        self.assertEqual(result.count("failed"), 1)
        self.assertEqual(result.count("imported"), 1)
        self.assertIn("No such file", result.failed[0].error)


class QueryCountTests(TestCase):
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
