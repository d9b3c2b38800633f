"""A broken or oversized file is one failed file with its reason; the rest is imported.

Through every importer: the service, `manage.py import_minutes` on a folder, and the
admin's upload preview and confirmation. The file that once stopped them all is UTF-8
with a byte order mark whose text then holds a cp1252 byte (UnicodeDecodeError).
"""

from __future__ import annotations

import shutil
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings

from minutes.models import ImportFile, ImportRun, Meeting
from minutes.services import SourceFile, import_batch
from tests.archive import EmptyArchiveTestCase
from tests.conftest import SAMPLES
from tests.test_admin import ImportTestCase, sha256, upload_file

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
# A UTF-8 byte order mark, then text with one cp1252 "é" (byte 0xe9) in it.
BAD_BOM = b"\xef\xbb\xbf" + SAMPLE_2020.read_bytes() + "\nNotulist: Café\n".encode("cp1252")
BAD_BOM_REASON = (
    "beschadigde UTF-8-tekst na een UTF-8-bytevolgordeteken, "
    f"bij byte {len(BAD_BOM) - 2}"  # the "é", counted from the first byte of the file
)


def sources(*files: tuple[str, bytes]) -> list[SourceFile]:
    return [SourceFile(name=name, data=data) for name, data in files]


class ServiceTests(EmptyArchiveTestCase):
    def test_a_file_with_a_bom_and_broken_utf8_fails_and_the_batch_goes_on(self):
        result = import_batch(
            sources(
                ("a.txt", SAMPLE_2020.read_bytes()),
                ("kapot-bom.txt", BAD_BOM),
                ("c.txt", SAMPLE_2021.read_bytes()),
            )
        )
        self.assertEqual(
            [(o.name, str(o.status), o.error) for o in result.outcomes],
            [
                ("a.txt", "imported", ""),
                ("kapot-bom.txt", "failed", BAD_BOM_REASON),
                ("c.txt", "imported", ""),
            ],
        )
        self.assertEqual(
            sorted(Meeting.objects.values_list("source_name", flat=True)), ["a.txt", "c.txt"]
        )
        logged = ImportFile.objects.get(name="kapot-bom.txt")
        self.assertEqual((logged.status, logged.error), ("failed", BAD_BOM_REASON))
        self.assertEqual(logged.sha256, sha256(BAD_BOM))
        self.assertEqual(ImportRun.objects.get().status, ImportRun.Status.FINISHED)

    @override_settings(SGO_PARSE_MAX_BYTES=5000)
    def test_a_file_over_the_byte_cap_in_the_settings_fails_with_its_size(self):
        big, small = SAMPLE_2021.read_bytes(), SAMPLE_2020.read_bytes()
        self.assertGreater(len(big), 5000)
        self.assertLess(len(small), 5000)
        result = import_batch(sources(("groot.txt", big), ("klein.txt", small)))
        self.assertEqual(
            [(o.name, str(o.status), o.error) for o in result.outcomes],
            [
                (
                    "groot.txt",
                    "failed",
                    f"bestand te groot: {len(big)} bytes, de grens is 5000 bytes",
                ),
                ("klein.txt", "imported", ""),
            ],
        )

    @override_settings(SGO_PARSE_MAX_LINE_CHARS=600)
    def test_a_file_with_a_line_over_the_cap_in_the_settings_fails_with_the_line(self):
        # The 2020 sample has a line of 691 characters, the 2021 sample none over 593.
        result = import_batch(
            sources(("a.txt", SAMPLE_2020.read_bytes()), ("c.txt", SAMPLE_2021.read_bytes()))
        )
        lines = SAMPLE_2020.read_text(encoding="utf-8").split("\n")
        longest = max(lines, key=len)
        self.assertEqual(
            [(o.name, str(o.status), o.error) for o in result.outcomes],
            [
                (
                    "a.txt",
                    "failed",
                    f"regel {lines.index(longest) + 1} is te lang: {len(longest)} tekens, "
                    "de grens is 600 tekens",
                ),
                ("c.txt", "imported", ""),
            ],
        )


class CommandTests(EmptyArchiveTestCase):
    def test_import_minutes_names_the_broken_file_and_imports_the_others(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        shutil.copy(SAMPLE_2020, folder / "a.txt")
        (folder / "b-kapot-bom.txt").write_bytes(BAD_BOM)
        shutil.copy(SAMPLE_2021, folder / "c.txt")
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 3 files failed"):
            call_command("import_minutes", str(folder), stdout=out, stderr=err)
        self.assertIn(f"FAILED b-kapot-bom.txt: {BAD_BOM_REASON}", err.getvalue())
        self.assertIn("2 imported, 0 unchanged, 0 replaced, 1 failed", out.getvalue())
        self.assertEqual(
            sorted(Meeting.objects.values_list("source_name", flat=True)), ["a.txt", "c.txt"]
        )

    def test_parse_minutes_reports_the_broken_file_as_json(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        (folder / "kapot-bom.txt").write_bytes(BAD_BOM)
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 of 1 files could not be parsed"):
            call_command("parse_minutes", str(folder / "kapot-bom.txt"), stdout=out, stderr=err)
        self.assertIn(f'"error": "{BAD_BOM_REASON}"', out.getvalue())


class AdminUploadTests(ImportTestCase):
    def test_the_preview_names_the_broken_file_and_the_confirmation_imports_the_others(self):
        bad = upload_file(SAMPLE_2020, name="kapot-bom.txt", data=BAD_BOM)
        preview_url, preview = self.upload_and_preview(
            upload_file(SAMPLE_2020), bad, upload_file(SAMPLE_2021)
        )
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, "kapot-bom.txt")
        self.assertContains(preview, f"Niet te lezen als verslag: {BAD_BOM_REASON}")
        rows = preview.context["rows"]
        self.assertEqual([r.status for r in rows], ["imported", "failed", "imported"])

        chosen = [sha256(SAMPLE_2020.read_bytes()), sha256(SAMPLE_2021.read_bytes())]
        self.client.post(preview_url, {"files": chosen})
        run = ImportRun.objects.get()
        files = {f.name: (f.status, f.error) for f in run.files.all()}
        self.assertEqual(
            files,
            {
                "sgo-2020-09-09.txt": ("imported", ""),
                "kapot-bom.txt": ("failed", f"Niet te lezen als verslag: {BAD_BOM_REASON}"),
                "sgo-2021-01-19.txt": ("imported", ""),
            },
        )
        self.assertEqual(Meeting.objects.count(), 2)
