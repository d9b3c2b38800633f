"""Released PDFs and series through the import: the command, the upload and the pages.

Real PDFs made from the sample minutes (tests/pdf_samples.py): a Woo release with a
decision letter in front of two sets of minutes, with a text layer and scanned. Each
meeting read from a PDF is compared with the same meeting imported from its text file,
row by row in the database.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from minutes.models import ImportFile, Meeting, Series, SourceDocument
from minutes.pdf import ocr_unavailable
from minutes.services import SourceFile, import_batch, read_paths
from tests.archive import EmptyArchiveTestCase
from tests.conftest import FIXTURES, SAMPLES
from tests.pdf_samples import decision_letter, sample_pages, scanned_pdf, text_pdf
from tests.test_admin import ImportTestCase, make_zip
from tests.test_pdf import _require, encrypted_pdf

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"


def release_pdf(*, scanned: bool = False) -> tuple[bytes, int]:
    """A decision letter, then the 2020 and 2021 minutes; and the letter's page count."""
    letter = decision_letter()
    pages = letter + sample_pages(SAMPLE_2020) + sample_pages(SAMPLE_2021)
    return (scanned_pdf(pages) if scanned else text_pdf(pages)), len(letter)


def stored(meeting: Meeting) -> dict:
    """What a reader sees of a meeting: its agenda, decisions and ministries."""
    return {
        "date": meeting.date,
        "items": list(meeting.agenda_items.order_by("position").values_list("number", "title")),
        "decisions": list(
            meeting.agenda_items.filter(decisions__isnull=False)
            .order_by("position", "decisions__position")
            .values_list("number", "decisions__text", "decisions__kind")
        ),
        "ministries": sorted(
            meeting.ministry_mentions.values_list("ministry__abbreviation", "role").distinct()
        ),
    }


class FolderMixin:
    def folder(self) -> Path:
        path = Path(tempfile.mkdtemp(prefix="sgo-test-release-"))
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def media(self) -> None:
        root = self.folder()
        override = override_settings(MEDIA_ROOT=str(root))
        override.enable()
        self.addCleanup(override.disable)


class ReleaseImportTests(FolderMixin, EmptyArchiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.media()

    def import_folder(self, folder: Path, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("import_minutes", str(folder), *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def text_meetings(self) -> dict:
        """The two samples imported from their text files, then removed again."""
        import_batch([SourceFile(p.name, p.read_bytes()) for p in (SAMPLE_2020, SAMPLE_2021)])
        facts = {m.date: stored(m) for m in Meeting.objects.all()}
        Meeting.objects.all().delete()
        return facts

    def test_a_release_imports_one_meeting_per_document_like_the_text_files(self):
        expected = self.text_meetings()
        data, letter = release_pdf()
        folder = self.folder()
        (folder / "woo-besluit.pdf").write_bytes(data)

        out, err = self.import_folder(folder)

        self.assertEqual(err, "")
        self.assertIn(
            f"SKIPPED woo-besluit.pdf, pagina {letter}: Geen verslag gevonden op pagina {letter}",
            out,
        )
        self.assertIn("2 imported, 0 unchanged, 0 replaced, 0 failed, 1 skipped", out)
        meetings = list(Meeting.objects.order_by("date"))
        self.assertEqual({m.date: stored(m) for m in meetings}, expected)
        document = SourceDocument.objects.get()
        # Off a terminal, the pages' progress is one line per PDF.
        self.assertRegex(
            out,
            rf"woo-besluit\.pdf: {document.page_count} pages read \({document.page_count} "
            r"pages in \d+\.\ds\)\n",
        )
        self.assertEqual(document.sha256, hashlib.sha256(data).hexdigest())
        with document.file.open("rb") as kept:
            self.assertEqual(kept.read(), data)
        self.assertEqual(document.name, "woo-besluit.pdf")
        first_end = letter + len(sample_pages(SAMPLE_2020))
        self.assertEqual(
            [(m.source_name, m.first_page, m.last_page, m.text_origin) for m in meetings],
            [
                (f"woo-besluit.pdf, pagina's {letter + 1}–{first_end}", letter + 1, first_end,
                 "pdf"),
                (f"woo-besluit.pdf, pagina's {first_end + 1}–{document.page_count}",
                 first_end + 1, document.page_count, "pdf"),
            ],
        )  # fmt: skip
        self.assertTrue(all(m.source_document_id == document.pk for m in meetings))
        self.assertTrue(all(m.series.slug == Series.SGO for m in meetings))
        # The log names every part, the letter's pages as skipped.
        log = ImportFile.objects.filter(name__startswith="woo-besluit.pdf")
        self.assertEqual(
            sorted(log.values_list("status", flat=True)),
            ["imported", "imported", "skipped"],
        )

    def test_a_release_imported_again_is_unchanged_and_not_read_again(self):
        data, _ = release_pdf()
        folder = self.folder()
        (folder / "woo-besluit.pdf").write_bytes(data)
        self.import_folder(folder)
        # Reading it again would need its pages; the stored page texts are used instead,
        # so even with the PDF's text layer made unreadable nothing changes.
        with override_settings(SGO_PDF_MAX_PAGES=1):
            out, err = self.import_folder(folder)
        self.assertEqual(err, "")
        self.assertIn("0 imported, 2 unchanged, 0 replaced, 0 failed, 1 skipped", out)
        self.assertEqual(SourceDocument.objects.count(), 1)
        self.assertEqual(Meeting.objects.count(), 2)

    def test_a_broken_pdf_is_named_and_the_rest_goes_on(self):
        folder = self.folder()
        shutil.copy(SAMPLE_2021, folder / SAMPLE_2021.name)
        data, _ = release_pdf()
        (folder / "afgebroken.pdf").write_bytes(data[: len(data) // 2])
        (folder / "versleuteld.pdf").write_bytes(encrypted_pdf("geheim"))
        with self.assertRaisesMessage(CommandError, "2 of 3 files failed"):
            self.import_folder(folder)
        failed = dict(ImportFile.objects.filter(status="failed").values_list("name", "error"))
        self.assertEqual(set(failed), {"afgebroken.pdf", "versleuteld.pdf"})
        self.assertTrue(failed["afgebroken.pdf"].startswith("Beschadigde pdf: "))
        self.assertTrue(failed["versleuteld.pdf"].startswith("Versleutelde pdf: "))
        self.assertEqual(list(Meeting.objects.values_list("source_name", flat=True)),
                         [SAMPLE_2021.name])  # fmt: skip
        self.assertFalse(SourceDocument.objects.exists())

    def test_a_text_file_replacing_a_pdf_meeting_drops_the_pages(self):
        data, _ = release_pdf()
        folder = self.folder()
        (folder / "woo-besluit.pdf").write_bytes(data)
        self.import_folder(folder)
        meeting = Meeting.objects.get(date="2021-01-19")
        changed = SAMPLE_2021.read_bytes().replace(b"Opening en mededelingen", b"Opening")
        import_batch([SourceFile(meeting.source_name, changed)])
        meeting.refresh_from_db()
        self.assertEqual(meeting.text_origin, "text")
        self.assertIsNone(meeting.source_document)
        self.assertEqual((meeting.first_page, meeting.last_page), (None, None))

    def test_series_named_on_the_command_line(self):
        folder = self.folder()
        shutil.copy(SAMPLE_2021, folder / SAMPLE_2021.name)
        out, _ = self.import_folder(folder, "--series", "Stuurgroep Woo", "--dry-run")
        self.assertFalse(Series.objects.filter(slug="stuurgroep-woo").exists())
        out, _ = self.import_folder(folder, "--series", "Stuurgroep Woo")
        self.assertIn("Series: Stuurgroep Woo (/stuurgroep-woo/)", out)
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.series.name, "Stuurgroep Woo")
        self.assertEqual(meeting.slug, "stuurgroep-woo-2021-01-19")
        self.assertEqual(meeting.get_absolute_url(), "/vergaderingen/stuurgroep-woo-2021-01-19/")

    def test_an_unnamed_series_is_recognised_from_the_document(self):
        folder = self.folder()
        shutil.copy(SAMPLE_2021, folder / SAMPLE_2021.name)
        shutil.copy(FIXTURES / "generic" / "title_date_stuurgroep.md", folder / "sg.txt")
        self.import_folder(folder)
        series = dict(Meeting.objects.values_list("source_name", "series__name"))
        self.assertEqual(
            series,
            {
                SAMPLE_2021.name: "Secretarissen-Generaal Overleg",
                "sg.txt": "Stuurgroep Digitale Toegankelijkheid",
            },
        )
        self.assertEqual(
            Meeting.objects.get(source_name="sg.txt").slug,
            "stuurgroep-digitale-toegankelijkheid-2020-12-10",
        )

    def test_the_same_file_name_in_two_series_is_two_meetings(self):
        sgo = SourceFile("verslag.txt", SAMPLE_2021.read_bytes())
        other = SourceFile(
            "verslag.txt", (FIXTURES / "generic" / "title_date_stuurgroep.md").read_bytes()
        )
        import_batch([sgo])
        result = import_batch([other])
        self.assertEqual(result.count("imported"), 1, result.failed)
        self.assertEqual(
            sorted(Meeting.objects.values_list("series__slug", "source_name")),
            [("sgo", "verslag.txt"), ("stuurgroep-digitale-toegankelijkheid", "verslag.txt")],
        )
        # A new version in one series replaces that series' meeting only.
        changed = SAMPLE_2021.read_bytes().replace(b"Opening en mededelingen", b"Opening")
        result = import_batch([SourceFile("verslag.txt", changed)])
        self.assertEqual(result.count("replaced"), 1, result.failed)
        self.assertEqual(Meeting.objects.count(), 2)

    def test_a_series_named_without_latin_letters_gets_an_ascii_address(self):
        text = "Verslag Комитет 10 maart 2021\n\n1. Opening\nDe voorzitter opent.\n"
        result = import_batch([SourceFile("komitet.txt", text.encode())])
        self.assertEqual(result.count("imported"), 1, result.failed)
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.series.name, "Комитет")
        self.assertRegex(meeting.slug, r"^reeks-[0-9a-f]{10}-2021-03-10$")
        self.assertEqual(self.client.get(meeting.get_absolute_url()).status_code, 200)

    def test_sources_of_a_release_count_its_meetings(self):
        data, _ = release_pdf()
        folder = self.folder()
        (folder / "woo-besluit.pdf").write_bytes(data)
        sources = read_paths([folder])
        pages: list[tuple[int, int]] = []
        parts: list[int] = []
        sources.on_pages = lambda name, done, total: pages.append((done, total))
        sources.on_release = lambda name, count: parts.append(count)
        names = [source.name for source in sources]
        self.assertEqual(len(names), 3)
        self.assertEqual(parts, [3])
        total = pages[-1][1]
        self.assertEqual(pages, [(n, total) for n in range(1, total + 1)])


class ScannedReleaseTests(FolderMixin, EmptyArchiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        reason = ocr_unavailable("nld")
        _require(reason is None, f"OCR ({reason})", "apt-get install tesseract-ocr-nld")
        self.media()

    def test_a_scanned_release_is_read_by_ocr_and_says_so(self):
        data, _ = release_pdf(scanned=True)
        folder = self.folder()
        (folder / "scan.pdf").write_bytes(data)
        call_command("import_minutes", str(folder), stdout=StringIO(), stderr=StringIO())
        meeting = Meeting.objects.get(date="2021-01-19")
        self.assertEqual(meeting.text_origin, "ocr")
        self.assertEqual(meeting.ocr_pages, list(range(meeting.first_page, meeting.last_page + 1)))
        titles = list(meeting.agenda_items.filter(parent=None).values_list("number", "title"))
        self.assertEqual(
            titles,
            [
                ("1", "Opening en mededelingen"),
                ("2", "Verslag SGO 12 januari 2021"),
                ("3", "Presentatie Rijksdienst 2022"),
                (
                    "4",
                    "Voortgang op de herziening van het integraal afwegingskader voor "
                    "beleid en regelgeving",
                ),
                ("5", "Interdepartementale afstemming"),
                ("6", "Rondvraag, actualiteiten en sluiting"),
            ],
        )
        self.assertEqual(SourceDocument.objects.get().ocr_pages[0], 1)


class ReleaseUploadTests(ImportTestCase):
    def test_a_release_in_a_zip_is_previewed_per_meeting_and_imported_into_a_chosen_series(self):
        data, _ = release_pdf()
        preview_url, preview = self.upload_and_preview(make_zip({"besluit/woo.pdf": data}))
        rows = preview.context["rows"]
        statuses = [r.status for r in rows]
        self.assertEqual(statuses, ["skipped", "imported", "imported"], [r.file.name for r in rows])
        self.assertContains(preview, "Geen verslag gevonden op pagina")
        self.assertContains(preview, "Uit de pdf woo.pdf, pagina&#x27;s")
        chosen = [r.file.sha256 for r in rows if r.selectable]
        response = self.client.post(
            preview_url, {"files": chosen, "series": "", "new_series": "Woo-verzoek SGO 2021"}
        )
        self.assertEqual(response.status_code, 302)
        meetings = Meeting.objects.order_by("date")
        self.assertEqual(
            [(m.series.name, m.text_origin) for m in meetings],
            [("Woo-verzoek SGO 2021", "pdf")] * 2,
        )
        document = SourceDocument.objects.get()
        with document.file.open("rb") as kept:
            self.assertEqual(kept.read(), data)
        self.assertEqual(self.staged_uploads(), [str(p) for p in self.media_root.rglob("*.pdf")])
        self.assertEqual(
            sorted(ImportFile.objects.values_list("status", flat=True)),
            ["imported", "imported", "skipped"],
        )

    def test_an_upload_ocrs_only_a_few_pages_in_all(self):
        _require(ocr_unavailable("nld") is None, "OCR", "apt-get install tesseract-ocr-nld")
        letter = scanned_pdf(decision_letter())  # one page
        data = scanned_pdf(sample_pages(SAMPLE_2021))
        with override_settings(SGO_UPLOAD_OCR_PAGES=2):
            _, preview = self.upload_and_preview(
                make_zip({"brief.pdf": letter, "scan.pdf": data}, name="scan.zip"),
            )
        # The letter took one of the two pages; the scan's first page the other.
        first, row = preview.context["rows"]
        # Read (one page by OCR) and refused by the parser: no meeting date in a letter.
        self.assertEqual((first.file.name, first.status), ("brief.pdf, pagina 1", "failed"))
        self.assertIn("geen vergaderdatum", first.file.error)
        self.assertEqual(row.status, "failed")
        self.assertContains(preview, "ten hoogste 1 voor deze pdf")
        self.assertContains(preview, "import_minutes")


class UploadTimeLimitTests(ImportTestCase):
    def test_reading_the_pdfs_of_an_upload_stops_at_its_time_limit(self):
        data, _ = release_pdf()
        with override_settings(SGO_UPLOAD_PDF_SECONDS=0.05):
            _, preview = self.upload_and_preview(make_zip({"woo.pdf": data}))
        (row,) = preview.context["rows"]
        self.assertEqual((row.file.name, row.status), ("woo.pdf", "failed"))
        self.assertContains(preview, "Het lezen van deze pdf duurde langer dan")
        self.assertContains(preview, "import_minutes")
