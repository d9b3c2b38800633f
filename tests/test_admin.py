"""The admin: every model's pages, the import log, topics, and "Verslagen importeren"."""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from minutes.models import (
    AgendaItem,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    Topic,
)
from minutes.services import SourceFile, import_batch
from tests.archive import EmptyArchiveTestCase
from tests.conftest import FIXTURES, SAMPLES
from tests.test_services import with_withheld_passages

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
BAD_FILE = FIXTURES / "admin" / "geen-verslag.txt"
UPLOAD_URL = reverse("admin:minutes_importrun_import")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload_file(path: Path, name: str | None = None, data: bytes | None = None):
    data = path.read_bytes() if data is None else data
    return SimpleUploadedFile(name or path.name, data, content_type="text/plain")


def make_zip(entries: dict[str, bytes], *, name: str = "verslagen.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def make_user(username: str, *, staff: bool = True, importer: bool = True) -> User:
    user = User.objects.create_user(username, password="geheim-wachtwoord-1", is_staff=staff)
    if importer:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="minutes", codename="import_minutes")
        )
    return user


class StagingDirMixin:
    """Every test stages its uploads in a fresh storage directory of its own."""

    def setUp(self) -> None:
        super().setUp()
        self.media_root = Path(tempfile.mkdtemp(prefix="sgo-test-media-"))
        self.addCleanup(shutil.rmtree, self.media_root, True)
        settings_override = override_settings(MEDIA_ROOT=str(self.media_root))
        settings_override.enable()
        self.addCleanup(settings_override.disable)

    def staged_uploads(self) -> list[str]:
        """Staged runs and stored files: whatever an upload left waiting."""
        runs = [f"run {pk}" for pk in ImportRun.staged.values_list("pk", flat=True)]
        return runs + [str(p) for p in self.media_root.rglob("*") if p.is_file()]


def run_id(preview_url: str) -> int:
    return int(preview_url.rstrip("/").rsplit("/", 1)[-1])


class ImportTestCase(StagingDirMixin, EmptyArchiveTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.importer = make_user("importeur")

    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.importer)

    def upload(self, *files, client: Client | None = None):
        return (client or self.client).post(UPLOAD_URL, {"files": list(files)})

    def upload_and_preview(self, *files):
        response = self.upload(*files)
        form = response.context["form"] if response.context else None
        self.assertEqual(response.status_code, 302, form.errors if form else response)
        preview_url = response.url
        return preview_url, self.client.get(preview_url)


class UploadPreviewConfirmTests(ImportTestCase):
    def test_samples_and_a_bad_file_preview_then_import_two_meetings_and_log_three_files(self):
        response = self.upload(
            upload_file(SAMPLE_2020), upload_file(SAMPLE_2021), upload_file(BAD_FILE)
        )
        self.assertEqual(response.status_code, 302)
        preview_url = response.url
        self.assertTrue(preview_url.startswith(UPLOAD_URL))

        preview = self.client.get(preview_url)
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, "sgo-2020-09-09.txt")
        self.assertContains(preview, "sgo-2021-01-19.txt")
        self.assertContains(preview, "geen-verslag.txt")
        self.assertContains(preview, "Nieuw", count=2)
        self.assertContains(preview, "Mislukt")
        self.assertContains(preview, "geen vergaderdatum gevonden")
        self.assertContains(preview, "19 januari 2021")
        self.assertContains(preview, "5.1.2e")
        self.assertContains(preview, "Aanwezig: AZ")
        self.assertContains(preview, "Presentatie Rijksdienst 2022")  # an agenda title
        # The preview imports nothing: the upload waits as a staged run of this user.
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)
        self.assertEqual(ImportRun.staged.get().user, self.importer)
        rows = preview.context["rows"]
        self.assertEqual([r.status for r in rows], ["imported", "imported", "failed"])
        self.assertEqual(rows[1].parsed.meeting_date.isoformat(), "2021-01-19")
        # Counted as the public pages count: 6 items, 2 of them with sub-items 3a and 3b.
        self.assertEqual((rows[1].item_count, rows[1].subitem_count), (6, 2))
        self.assertContains(preview, "6 agendapunten\n            (8 met subpunten)")
        self.assertEqual(len(rows[1].parsed.decisions), 3)
        # Items and decisions are labelled as everywhere else (AgendaItem.list_label).
        self.assertContains(preview, "<li>1. Opening en mededelingen")
        self.assertContains(preview, "<li>Ingelast stand van zaken regels huisvesting")
        self.assertContains(preview, "<li>Punt Ingelast: De SG&#x27;s bespreken")
        self.assertContains(preview, "<li>Punt 2: Het verslag is vastgesteld.</li>")
        self.assertContains(preview, "<br>15:00–16:30")

        chosen = [sha256(SAMPLE_2020.read_bytes()), sha256(SAMPLE_2021.read_bytes())]
        response = self.client.post(preview_url, {"files": chosen})
        run = ImportRun.objects.get()
        self.assertRedirects(
            response,
            reverse("admin:minutes_importrun_change", args=[run.pk]),
            fetch_redirect_response=False,
        )
        self.assertEqual(Meeting.objects.count(), 2)
        self.assertEqual(run.origin, ImportRun.Origin.UPLOAD)
        self.assertEqual(run.user, self.importer)
        self.assertIsNotNone(run.finished_at)
        files = {f.name: f for f in run.files.all()}
        self.assertEqual(len(files), 3)
        self.assertEqual(files["sgo-2021-01-19.txt"].status, "imported")
        self.assertEqual(
            files["sgo-2021-01-19.txt"].meeting, Meeting.objects.get(date="2021-01-19")
        )
        self.assertEqual(files["sgo-2021-01-19.txt"].sha256, chosen[1])
        self.assertEqual(files["sgo-2021-01-19.txt"].size, SAMPLE_2021.stat().st_size)
        self.assertEqual(files["geen-verslag.txt"].status, "failed")
        self.assertIn("geen vergaderdatum gevonden", files["geen-verslag.txt"].error)
        # The preview's count is the count the public pages show for the meeting.
        meeting_2021 = Meeting.objects.with_counts().get(date="2021-01-19")
        self.assertEqual(meeting_2021.item_count, rows[1].item_count)
        home = self.client.get(reverse("minutes:home"))
        shown = {m.date.isoformat(): m.item_count for m in home.context["latest"]}
        self.assertEqual(shown["2021-01-19"], rows[1].item_count)
        # Same service as the command: topics are tagged on import.
        self.assertTrue(AgendaItem.objects.filter(topics__isnull=False).exists())

        # The result page: the run with its files, readable by the importer.
        result = self.client.get(response.url)
        self.assertEqual(result.status_code, 200)
        self.assertContains(
            result, "Import voltooid: 2 geïmporteerd, 0 ongewijzigd, 0 vervangen, 1 mislukt"
        )
        self.assertContains(result, "geen-verslag.txt")
        # The staged upload is gone, and the preview cannot be confirmed twice.
        self.assertEqual(self.staged_uploads(), [])
        again = self.client.post(preview_url, {"files": chosen})
        self.assertRedirects(again, UPLOAD_URL, fetch_redirect_response=False)
        self.assertEqual(ImportRun.objects.count(), 1)

    def test_a_file_the_model_refuses_is_shown_as_failed_and_the_rest_imported(self):
        refused = with_withheld_passages(SAMPLE_2021, 32768)
        preview_url, preview = self.upload_and_preview(
            upload_file(SAMPLE_2020),
            upload_file(SAMPLE_2021, name="te-veel-weggelakt.txt", data=refused),
            upload_file(SAMPLE_2021, name="na.txt"),
        )
        self.assertEqual(preview.status_code, 200)
        chosen = [row.file.sha256 for row in preview.context["rows"]]
        response = self.client.post(preview_url, {"files": chosen})
        run = ImportRun.objects.get()
        self.assertRedirects(
            response,
            reverse("admin:minutes_importrun_change", args=[run.pk]),
            fetch_redirect_response=False,
        )
        result = self.client.get(response.url)
        self.assertEqual(result.status_code, 200)
        self.assertContains(
            result, "Import voltooid: 2 geïmporteerd, 0 ongewijzigd, 0 vervangen, 1 mislukt"
        )
        self.assertContains(result, "passages buiten verzoek")
        self.assertIsNotNone(run.finished_at)
        self.assertEqual(
            sorted(Meeting.objects.values_list("source_name", flat=True)),
            ["na.txt", "sgo-2020-09-09.txt"],
        )
        self.assertEqual(run.files.get(name="te-veel-weggelakt.txt").status, "failed")

    def test_only_the_ticked_files_are_imported(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2020), upload_file(SAMPLE_2021))
        self.client.post(preview_url, {"files": [sha256(SAMPLE_2021.read_bytes())]})
        self.assertEqual(list(Meeting.objects.values_list("slug", flat=True)), ["2021-01-19"])
        self.assertEqual(ImportFile.objects.get().name, "sgo-2021-01-19.txt")

    def test_confirming_nothing_is_refused(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2020))
        response = self.client.post(preview_url, {})
        self.assertContains(response, "Kies ten minste één bestand", status_code=400)
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_a_zip_of_minutes_is_read_entry_by_entry(self):
        archive = make_zip(
            {
                "2020/": b"",
                "2020/sgo-2020-09-09.txt": SAMPLE_2020.read_bytes(),
                "2021/sgo-2021-01-19.txt": SAMPLE_2021.read_bytes(),
                "2021/toelichting.pdf": b"%PDF-1.4 not parsed",
                "2021/toelichting.docx": b"PK not read",
                "__MACOSX/2021/._sgo-2021-01-19.txt": b"\x00\x05\x16\x07 finder metadata",
            }
        )
        preview_url, preview = self.upload_and_preview(archive)
        rows = preview.context["rows"]
        self.assertEqual(
            [(r.file.name, r.status) for r in rows],
            [
                ("sgo-2020-09-09.txt", "imported"),
                ("sgo-2021-01-19.txt", "imported"),
                ("toelichting.pdf", "failed"),
                ("toelichting.docx", "failed"),
            ],
        )
        self.assertContains(preview, "Geen .txt- of .pdf-bestand")
        # A PDF is read, and this one is broken: named with its reason.
        self.assertContains(preview, "Beschadigde pdf")
        self.client.post(preview_url, {"files": [r.file.sha256 for r in rows[:2]]})
        # Entries keep their own file name, as the command records them.
        self.assertEqual(
            sorted(Meeting.objects.values_list("source_name", flat=True)),
            ["sgo-2020-09-09.txt", "sgo-2021-01-19.txt"],
        )
        self.assertEqual(
            sorted(ImportFile.objects.filter(status="failed").values_list("name", flat=True)),
            ["toelichting.docx", "toelichting.pdf"],
        )

    def test_reuploading_the_same_file_is_reported_unchanged(self):
        import_batch([SourceFile(SAMPLE_2021.name, SAMPLE_2021.read_bytes())])
        preview_url, preview = self.upload_and_preview(upload_file(SAMPLE_2021))
        self.assertEqual([r.status for r in preview.context["rows"]], ["unchanged"])
        self.assertContains(preview, "Ongewijzigd")
        self.assertContains(preview, "al geïmporteerd als")
        self.client.post(preview_url, {"files": [sha256(SAMPLE_2021.read_bytes())]})
        upload_run = ImportRun.objects.get(origin="upload")
        self.assertEqual(upload_run.files.get().status, "unchanged")
        self.assertEqual(Meeting.objects.count(), 1)

    def test_a_changed_version_is_previewed_as_such_and_the_old_text_kept(self):
        import_batch([SourceFile(SAMPLE_2021.name, SAMPLE_2021.read_bytes())])
        old = Meeting.objects.get()
        changed = SAMPLE_2021.read_bytes().replace(b"Contactpersoon", b"Contactpersonen")
        preview_url, preview = self.upload_and_preview(upload_file(SAMPLE_2021, data=changed))
        self.assertEqual([r.status for r in preview.context["rows"]], ["replaced"])
        self.assertContains(preview, "Gewijzigde versie")
        self.client.post(preview_url, {"files": [sha256(changed)]})
        log = ImportFile.objects.get(status="replaced")
        self.assertEqual(log.replaced_sha256, old.sha256)
        self.assertEqual(log.replaced_text, old.original_text)
        self.assertEqual(Meeting.objects.get().sha256, sha256(changed))

        # The earlier version stays readable in the admin, escaped in a <pre>.
        superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
        self.client.force_login(superuser)
        page = self.client.get(reverse("admin:minutes_importfile_change", args=[log.pk]))
        self.assertContains(page, "Het verslag is vastgesteld.")
        self.assertContains(page, old.sha256)
        meeting_page = self.client.get(reverse("admin:minutes_meeting_change", args=[old.pk]))
        self.assertContains(meeting_page, "Importgeschiedenis")
        self.assertContains(meeting_page, old.sha256[:12])

    def test_the_same_content_twice_in_one_upload_is_staged_once(self):
        _, preview = self.upload_and_preview(
            upload_file(SAMPLE_2021), upload_file(SAMPLE_2021, name="kopie.txt")
        )
        rows = preview.context["rows"]
        self.assertEqual([r.status for r in rows], ["imported", "failed"])
        self.assertIn("Zelfde inhoud als sgo-2021-01-19.txt", rows[1].outcome.error)

    def test_binary_content_in_a_txt_file_is_not_parsed_as_minutes(self):
        png = (FIXTURES / "binary.png").read_bytes()
        _, preview = self.upload_and_preview(upload_file(BAD_FILE, name="plaatje.txt", data=png))
        self.assertEqual(preview.context["rows"][0].status, "failed")
        self.assertContains(preview, "geen tekstbestand")

    def test_other_file_types_are_listed_but_not_read(self):
        _, preview = self.upload_and_preview(
            upload_file(SAMPLE_2021),
            SimpleUploadedFile("verslag.html", b"<script>alert(1)</script>"),
        )
        rows = preview.context["rows"]
        self.assertEqual([r.status for r in rows], ["imported", "failed"])
        self.assertContains(preview, "Geen .txt-, .pdf- of .zip-bestand")
        self.assertNotContains(preview, "<script>alert(1)</script>")

    def test_uploaded_text_is_shown_escaped_never_as_html(self):
        hostile = SAMPLE_2021.read_bytes().replace(
            b"1. Opening en mededelingen", b"1. Opening <script>alert('x')</script> <b>vet</b>"
        )
        _, preview = self.upload_and_preview(
            upload_file(SAMPLE_2021, name="<img src=x>.txt", data=hostile)
        )
        self.assertNotContains(preview, "<script>alert('x')</script>")
        self.assertNotContains(preview, "<b>vet</b>")
        self.assertContains(preview, "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;")
        self.assertNotContains(preview, "<img src=x>")


class LimitTests(ImportTestCase):
    def test_an_upload_over_the_size_limit_is_refused_with_a_message(self):
        with override_settings(SGO_IMPORT_MAX_BYTES=5000):
            response = self.upload(upload_file(SAMPLE_2021))  # 5.9 kB
        self.assertContains(response, "De upload is te groot", status_code=413)
        self.assertContains(response, "maximaal 4,9\xa0KB", status_code=413)
        self.assertEqual(self.staged_uploads(), [])
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_a_request_far_over_the_limit_is_refused_before_its_body_is_read(self):
        big = b"x" * (200 * 1024)
        with override_settings(SGO_IMPORT_MAX_BYTES=1024):
            response = self.upload(upload_file(SAMPLE_2021, name="groot.txt", data=big))
        self.assertContains(response, "De upload is te groot", status_code=413)
        self.assertEqual(self.staged_uploads(), [])

    def test_too_many_files_are_refused(self):
        with override_settings(SGO_IMPORT_MAX_FILES=1):
            response = self.upload(upload_file(SAMPLE_2020), upload_file(SAMPLE_2021))
        self.assertContains(response, "Te veel bestanden", status_code=413)
        self.assertEqual(self.staged_uploads(), [])

    def test_zip_entries_count_towards_the_file_limit(self):
        archive = make_zip({"a.txt": b"a", "b.txt": b"b", "c.txt": b"c"})
        with override_settings(SGO_IMPORT_MAX_FILES=2):
            response = self.upload(archive)
        self.assertContains(response, "bevat 3 bestanden; maximaal 2", status_code=413)
        self.assertEqual(self.staged_uploads(), [])

    def test_a_zip_with_parent_directory_entries_is_refused(self):
        archive = make_zip(
            {"sgo-2021-01-19.txt": SAMPLE_2021.read_bytes(), "../../etc/cron.d/x.txt": b"x"}
        )
        response = self.upload(archive)
        self.assertContains(response, "verslagen.zip is geweigerd", status_code=400)
        self.assertContains(response, "buiten het archief", status_code=400)
        self.assertEqual(self.staged_uploads(), [])
        self.assertEqual(Meeting.objects.count(), 0)

    def test_a_zip_with_absolute_paths_is_refused(self):
        response = self.upload(make_zip({"/tmp/x.txt": b"x"}))
        self.assertContains(response, "absoluut pad", status_code=400)

    def test_a_zip_with_a_symbolic_link_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            info = zipfile.ZipInfo("link.txt")
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
        response = self.upload(SimpleUploadedFile("links.zip", buffer.getvalue()))
        self.assertContains(response, "symbolische koppeling", status_code=400)

    def test_a_nested_archive_is_refused(self):
        inner = make_zip({"a.txt": b"a"}).read()
        response = self.upload(make_zip({"binnen.zip": inner}))
        self.assertContains(response, "archieven in archieven", status_code=400)
        disguised = self.upload(make_zip({"vermomd.txt": inner}))
        self.assertContains(disguised, "bevat een ander archief", status_code=400)
        self.assertEqual(self.staged_uploads(), [])

    def test_a_zip_bomb_is_refused(self):
        bomb = make_zip({"bom.txt": b" " * (2 * 1024 * 1024)})
        self.assertLess(bomb.size, 10 * 1024)
        with override_settings(SGO_IMPORT_MAX_UNCOMPRESSED_BYTES=1024 * 1024):
            response = self.upload(bomb)
        self.assertContains(response, "uitgepakt te groot", status_code=413)
        self.assertEqual(self.staged_uploads(), [])

    def test_a_broken_zip_is_refused(self):
        response = self.upload(SimpleUploadedFile("kapot.zip", b"PK\x03\x04 dit is geen zip"))
        self.assertContains(response, "kapot.zip is geen geldig zip-bestand", status_code=400)


class TamperingTests(ImportTestCase):
    def test_a_sha256_that_was_not_previewed_is_refused(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021))
        response = self.client.post(preview_url, {"files": [sha256(SAMPLE_2020.read_bytes())]})
        self.assertContains(response, "De keuze hoort niet bij deze voorvertoning", status_code=400)
        self.assertEqual(ImportRun.objects.count(), 0)
        self.assertEqual(Meeting.objects.count(), 0)

    def test_staged_bytes_changed_after_the_preview_are_refused(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021))
        staged = ImportFile.staged.get(run_id=run_id(preview_url))
        Path(staged.data.path).write_bytes(SAMPLE_2020.read_bytes())
        response = self.client.post(
            preview_url, {"files": [sha256(SAMPLE_2021.read_bytes())]}, follow=True
        )
        self.assertRedirects(response, UPLOAD_URL)
        self.assertContains(response, "veranderd sinds de voorvertoning")
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_another_users_preview_cannot_be_used(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021))
        other = Client()
        other.force_login(make_user("collega"))
        response = other.post(preview_url, {"files": [sha256(SAMPLE_2021.read_bytes())]})
        self.assertRedirects(response, UPLOAD_URL, fetch_redirect_response=False)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(other.get(preview_url).status_code, 302)

    def test_a_made_up_token_is_refused(self):
        self.upload_and_preview(upload_file(SAMPLE_2021))
        unknown = ImportRun.staged.get().pk + 1
        # Digits Python's isdigit() accepts but int() does not, and more than a bigint.
        for token in ["x" * 43, "..", "abc", str(unknown), "-1", "²", "٣", "9" * 25]:
            response = self.client.get(f"{UPLOAD_URL}{token}/")
            self.assertRedirects(response, UPLOAD_URL, fetch_redirect_response=False)

    def test_an_expired_preview_is_refused(self):
        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021))
        ImportRun.staged.update(staged_at=F("staged_at") - timedelta(hours=3))
        response = self.client.get(preview_url, follow=True)
        self.assertContains(response, "verlopen")
        self.assertEqual(self.staged_uploads(), [])

    def test_csrf_is_checked_on_upload_and_on_confirm(self):
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.importer)
        response = strict.post(UPLOAD_URL, {"files": [upload_file(SAMPLE_2021)]})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.staged_uploads(), [])

        preview_url, _ = self.upload_and_preview(upload_file(SAMPLE_2021))
        strict.cookies = self.client.cookies
        response = strict.post(preview_url, {"files": [sha256(SAMPLE_2021.read_bytes())]})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Meeting.objects.count(), 0)


class AccessTests(StagingDirMixin, EmptyArchiveTestCase):
    def test_anonymous_and_non_staff_users_are_sent_to_the_login_page(self):
        self.client.force_login(make_user("lezer", staff=False, importer=True))
        for response in (
            self.client.get(UPLOAD_URL),
            self.client.post(UPLOAD_URL, {"files": [upload_file(SAMPLE_2021)]}),
            Client().get(UPLOAD_URL),
        ):
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("admin:login"), response.url)
        self.assertEqual(self.staged_uploads(), [])

    def test_staff_without_the_import_permission_get_403(self):
        self.client.force_login(make_user("medewerker", importer=False))
        self.assertEqual(self.client.get(UPLOAD_URL).status_code, 403)
        response = self.client.post(UPLOAD_URL, {"files": [upload_file(SAMPLE_2021)]})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.get(f"{UPLOAD_URL}{'a' * 43}/").status_code, 403)
        self.assertEqual(self.staged_uploads(), [])
        # Nor do they see the link.
        changelist = self.client.get(reverse("admin:minutes_importrun_changelist"))
        self.assertNotContains(changelist, "Verslagen importeren", status_code=403)

    def test_importers_see_the_link_and_the_form(self):
        self.client.force_login(make_user("importeur"))
        changelist = self.client.get(reverse("admin:minutes_importrun_changelist"))
        self.assertContains(changelist, f'href="{UPLOAD_URL}"')
        form = self.client.get(UPLOAD_URL)
        self.assertContains(form, 'enctype="multipart/form-data"')
        self.assertContains(form, "csrfmiddlewaretoken")
        self.assertContains(form, 'aria-describedby="id_files_helptext"')
        self.assertContains(form, "Maximaal 100 bestanden en 20,0\xa0MB per upload")

    def test_the_import_log_cannot_be_edited_or_deleted(self):
        import_batch([SourceFile(SAMPLE_2021.name, SAMPLE_2021.read_bytes())])
        run = ImportRun.objects.get()
        self.client.force_login(
            User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
        )
        change_url = reverse("admin:minutes_importrun_change", args=[run.pk])
        self.assertNotContains(self.client.get(change_url), 'name="_save"')
        self.assertEqual(self.client.post(change_url, {"origin": "upload"}).status_code, 403)
        delete_url = reverse("admin:minutes_importrun_delete", args=[run.pk])
        self.assertEqual(self.client.post(delete_url, {"post": "yes"}).status_code, 403)
        self.assertEqual(ImportRun.objects.count(), 1)


class AdminPagesTests(TestCase):
    """Every model's list and detail page renders for a superuser."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")

    def setUp(self) -> None:
        self.client.force_login(self.superuser)

    def test_site_header(self):
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, "SGO-archief beheer")

    def test_every_model_has_a_list_and_a_change_page(self):
        for model in (
            Meeting,
            AgendaItem,
            Decision,
            Ministry,
            MinistryAlias,
            MinistryMention,
            Topic,
            ImportRun,
            ImportFile,
        ):
            opts = model._meta
            with self.subTest(model=opts.model_name):
                changelist = self.client.get(reverse(f"admin:minutes_{opts.model_name}_changelist"))
                self.assertEqual(changelist.status_code, 200)
                obj = model.objects.first()
                change = self.client.get(
                    reverse(f"admin:minutes_{opts.model_name}_change", args=[obj.pk])
                )
                self.assertEqual(change.status_code, 200)

    def test_a_meeting_shows_its_agenda_decisions_and_original_text(self):
        meeting = Meeting.objects.get(date="2021-01-19")
        response = self.client.get(reverse("admin:minutes_meeting_change", args=[meeting.pk]))
        self.assertContains(response, "Opening en mededelingen")
        self.assertContains(response, "verslag vastgesteld")  # a decision, with its kind
        self.assertContains(response, "Tekst zoals ingelezen")
        self.assertContains(response, "Onze referentie")
        self.assertContains(response, "5.1.2e")

    def test_meeting_list_filters(self):
        url = reverse("admin:minutes_meeting_changelist")

        def slugs(**params) -> list[str]:
            response = self.client.get(url, params)
            self.assertEqual(response.status_code, 200)
            return [m.slug for m in response.context["cl"].result_list]

        self.assertEqual(slugs(jaar="2020"), ["2020-09-09"])
        self.assertEqual(slugs(besluiten="ja"), ["2021-01-19", "2020-09-09"])
        self.assertEqual(slugs(besluiten="nee"), [])
        speaker = MinistryMention.objects.filter(role="speaker", meeting__date="2021-01-19").first()
        # Issue 16: by slug, two ministries may share an abbreviation.
        self.assertIn("2021-01-19", slugs(ministerie=speaker.ministry.slug))
        self.assertEqual(slugs(q="4182454"), ["2021-01-19"])
        # The Dutch text search: "thuiswerk" finds "thuiswerken".
        self.assertEqual(slugs(q="thuiswerk"), ["2021-01-19", "2020-09-09"])
        self.assertEqual(slugs(q="diplomatieke reizen"), ["2020-09-09"])

    def test_ministry_page_edits_its_aliases_inline(self):
        ministry = Ministry.objects.get(abbreviation="JenV")
        response = self.client.get(reverse("admin:minutes_ministry_change", args=[ministry.pk]))
        self.assertContains(response, "aliases-TOTAL_FORMS")
        self.assertContains(response, "J&amp;V")

    def test_agenda_item_page_edits_its_decisions_inline(self):
        item = Decision.objects.first().agenda_item
        response = self.client.get(reverse("admin:minutes_agendaitem_change", args=[item.pk]))
        self.assertContains(response, "decisions-TOTAL_FORMS")

    def test_meetings_cannot_be_added_by_hand(self):
        response = self.client.get(reverse("admin:minutes_meeting_add"))
        self.assertEqual(response.status_code, 403)
        changelist = self.client.get(reverse("admin:minutes_meeting_changelist"))
        self.assertContains(changelist, "Verslagen importeren")


class TopicAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")

    def setUp(self) -> None:
        self.client.force_login(self.superuser)

    def post_topic(self, topic: Topic, keywords: str):
        url = reverse("admin:minutes_topic_change", args=[topic.pk])
        return self.client.post(
            url,
            {
                "name": topic.name,
                "slug": topic.slug,
                "description": topic.description,
                "keywords": keywords,
            },
        )

    def test_editing_keywords_retags_that_topic(self):
        topic = Topic.objects.get(slug="huisvesting")
        rondvraag_2020 = AgendaItem.objects.get(meeting__date="2020-09-09", number="4")
        self.assertNotIn(topic, rondvraag_2020.topics.all())

        response = self.post_topic(
            topic, "huisvesting\ndiplomatieke reizen, inreisverbod\n\nHuisvesting"
        )
        self.assertEqual(response.status_code, 302)
        topic.refresh_from_db()
        self.assertEqual(topic.keywords, ["huisvesting", "diplomatieke reizen", "inreisverbod"])
        self.assertIn(topic, rondvraag_2020.topics.all())
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertTrue(any("opnieuw toegekend" in m for m in messages), messages)

        # Dropping the keyword drops the tag.
        self.post_topic(topic, "huisvesting")
        self.assertNotIn(topic, rondvraag_2020.topics.all())

    def test_a_new_topic_is_tagged_on_save_with_dutch_stemming(self):
        response = self.client.post(
            reverse("admin:minutes_topic_add"),
            {"name": "Thuiswerk", "slug": "thuiswerk", "description": "", "keywords": "thuiswerk"},
        )
        self.assertEqual(response.status_code, 302)
        topic = Topic.objects.get(slug="thuiswerk")
        # "thuiswerk" matches items that say "thuiswerken".
        self.assertEqual(
            sorted(topic.agenda_items.values_list("meeting__slug", flat=True)),
            ["2020-09-09", "2021-01-19"],
        )

    def test_topics_can_be_searched_by_keyword(self):
        response = self.client.get(
            reverse("admin:minutes_topic_changelist"), {"q": "bezettingscijfers"}
        )
        self.assertEqual([t.slug for t in response.context["cl"].result_list], ["huisvesting"])

    def test_retag_action(self):
        AgendaItem.topics.through.objects.all().delete()
        response = self.client.post(
            reverse("admin:minutes_topic_changelist"),
            {
                "action": "retag_selected",
                "_selected_action": list(Topic.objects.values_list("pk", flat=True)),
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(AgendaItem.topics.through.objects.exists())


class RetagTopicsCommandTests(TestCase):
    def test_retags_everything_with_a_one_line_summary(self):
        through = AgendaItem.topics.through
        expected = set(through.objects.values_list("agendaitem_id", "topic_id"))
        self.assertTrue(expected)
        through.objects.all().delete()
        Topic.objects.create(name="Diplomatie", slug="diplomatie", keywords=["diplomatieke reizen"])
        out = StringIO()
        call_command("retag_topics", stdout=out)
        lines = out.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertRegex(
            lines[0], r"^Re-tagged \d+ agenda items: \d+ links to \d+ topics \(\d+ topics in "
        )
        tagged = set(through.objects.values_list("agendaitem_id", "topic_id"))
        self.assertTrue(expected < tagged)
        self.assertTrue(Topic.objects.get(slug="diplomatie").agenda_items.exists())

    def test_one_topic_and_unknown_topics(self):
        call_command("retag_topics", "--topic", "huisvesting", stdout=StringIO(), verbosity=0)
        with self.assertRaisesMessage(CommandError, "Unknown topic: bestaat-niet"):
            call_command("retag_topics", "--topic", "bestaat-niet", stdout=StringIO())


class ImportersGroupTests(TestCase):
    """The group "Importeurs" (migration 0021): the import permission and nothing else,
    given to someone as the README says, in the admin's user form."""

    def test_the_group_holds_just_the_import_permission(self):
        group = Group.objects.get(name="Importeurs")
        self.assertEqual(
            [(p.content_type.app_label, p.codename) for p in group.permissions.all()],
            [("minutes", "import_minutes")],
        )

    def test_a_staff_member_put_in_the_group_in_the_admin_can_import_and_nothing_more(self):
        admin_user = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
        member = make_user("medewerker", importer=False)
        self.client.force_login(admin_user)
        response = self.client.post(
            reverse("admin:auth_user_change", args=[member.pk]),
            {
                "username": member.username,
                "is_active": "on",
                "is_staff": "on",
                "groups": [Group.objects.get(name="Importeurs").pk],
                "date_joined_0": "2026-12-07",
                "date_joined_1": "12:00:00",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        member = User.objects.get(pk=member.pk)
        self.assertTrue(member.has_perm("minutes.import_minutes"))
        self.assertEqual(member.get_all_permissions(), {"minutes.import_minutes"})

        self.client.force_login(member)
        self.assertEqual(self.client.get(UPLOAD_URL).status_code, 200)
        self.assertEqual(
            self.client.get(reverse("admin:minutes_importrun_changelist")).status_code, 200
        )
        meeting = Meeting.objects.first()
        self.assertEqual(
            self.client.get(reverse("admin:minutes_meeting_change", args=[meeting.pk])).status_code,
            403,
        )
        self.assertEqual(self.client.get(reverse("admin:auth_user_changelist")).status_code, 403)
