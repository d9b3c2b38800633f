"""The import's guards (issue 12): suspicious replacements need a confirmation and keep
the earlier version readable, meeting dates must be plausible, and whatever is not read
is named with its reason, never shown with raw control or bidi characters.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from minutes import parsing
from minutes.models import AgendaItem, Decision, ImportFile, ImportRun, Meeting
from minutes.names import visible_name
from minutes.services import (
    ReplacementCheck,
    SourceFile,
    agenda_item_count,
    import_batch,
    read_paths,
)
from tests.archive import EmptyArchiveTestCase, minutes
from tests.conftest import SAMPLES
from tests.test_admin import ImportTestCase, make_zip, sha256, upload_file

SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
FULL = SAMPLE_2021.read_bytes()
# The first half of the 2021 minutes: the header (date and reference) is intact, so it
# is the same meeting; 3 of its 6 agenda items (8 with sub-items 5a and 5b) and 1 of its 3
# decisions are left.
HALF = FULL[: len(FULL) // 2]
# The same header followed by 20,000 bytes of junk: four times the text.
JUNK = FULL + b"\n" + b"x" * 20000
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE


def stored():
    """The 2021 meeting as stored: its text and what it holds."""
    meeting = Meeting.objects.get(date="2021-01-19")
    return (
        meeting.sha256,
        meeting.original_text,
        AgendaItem.objects.filter(meeting=meeting).count(),
        Decision.objects.filter(agenda_item__meeting=meeting).count(),
    )


class TempFolderMixin:
    def folder(self) -> Path:
        path = Path(tempfile.mkdtemp(prefix="sgo-test-import-"))
        self.addCleanup(shutil.rmtree, path, True)
        return path


# --------------------------------------------------------------------------- finding 1


class SuspiciousReplacementServiceTests(EmptyArchiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        import_batch([SourceFile(SAMPLE_2021.name, FULL)])
        self.before = stored()

    def test_half_a_file_does_not_replace_the_meeting_and_the_log_says_why(self):
        result = import_batch(
            [
                SourceFile(SAMPLE_2021.name, HALF),
                SourceFile(SAMPLE_2020.name, SAMPLE_2020.read_bytes()),
            ]
        )
        self.assertEqual([o.status for o in result.outcomes], ["failed", "imported"])
        error = result.outcomes[0].error
        self.assertIn("Verdachte vervanging van SGO 2021-01-19", error)
        self.assertIn("agendapunten 6 → 3, besluiten 3 → 1, tekst 5930 → 2966 tekens", error)
        self.assertIn("minder agendapunten, minder besluiten", error)
        self.assertEqual(stored(), self.before)
        log = ImportRun.objects.latest().files.get(name=SAMPLE_2021.name)
        self.assertEqual((log.status, log.error), ("failed", error))
        self.assertEqual(log.meeting, Meeting.objects.get(date="2021-01-19"))

    def test_junk_past_the_growth_factor_does_not_replace_the_meeting(self):
        result = import_batch([SourceFile("iets-anders.txt", JUNK)])
        self.assertEqual(result.count("failed"), 1)
        self.assertIn("tekst meer dan 3 keer zo lang", result.failed[0].error)
        self.assertIn("tekst 5930 → 25931 tekens", result.failed[0].error)
        self.assertEqual(stored(), self.before)
        with override_settings(SGO_REPLACE_MAX_GROWTH=5):
            self.assertEqual(
                import_batch([SourceFile("iets-anders.txt", JUNK)]).count("replaced"), 1
            )

    def test_forced_the_replacement_is_made_and_the_log_keeps_the_old_text_and_the_differences(
        self,
    ):
        result = import_batch([SourceFile(SAMPLE_2021.name, HALF)], force=True)
        self.assertEqual(result.count("replaced"), 1)
        self.assertEqual(stored()[2:], (3, 1))
        log = ImportFile.objects.get(status="replaced")
        self.assertEqual(log.replaced_text, self.before[1])
        self.assertEqual(log.replaced_sha256, self.before[0])
        self.assertEqual(
            log.replacement_note,
            "Verdachte vervanging, bevestigd (minder agendapunten, minder besluiten, meer dan 20% "
            "van de tekst kwijt): "
            "agendapunten 6 → 3, besluiten 3 → 1, tekst 5930 → 2966 tekens.",
        )

    def test_force_by_sha256_forces_only_the_files_it_names(self):
        other = HALF + b"\n"
        result = import_batch(
            [SourceFile("a.txt", other), SourceFile(SAMPLE_2021.name, HALF)],
            force={sha256(HALF)},
        )
        self.assertEqual([o.status for o in result.outcomes], ["failed", "replaced"])

    def test_a_replacement_that_loses_nothing_goes_through_with_its_differences_noted(self):
        grown = FULL + b"\nNog een regel tekst.\n"
        result = import_batch([SourceFile(SAMPLE_2021.name, grown)])
        self.assertEqual(result.count("replaced"), 1)
        self.assertEqual(
            ImportFile.objects.get(status="replaced").replacement_note,
            "Vervangen: agendapunten 6 → 6, besluiten 3 → 3, tekst 5930 → 5952 tekens.",
        )

    def test_losing_more_than_the_set_share_of_the_text_is_suspicious(self):
        long = minutes(
            "3 maart 2021", [("Opening", "Lange tekst. " * 100), ("Sluiting", "Tot ziens.")]
        )
        short = minutes(
            "3 maart 2021", [("Opening", "Korte tekst. " * 40), ("Sluiting", "Tot ziens.")]
        )
        import_batch([SourceFile("maart.txt", long)])
        result = import_batch([SourceFile("maart.txt", short)])
        self.assertEqual(result.count("failed"), 1)
        self.assertIn("meer dan 20% van de tekst kwijt", result.failed[0].error)
        self.assertIn("agendapunten 2 → 2, besluiten 0 → 0", result.failed[0].error)
        with override_settings(SGO_REPLACE_MAX_TEXT_LOSS=0.7):
            self.assertEqual(import_batch([SourceFile("maart.txt", short)]).count("replaced"), 1)

    def test_a_dry_run_reports_a_suspicious_replacement_too(self):
        result = import_batch([SourceFile(SAMPLE_2021.name, HALF)], dry_run=True)
        self.assertEqual(result.count("failed"), 1)
        self.assertIn("agendapunten 6 → 3", result.failed[0].error)


class SuspiciousReplacementCommandTests(TempFolderMixin, EmptyArchiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        import_batch([SourceFile(SAMPLE_2021.name, FULL)])
        self.before = stored()
        self.half = self.folder() / SAMPLE_2021.name
        self.half.write_bytes(HALF)

    def test_the_command_names_the_file_with_the_differences_and_exits_non_zero(self):
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 files failed"):
            call_command("import_minutes", str(self.half), stdout=out, stderr=err)
        self.assertIn(
            "FAILED sgo-2021-01-19.txt: Verdachte vervanging van SGO 2021-01-19, niet uitgevoerd "
            "(minder agendapunten, minder besluiten, meer dan 20% van de tekst kwijt): "
            "agendapunten 6 → 3, besluiten 3 → 1, "
            "tekst 5930 → 2966 tekens.",
            err.getvalue(),
        )
        self.assertIn("import_minutes --force", err.getvalue())
        self.assertEqual(stored(), self.before)

    def test_with_force_the_command_replaces_and_says_so(self):
        out, err = StringIO(), StringIO()
        call_command("import_minutes", str(self.half), "--force", stdout=out, stderr=err)
        self.assertIn("0 imported, 0 unchanged, 1 replaced, 0 failed", out.getvalue())
        self.assertIn("FORCED sgo-2021-01-19.txt: Verdachte vervanging, bevestigd", err.getvalue())
        self.assertEqual(stored()[2:], (3, 1))


class SuspiciousReplacementAdminTests(ImportTestCase):
    def setUp(self) -> None:
        super().setUp()
        import_batch([SourceFile(SAMPLE_2021.name, FULL)])
        self.before = stored()

    def preview_half(self):
        preview_url, preview = self.upload_and_preview(upload_file(SAMPLE_2021, data=HALF))
        self.assertEqual(preview.status_code, 200)
        return preview_url, preview

    def test_the_preview_shows_the_difference_and_asks_for_a_confirmation(self):
        _, preview = self.preview_half()
        self.assertContains(
            preview, "Verschil: agendapunten 6 → 3, besluiten 3 → 1, tekst 5930 → 2966 tekens."
        )
        self.assertContains(
            preview,
            "Verdachte vervanging: minder agendapunten, minder besluiten, "
            "meer dan 20% van de tekst kwijt.",
        )
        self.assertContains(preview, f'name="force" value="{sha256(HALF)}"')
        # Neither box is ticked for the user.
        self.assertNotContains(preview, "checked")

    def test_the_preview_and_the_replacement_check_count_items_as_the_pages_do(self):
        """One count of a meeting's agenda items: the top-level ones, sub-items (5a, 5b)
        within theirs, for the stored version, the new one and the public pages alike."""
        meeting = Meeting.objects.get(date="2021-01-19")
        self.assertEqual(AgendaItem.objects.filter(meeting=meeting).count(), 8)  # 5a, 5b too
        self.assertEqual(agenda_item_count(meeting), 6)
        self.assertEqual(agenda_item_count(parsing.parse_minutes(FULL)), 6)
        self.assertEqual(Meeting.objects.with_counts().get(pk=meeting.pk).item_count, 6)
        self.assertEqual(
            ReplacementCheck.compare(meeting, parsing.parse_minutes(HALF)).items, (6, 3)
        )

        grown = FULL + b"\nNog een regel tekst.\n"
        _, preview = self.upload_and_preview(upload_file(SAMPLE_2021, data=grown))
        (row,) = preview.context["rows"]
        self.assertEqual(row.replacement.items, (6, row.item_count))
        self.assertEqual(row.item_count, 6)
        self.assertContains(preview, "6 agendapunten")
        home = self.client.get(reverse("minutes:home"))
        shown = {m.date.isoformat(): m.item_count for m in home.context["latest"]}
        self.assertEqual(shown["2021-01-19"], row.item_count)

    def test_a_file_that_loses_nothing_shows_its_difference_without_asking(self):
        grown = FULL + b"\nNog een regel tekst.\n"
        _, preview = self.upload_and_preview(upload_file(SAMPLE_2021, data=grown))
        self.assertContains(preview, "Verschil: agendapunten 6 → 6, besluiten 3 → 3")
        self.assertNotContains(preview, "Verdachte vervanging")
        self.assertNotContains(preview, 'name="force"')

    def test_confirming_without_the_checkbox_does_not_replace(self):
        preview_url, _ = self.preview_half()
        response = self.client.post(preview_url, {"files": [sha256(HALF)]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stored(), self.before)
        log = ImportRun.objects.get(origin="upload").files.get()
        self.assertEqual(log.status, "failed")
        self.assertIn("agendapunten 6 → 3", log.error)
        result = self.client.get(response.url)
        self.assertContains(result, "0 vervangen, 1 mislukt")

    def test_confirming_with_the_checkbox_replaces_and_keeps_the_old_text(self):
        preview_url, _ = self.preview_half()
        response = self.client.post(preview_url, {"files": [sha256(HALF)], "force": [sha256(HALF)]})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(stored()[2:], (3, 1))
        log = ImportRun.objects.get(origin="upload").files.get()
        self.assertEqual(log.status, "replaced")
        self.assertEqual(log.replaced_text, self.before[1])
        self.assertIn("Verdachte vervanging, bevestigd", log.replacement_note)

    def test_the_confirmation_alone_does_not_choose_the_file(self):
        preview_url, _ = self.preview_half()
        response = self.client.post(preview_url, {"force": [sha256(HALF)]})
        self.assertContains(response, "Kies ten minste één bestand", status_code=400)
        self.assertEqual(stored(), self.before)

    def test_a_confirmation_for_a_file_that_is_not_suspicious_is_refused(self):
        grown = FULL + b"\nNog een regel tekst.\n"
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021, data=grown))
        response = self.client.post(
            preview_url, {"files": [sha256(grown)], "force": [sha256(grown)]}
        )
        self.assertContains(response, "De keuze hoort niet bij deze voorvertoning", status_code=400)
        self.assertEqual(stored(), self.before)


class EarlierVersionsPageTests(EmptyArchiveTestCase):
    def test_a_meeting_page_links_each_earlier_text_served_as_plain_text(self):
        first = FULL
        second = FULL + b"\nTweede versie.\n"
        import_batch([SourceFile(SAMPLE_2021.name, first)])
        import_batch([SourceFile(SAMPLE_2021.name, second)])
        import_batch([SourceFile(SAMPLE_2021.name, HALF)], force=True)
        meeting = Meeting.objects.get()
        versions = list(ImportFile.objects.earlier_versions(meeting))
        self.assertEqual(len(versions), 2)

        # The public sees that there were earlier versions, not their texts: a replacement
        # may be the fix of a redaction that went wrong.
        page = self.client.get(meeting.get_absolute_url())
        self.assertContains(page, "Eerdere versies")
        self.assertContains(page, "alleen voor beheerders")
        for version in versions:
            url = reverse("minutes:meeting_text_version", args=[meeting.slug, version.pk])
            self.assertNotContains(page, url)
            self.assertEqual(self.client.get(url).status_code, 403)

        importer = User.objects.create_user("importeur", password="x-geheim-1")
        importer.user_permissions.add(Permission.objects.get(codename="import_minutes"))
        self.client.force_login(importer)
        page = self.client.get(meeting.get_absolute_url())
        self.assertNotContains(page, "alleen voor beheerders")
        for number, version in enumerate(versions, start=1):
            url = reverse("minutes:meeting_text_version", args=[meeting.slug, version.pk])
            self.assertContains(page, f'href="{url}">Versie {number}</a>')
        self.assertContains(page, f'SHA-256 <code class="sgo-hash">{sha256(first)[:12]}…</code>')

        texts = []
        for version in versions:
            url = reverse("minutes:meeting_text_version", args=[meeting.slug, version.pk])
            response = self.client.get(url)
            self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            texts.append(response.content)
        self.assertEqual(texts, [first, second])

    def test_a_version_is_only_served_under_its_own_meeting(self):
        self.client.force_login(User.objects.create_superuser("beheer", password="x-geheim-2"))
        import_batch([SourceFile(SAMPLE_2021.name, FULL)])
        import_batch([SourceFile(SAMPLE_2021.name, FULL + b"\n")])
        import_batch([SourceFile(SAMPLE_2020.name, SAMPLE_2020.read_bytes())])
        version = ImportFile.objects.get(status="replaced")
        other = Meeting.objects.get(date="2020-09-09")
        url = reverse("minutes:meeting_text_version", args=[other.slug, version.pk])
        self.assertEqual(self.client.get(url).status_code, 404)
        page = self.client.get(other.get_absolute_url())
        self.assertNotContains(page, "Eerdere versies")
        missing = reverse("minutes:meeting_text_version", args=["2021-01-19", version.pk + 999])
        self.assertEqual(self.client.get(missing).status_code, 404)


# --------------------------------------------------------------------------- finding 2


class PlausibleDateTests(TempFolderMixin, EmptyArchiveTestCase):
    def test_dates_before_1945_or_over_a_year_ahead_are_refused_and_the_batch_goes_on(self):
        ahead = date.today() + timedelta(days=400)
        months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                  "september", "oktober", "november", "december"]  # fmt: skip
        files = [
            SourceFile("jaar-1.txt", minutes("1 januari 0001", [("Opening", "Tekst.")])),
            SourceFile("jaar-9999.txt", minutes("31 december 9999", [("Opening", "Tekst.")])),
            SourceFile("oorlog.txt", minutes("3 mei 1944", [("Opening", "Tekst.")])),
            SourceFile(
                "volgend-jaar.txt",
                minutes(f"{ahead.day} {months[ahead.month - 1]} {ahead.year}", [("Opening", "T.")]),
            ),
            SourceFile("bevrijding.txt", minutes("8 mei 1945", [("Opening", "Tekst.")])),
            SourceFile(SAMPLE_2021.name, FULL),
        ]
        result = import_batch(files)
        failed = {o.name: o.error for o in result.failed}
        self.assertEqual(
            set(failed), {"jaar-1.txt", "jaar-9999.txt", "oorlog.txt", "volgend-jaar.txt"}
        )
        self.assertIn(
            "Onwaarschijnlijke vergaderdatum 0001-01-01: vóór 1945-01-01", failed["jaar-1.txt"]
        )
        self.assertIn("vergaderdatum 9999-12-31: meer dan 366 dagen", failed["jaar-9999.txt"])
        self.assertIn(f"vergaderdatum {ahead.isoformat()}", failed["volgend-jaar.txt"])
        self.assertEqual(
            sorted(Meeting.objects.values_list("date", flat=True)),
            [date(1945, 5, 8), date(2021, 1, 19)],
        )
        self.assertEqual(ImportRun.objects.get().files.filter(status="failed").count(), 4)

    def test_the_bounds_come_from_the_settings(self):
        with override_settings(SGO_MIN_MEETING_DATE="2021-01-01"):
            result = import_batch(read_paths([SAMPLES]))
        self.assertEqual([o.status for o in result.outcomes], ["failed", "imported"])
        self.assertIn("2020-09-09: vóór 2021-01-01", result.outcomes[0].error)
        with override_settings(SGO_MAX_FUTURE_DAYS=0):
            tomorrow = date.today() + timedelta(days=2)
            months = ["januari", "februari", "maart", "april", "mei", "juni", "juli",
                      "augustus", "september", "oktober", "november", "december"]  # fmt: skip
            day = f"{tomorrow.day} {months[tomorrow.month - 1]} {tomorrow.year}"
            result = import_batch([SourceFile("morgen.txt", minutes(day, [("Opening", "T.")]))])
        self.assertIn("meer dan 0 dagen in de toekomst", result.failed[0].error)

    def test_the_command_names_the_file_and_the_date(self):
        path = self.folder() / "jaar-9999.txt"
        path.write_bytes(minutes("31 december 9999", [("Opening", "Tekst.")]))
        err = StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 files failed"):
            call_command("import_minutes", str(path), stdout=StringIO(), stderr=err)
        self.assertIn(
            "FAILED jaar-9999.txt: Onwaarschijnlijke vergaderdatum 9999-12-31", err.getvalue()
        )


# --------------------------------------------------------------------------- finding 3


class FolderEntriesTests(TempFolderMixin, EmptyArchiveTestCase):
    def make_folder(self) -> Path:
        folder = self.folder()
        shutil.copy(SAMPLE_2021, folder / SAMPLE_2021.name)
        (folder / "bijlage.docx").write_bytes(b"PK\x03\x04 not read")
        (folder / "weg.txt").symlink_to(folder / "bestaat-niet.txt")
        (folder / "map.txt").mkdir()
        shutil.copy(SAMPLE_2020, folder / "map.txt" / SAMPLE_2020.name)
        (folder / "elders").symlink_to(self.folder(), target_is_directory=True)
        os.mkfifo(folder / "pijp.txt")
        return folder

    def test_every_entry_that_is_not_read_is_named_with_its_reason_in_output_and_log(self):
        folder = self.make_folder()
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "5 of 7 files failed"):
            call_command("import_minutes", str(folder), stdout=out, stderr=err)
        expected = {
            f"{folder}/{name}": reason
            for name, reason in {
                "bijlage.docx": "Geen .txt- of .pdf-bestand; alleen tekstbestanden en pdf's "
                "worden gelezen.",
                "weg.txt": "Symbolische koppeling naar iets dat niet bestaat; niet gelezen.",
                "map.txt": "Een map, geen bestand; de .txt- en .pdf-bestanden erin worden wel "
                "gelezen.",
                "elders": "Symbolische koppeling naar een map; niet gevolgd.",
                "pijp.txt": "Geen gewoon bestand (apparaat, pijp of socket); niet gelezen.",
            }.items()
        }
        for name, reason in expected.items():
            self.assertIn(f"FAILED {name}: {reason}\n", err.getvalue())
        self.assertIn("2 imported, 0 unchanged, 0 replaced, 5 failed", out.getvalue())
        log = dict(
            ImportRun.objects.get().files.filter(status="failed").values_list("name", "error")
        )
        self.assertEqual(log, expected)

    def test_a_name_that_is_not_utf8_or_has_bidi_characters_is_shown_escaped(self):
        folder = self.folder()
        os.mkdir(os.fsencode(folder / "sub"))
        (folder / "sub" / f"verslag{RLO}fdp.txt").write_bytes(FULL)
        open(os.fsencode(folder) + b"/x-\xff.doc", "wb").close()
        out, err = StringIO(), StringIO()
        with self.assertRaises(CommandError):
            call_command("import_minutes", str(folder), stdout=out, stderr=err)
        self.assertIn(f"FAILED {folder}/x-\\udcff.doc: Geen .txt- of .pdf-bestand", err.getvalue())
        self.assertEqual(Meeting.objects.get().source_name, "verslag\\u202efdp.txt")
        self.assertNotIn(RLO, Meeting.objects.get().source_name)


class VisibleNameTests(EmptyArchiveTestCase):
    def test_control_format_and_bidi_characters_are_written_out(self):
        name = "a\u202eb\u200ec\u200fd\u2066e\u2067f\u2068g\u2069h\x1b[2Ji\nj\u2028k\ufeffl.txt"
        self.assertEqual(
            visible_name(name),
            "a\\u202eb\\u200ec\\u200fd\\u2066e\\u2067f\\u2068g\\u2069h\\u001b[2Ji\\u000aj"
            "\\u2028k\\ufeffl.txt",
        )
        self.assertEqual(visible_name("gewone naam – één.txt"), "gewone naam – één.txt")
        self.assertEqual(visible_name(visible_name(name)), visible_name(name))


class UploadNamesTests(ImportTestCase):
    def test_file_and_zip_entry_names_are_never_shown_raw(self):
        archive = make_zip(
            {f"verslagen/{RLO}lmth.txt": FULL, "notities\u2066.doc": b"x", "\u200fkopie.txt": FULL}
        )
        loose = SimpleUploadedFile(f"los{RLO}.txt", SAMPLE_2020.read_bytes())
        _, preview = self.upload_and_preview(archive, loose)
        html = preview.content.decode()
        for char in (RLO, "\u2066", "\u200f"):
            self.assertNotIn(char, html)
        self.assertIn("\\u202elmth.txt", html)
        self.assertIn("notities\\u2066.doc", html)
        self.assertIn("Zelfde inhoud als \\u202elmth.txt", html)
        # Django itself drops unprintable characters from an uploaded file's own name.
        self.assertIn("los.txt", html)

    def test_a_refused_zip_names_its_entry_escaped(self):
        response = self.upload(make_zip({f"../{RLO}txt.exe": b"x"}))
        self.assertContains(response, "‘../\\u202etxt.exe’ verwijst naar een map", status_code=400)
        self.assertNotContains(response, RLO, status_code=400)


class RefusedUploadStatusTests(ImportTestCase):
    def test_a_refused_upload_answers_4xx_with_the_form_and_the_reason(self):
        nested = make_zip({"binnen.zip": make_zip({"a.txt": b"a"}).read()})
        broken = SimpleUploadedFile("kapot.zip", b"PK\x03\x04 geen zip")
        two = [upload_file(SAMPLE_2020), upload_file(SAMPLE_2021)]
        cases = [
            ({"SGO_IMPORT_MAX_FILES": 1}, two, 413, "Te veel bestanden"),
            (
                {"SGO_IMPORT_MAX_BYTES": 1000},
                [upload_file(SAMPLE_2021)],
                413,
                "De upload is te groot",
            ),
            ({}, [nested], 400, "archieven in archieven"),
            ({}, [broken], 400, "geen geldig zip-bestand"),
            ({}, [], 400, "Kies ten minste één bestand"),
        ]
        for limits, files, status, reason in cases:
            with self.subTest(reason), override_settings(**limits):
                response = self.upload(*files)
                self.assertContains(response, reason, status_code=status)
                self.assertContains(response, 'type="file"', status_code=status)
        self.assertEqual(self.staged_uploads(), [])


class LoggedNamesTests(ImportTestCase):
    def test_names_logged_raw_before_are_shown_escaped_in_the_import_log_and_meeting_admin(self):
        # Rows from before names were escaped on the way in: written here as they were.
        import_batch([SourceFile(SAMPLE_2021.name, FULL)])
        meeting = Meeting.objects.get()
        raw = f"verslag{RLO}fdp.txt"
        Meeting.objects.filter(pk=meeting.pk).update(source_name=raw)
        log = ImportFile.objects.get()
        ImportFile.objects.filter(pk=log.pk).update(name=raw, error=f"Zelfde inhoud als {raw}")
        superuser = self.make_superuser()
        self.client.force_login(superuser)
        pages = [
            reverse("admin:minutes_importfile_changelist"),
            reverse("admin:minutes_importfile_change", args=[log.pk]),
            reverse("admin:minutes_importrun_change", args=[log.run_id]),
            reverse("admin:minutes_meeting_changelist"),
            reverse("admin:minutes_meeting_change", args=[meeting.pk]),
            meeting.get_absolute_url(),
        ]
        for url in pages:
            with self.subTest(url):
                response = self.client.get(url)
                self.assertContains(response, "verslag\\u202efdp.txt")
                self.assertNotContains(response, RLO)

    def make_superuser(self):
        from django.contrib.auth.models import User

        return User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
