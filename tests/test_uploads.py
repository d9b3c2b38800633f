"""Staging uploads in the import log's rows, zip safety, and confirming what was previewed."""

from __future__ import annotations

import io
import shutil
import stat
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import TestCase, override_settings

from minutes import parsing, uploads
from minutes.models import ImportFile, ImportRun, Meeting
from minutes.uploads import (
    ImportLimits,
    SelectionInvalid,
    StagingUnavailable,
    StagingWriter,
    UploadRefused,
    stage_zip,
)
from tests.archive import EmptyArchiveTestCase
from tests.conftest import FIXTURES, SAMPLES

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
BAD_FILE = FIXTURES / "admin" / "geen-verslag.txt"


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/plain")


class StorageTestCase(EmptyArchiveTestCase):
    """Staged bytes go to a fresh MEDIA_ROOT of the test's own."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.user = User.objects.create_user("importeur", password="geheim-wachtwoord-1")

    def setUp(self) -> None:
        super().setUp()
        self.media_root = Path(tempfile.mkdtemp(prefix="sgo-test-media-"))
        self.addCleanup(shutil.rmtree, self.media_root, True)
        override = override_settings(MEDIA_ROOT=str(self.media_root))
        override.enable()
        self.addCleanup(override.disable)

    def stored(self) -> list[Path]:
        return sorted(p for p in self.media_root.rglob("*") if p.is_file())

    def stage(self, *files: SimpleUploadedFile) -> ImportRun:
        return uploads.stage_upload(files, user=self.user, limits=ImportLimits.from_settings())


class StagingTests(StorageTestCase):
    def test_an_upload_is_staged_as_a_run_of_its_user_with_the_previews_outcome(self):
        run = self.stage(upload(SAMPLE_2021), upload(BAD_FILE))
        self.assertEqual((run.status, run.user, run.origin), ("staged", self.user, "upload"))
        self.assertFalse(ImportRun.objects.exists())  # not in the log until confirmed
        good, bad = uploads.staged_files(run)
        self.assertEqual((good.name, good.status), ("sgo-2021-01-19.txt", "imported"))
        self.assertEqual(good.size, SAMPLE_2021.stat().st_size)
        self.assertEqual(good.preview["meeting_date"], "2021-01-19")
        self.assertEqual(len(good.preview["agenda_items"]), 6)
        self.assertEqual(bad.status, "failed")
        self.assertTrue(
            bad.error.startswith("Niet te lezen als verslag: geen vergaderdatum gevonden")
        )
        # The bytes are stored under the run and a number, never under the uploaded name.
        self.assertEqual(
            [p.relative_to(self.media_root).as_posix() for p in self.stored()],
            [f"import-staging/{run.pk}-0.txt", f"import-staging/{run.pk}-1.txt"],
        )
        self.assertEqual(Path(good.data.path).read_bytes(), SAMPLE_2021.read_bytes())

    def test_staged_bytes_are_readable_by_the_server_user_alone(self):
        run = self.stage(upload(SAMPLE_2021))
        (stored,) = self.stored()
        self.assertEqual(stored.name, f"{run.pk}-0.txt")
        self.assertEqual(stat.S_IMODE(stored.stat().st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(stored.parent.stat().st_mode), 0o700)

    def test_a_refused_upload_leaves_nothing_behind(self):
        bomb = io.BytesIO()
        with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bom.txt", b" " * (2 * 1024 * 1024))
        files = [upload(SAMPLE_2021), SimpleUploadedFile("bom.zip", bomb.getvalue())]
        with (
            override_settings(SGO_IMPORT_MAX_UNCOMPRESSED_BYTES=1024 * 1024),
            self.assertRaisesMessage(UploadRefused, "uitgepakt te groot"),
        ):
            self.stage(*files)
        self.assertFalse(ImportRun.staged.exists())
        self.assertFalse(ImportFile._base_manager.exists())
        self.assertEqual(self.stored(), [])

    def test_previews_older_than_the_setting_are_purged_when_the_next_is_staged(self):
        old = self.stage(upload(SAMPLE_2020))
        ImportRun.staged.filter(pk=old.pk).update(staged_at=F("staged_at") - timedelta(hours=1))
        with override_settings(SGO_IMPORT_STAGING_SECONDS=30 * 60):
            new = self.stage(upload(SAMPLE_2021))
        self.assertEqual(list(ImportRun.staged.values_list("pk", flat=True)), [new.pk])
        self.assertEqual([p.name for p in self.stored()], [f"{new.pk}-0.txt"])

    def test_only_the_owner_can_load_a_staged_upload(self):
        run = self.stage(upload(SAMPLE_2021))
        self.assertEqual(uploads.load_staged(str(run.pk), user=self.user), run)
        other = User.objects.create_user("collega")
        with self.assertRaisesMessage(StagingUnavailable, "bestaat niet (meer)"):
            uploads.load_staged(str(run.pk), user=other)


class ConfirmTests(StorageTestCase):
    def test_confirm_parses_each_chosen_file_once_and_never_rereads_failures(self):
        run = self.stage(upload(SAMPLE_2020), upload(SAMPLE_2021), upload(BAD_FILE))
        files = uploads.staged_files(run)
        # The failed file's bytes are not needed any more: its reason comes from the preview.
        Path(files[2].data.path).unlink()
        with mock.patch.object(parsing, "parse_minutes", wraps=parsing.parse_minutes) as parse:
            result = uploads.confirm(run, chosen=[files[0].sha256, files[1].sha256])
        self.assertEqual(parse.call_count, 2)
        self.assertEqual(result.summary(), "2 imported, 0 unchanged, 0 replaced, 1 failed")
        run.refresh_from_db()
        self.assertEqual(run.status, ImportRun.Status.FINISHED)
        self.assertEqual(
            list(run.files.values_list("name", "status")),
            [
                ("sgo-2020-09-09.txt", "imported"),
                ("sgo-2021-01-19.txt", "imported"),
                ("geen-verslag.txt", "failed"),
            ],
        )
        self.assertEqual(run.files.get(status="failed").size, BAD_FILE.stat().st_size)
        self.assertEqual(self.stored(), [])

    def test_a_run_is_confirmed_once(self):
        run = self.stage(upload(SAMPLE_2021))
        chosen = [uploads.staged_files(run)[0].sha256]
        uploads.confirm(run, chosen=chosen)
        with self.assertRaises(StagingUnavailable):
            uploads.confirm(run, chosen=chosen)
        self.assertEqual(Meeting.objects.count(), 1)
        self.assertEqual(ImportRun.objects.get().files.count(), 1)

    def test_a_choice_outside_the_preview_imports_nothing(self):
        run = self.stage(upload(SAMPLE_2021))
        with self.assertRaisesMessage(SelectionInvalid, "hoort niet bij deze voorvertoning"):
            uploads.confirm(run, chosen=["0" * 64])
        self.assertEqual(ImportRun.staged.get(), run)
        self.assertEqual(Meeting.objects.count(), 0)


class ZipReadingTests(TestCase):
    """The zip reader on its own: sizes are counted while reading, not trusted."""

    def writer(self, **limits: int) -> StagingWriter:
        values = {"max_files": 10, "max_bytes": 10**6, "max_uncompressed_bytes": 10**6, **limits}
        user = User.objects.create_user("importeur")
        run = ImportRun.staged.create(
            origin="upload", user=user, status="staged", started_at="2021-01-19T12:00Z"
        )
        return StagingWriter(run, limits=ImportLimits(**values), aliases={})

    def test_the_unpacked_size_is_counted_while_reading(self):
        writer = self.writer(max_uncompressed_bytes=1000)
        with self.assertRaisesMessage(UploadRefused, "uitgepakt te groot"):
            writer.add("a.txt", iter([b"x" * 600, b"x" * 600]))

    def test_headers_that_understate_the_size_do_not_get_past_the_reader(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("bom.txt", b" " * 100_000)
        data = bytearray(buffer.getvalue())
        # Rewrite the declared uncompressed size (local header and central directory) to 10.
        real = (100_000).to_bytes(4, "little")
        data = bytes(data).replace(real, (10).to_bytes(4, "little"))
        writer = self.writer(max_uncompressed_bytes=1000)
        with self.assertRaises(UploadRefused):
            stage_zip("bom.zip", io.BytesIO(data), writer)
        self.assertLessEqual(writer.unpacked, 1000 + 64 * 1024)
