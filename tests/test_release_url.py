"""The Woo release a meeting's text came from: given on import (command or upload), kept
by a replacement that names none, edited in the admin, cited on the meeting's page."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse

from minutes.models import ImportRun, Meeting
from tests.archive import EmptyArchiveTestCase
from tests.conftest import SAMPLES
from tests.test_admin import UPLOAD_URL, ImportTestCase, make_user, sha256, upload_file

SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
RELEASE = "https://open.overheid.nl/documenten/woo-besluit-sgo-2021"
OTHER_RELEASE = "https://open.overheid.nl/documenten/woo-besluit-sgo-2021-herzien"
REFUSAL = "Geef het webadres van het Woo-besluit, beginnend met http:// of https://."
# Not web addresses a page may link: each is refused with the one Dutch message.
BAD_ADDRESSES = (
    "javascript:alert(1)",
    "ftp://open.overheid.nl/besluit.pdf",
    "data:text/html,<script>alert(1)</script>",
    "open.overheid.nl/besluit",
    "https://",
)


def changed(path=SAMPLE_2021) -> bytes:
    """A new version of the sample: one word changed, the same meeting."""
    return path.read_bytes().replace(b"Contactpersoon", b"Contactpersonen")


class CommandTests(EmptyArchiveTestCase):
    def import_minutes(self, *args: str) -> str:
        out = StringIO()
        call_command("import_minutes", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_the_flag_gives_every_meeting_of_the_run_and_the_run_the_address(self):
        self.import_minutes(str(SAMPLES), "--release-url", RELEASE)
        self.assertEqual(
            sorted(Meeting.objects.values_list("slug", "release_url")),
            [("2020-09-09", RELEASE), ("2021-01-19", RELEASE)],
        )
        self.assertEqual(ImportRun.objects.get().release_url, RELEASE)

    def test_without_the_flag_a_meeting_has_none(self):
        self.import_minutes(str(SAMPLE_2021))
        self.assertEqual(Meeting.objects.get().release_url, "")
        self.assertEqual(ImportRun.objects.get().release_url, "")

    def test_a_replacement_keeps_the_address_unless_it_names_a_new_one(self):
        self.import_minutes(str(SAMPLE_2021), "--release-url", RELEASE)
        folder = Path(self.enterContext(tempfile.TemporaryDirectory(prefix="sgo-release-")))
        newer = folder / SAMPLE_2021.name
        newer.write_bytes(changed())
        self.assertIn("1 replaced", self.import_minutes(str(newer)))
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.sha256, meeting.release_url), (sha256(changed()), RELEASE))

        newest = changed().replace(b"Contactpersonen", b"Contactpersoon (nieuw)")
        newer.write_bytes(newest)
        self.assertIn("1 replaced", self.import_minutes(str(newer), "--release-url", OTHER_RELEASE))
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.sha256, meeting.release_url), (sha256(newest), OTHER_RELEASE))

    def test_an_address_that_is_not_http_or_https_is_refused_before_anything_is_read(self):
        for address in BAD_ADDRESSES:
            with (
                self.subTest(address=address),
                self.assertRaisesMessage(CommandError, REFUSAL),
            ):
                self.import_minutes(str(SAMPLE_2021), "--release-url", address)
        self.assertFalse(Meeting.objects.exists())
        self.assertFalse(ImportRun.objects.exists())


class UploadTests(ImportTestCase):
    def upload_with(self, address: str, *files):
        return self.client.post(UPLOAD_URL, {"files": list(files), "release_url": address})

    def test_the_upload_form_offers_the_field(self):
        page = self.client.get(UPLOAD_URL)
        self.assertContains(page, "Woo-besluit (URL)")
        self.assertContains(page, 'type="url" name="release_url"')

    def test_an_upload_with_an_address_gives_it_to_the_meetings_it_imports(self):
        response = self.upload_with(RELEASE, upload_file(SAMPLE_2021), upload_file(SAMPLE_2020))
        self.assertEqual(response.status_code, 302)
        preview = self.client.get(response.url)
        self.assertContains(preview, f'href="{RELEASE}"')
        chosen = [sha256(SAMPLE_2021.read_bytes()), sha256(SAMPLE_2020.read_bytes())]
        self.client.post(response.url, {"files": chosen})
        self.assertEqual(
            sorted(Meeting.objects.values_list("slug", "release_url")),
            [("2020-09-09", RELEASE), ("2021-01-19", RELEASE)],
        )
        self.assertEqual(ImportRun.objects.get().release_url, RELEASE)

    def test_an_upload_without_an_address_keeps_a_replaced_meetings_own(self):
        self.upload_and_confirm(RELEASE, SAMPLE_2021.read_bytes())
        self.upload_and_confirm("", changed())
        meeting = Meeting.objects.get()
        self.assertEqual((meeting.sha256, meeting.release_url), (sha256(changed()), RELEASE))

    def test_an_upload_with_a_new_address_replaces_it(self):
        self.upload_and_confirm(RELEASE, SAMPLE_2021.read_bytes())
        self.upload_and_confirm(OTHER_RELEASE, changed())
        self.assertEqual(Meeting.objects.get().release_url, OTHER_RELEASE)

    def upload_and_confirm(self, address: str, data: bytes) -> None:
        response = self.upload_with(address, upload_file(SAMPLE_2021, data=data))
        self.assertEqual(response.status_code, 302)
        confirmed = self.client.post(response.url, {"files": [sha256(data)]})
        self.assertEqual(confirmed.status_code, 302)

    def test_an_address_that_is_not_http_or_https_is_refused_and_nothing_staged(self):
        for address in BAD_ADDRESSES:
            with self.subTest(address=address):
                response = self.upload_with(address, upload_file(SAMPLE_2021))
                self.assertContains(response, REFUSAL, status_code=400)
        self.assertEqual(self.staged_uploads(), [])


def change_form_data(response) -> dict[str, Any]:
    """What the admin's change page would post back unchanged: its form and inlines."""
    data: dict[str, Any] = {}

    def add(form) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


class AdminEditTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.superuser = make_user("beheer", importer=False)
        cls.superuser.is_superuser = True
        cls.superuser.save()
        cls.meeting = Meeting.objects.get(slug="2021-01-19")
        cls.url = reverse("admin:minutes_meeting_change", args=[cls.meeting.pk])

    def setUp(self) -> None:
        self.client.force_login(self.superuser)

    def post(self, address: str):
        page = self.client.get(self.url)
        self.assertContains(page, "Woo-besluit (URL)")
        return self.client.post(self.url, {**change_form_data(page), "release_url": address})

    def test_the_address_is_edited_on_the_meeting(self):
        response = self.post(RELEASE)
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).release_url, RELEASE)
        # The edit is a change of the archive: the public page shows it at once.
        self.assertContains(self.client.get(self.meeting.get_absolute_url()), f'href="{RELEASE}"')

        self.assertEqual(self.post("").status_code, 302)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).release_url, "")

    def test_an_address_that_is_not_http_or_https_is_refused(self):
        for address in BAD_ADDRESSES:
            with self.subTest(address=address):
                response = self.post(address)
                self.assertContains(response, REFUSAL)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).release_url, "")

    def test_the_import_run_shows_its_address(self):
        run = ImportRun.objects.first()
        ImportRun.objects.filter(pk=run.pk).update(release_url=RELEASE)
        page = self.client.get(reverse("admin:minutes_importrun_change", args=[run.pk]))
        self.assertContains(page, RELEASE)


class MeetingPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        Meeting.objects.filter(slug="2021-01-19").update(release_url=RELEASE)

    def test_the_citation_and_the_provenance_link_the_release(self):
        page = self.client.get("/vergaderingen/2021-01-19/")
        html = page.content.decode()
        citation = html[html.index('class="sgo-cite__text"') : html.index("</blockquote>")]
        self.assertIn("Openbaar gemaakt in:", citation)
        self.assertIn(f'href="{RELEASE}">{RELEASE}</a>', citation)
        provenance = html[html.index('id="herkomst"') :]
        provenance = provenance[: provenance.index("</dl>")]
        self.assertIn("<dt>Openbaar gemaakt in</dt>", provenance)
        self.assertIn(f'href="{RELEASE}"', provenance)

    def test_a_meeting_without_an_address_names_no_release(self):
        page = self.client.get("/vergaderingen/2020-09-09/")
        self.assertNotContains(page, "Openbaar gemaakt in")
        self.assertNotContains(page, RELEASE)

    def test_the_json_export_gives_the_address(self):
        response = self.client.get("/vergaderingen/export.json")
        data = {m["date"]: m for m in json.loads(b"".join(response.streaming_content))}
        self.assertEqual(data["2021-01-19"]["release_url"], RELEASE)
        self.assertIsNone(data["2020-09-09"]["release_url"])
