"""The admin speaks Dutch: its labels, help texts, filters and headings, and its times
in the local time of TIME_ZONE."""

from __future__ import annotations

import contextlib
import importlib
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from django.contrib import admin
from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import NoReverseMatch, reverse

from minutes.models import ImportRun, Meeting
from minutes.parsing import ParseWarning
from tests.test_admin import SAMPLE_2021, ImportTestCase, sha256, upload_file

# Words that are English and not Dutch, as whole words: what slipped through before
# ("Search", "Model name", "Agenda item", "Empty for the Aanwezig list", "Op parent").
ENGLISH = re.compile(
    r"\b(the|for|with|and|by|as|an|search|name|link|empty|list|written|cited|words|"
    r"meeting|ministry|parent|topics|run|item|contribution|pages|without|date|user|"
    r"add|change|view|model|filter by|separated|matched)\b",
    re.IGNORECASE,
)
# The admin's own words, as opposed to the archive's data shown in it.
INTERFACE_TAGS = {"label", "caption", "h1", "h2", "h3", "legend", "button"}
INTERFACE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")


class InterfaceText(HTMLParser):
    """The text of a page's labels, headings, column headers, help texts and the
    filter side bar, and its alt, title and aria-label attributes; not the data."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        interface = (
            tag in INTERFACE_TAGS
            or (tag == "th" and found.get("scope") == "col")
            or "help" in classes
            or found.get("id") == "changelist-filter"
        )
        self.texts += [found[name] or "" for name in INTERFACE_ATTRIBUTES if found.get(name)]
        if tag == "input" and found.get("type") == "submit":
            self.texts.append(found.get("value") or "")
        if tag not in {"input", "img", "br", "hr", "meta", "link", "col"}:
            self.stack.append(interface or any(self.stack[-1:]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in {"input", "img", "br", "hr", "meta", "link", "col"} and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] and data.strip():
            self.texts.append(data.strip())


def english_in(html: str) -> list[str]:
    parser = InterfaceText()
    parser.feed(html)
    return [text for text in parser.texts if ENGLISH.search(text)]


class AdminInDutchTests(TestCase):
    """Every page of the archive's models, as a superuser sees it, on the samples."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")

    def setUp(self) -> None:
        self.client.force_login(self.superuser)

    def admin_pages(self) -> list[str]:
        urls = [reverse("admin:index"), reverse("admin:app_list", args=["minutes"])]
        urls.append(reverse("admin:minutes_importrun_import"))
        for model in admin.site._registry:
            opts = model._meta
            if opts.app_label != "minutes":
                continue
            prefix = f"admin:{opts.app_label}_{opts.model_name}"
            urls.append(reverse(f"{prefix}_changelist"))
            obj = model.objects.order_by("pk").first()
            if obj is not None:
                urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
            with contextlib.suppress(NoReverseMatch):  # no add view
                urls.append(reverse(f"{prefix}_add"))
        return urls

    def test_the_detector_finds_what_slipped_through_before(self):
        # The words this file looks for, in the places it looks.
        self.assertEqual(
            english_in(
                '<th scope="col">Model name</th><div class="help">Empty for the Aanwezig list.'
                '</div><td>the data</td><img alt="Search"><label>Agenda item:</label>'
            ),
            ["Model name", "Empty for the Aanwezig list.", "Search", "Agenda item:"],
        )

    def test_no_page_shows_english_labels_help_texts_or_filters(self):
        pages = self.admin_pages()
        self.assertGreater(len(pages), 20)
        for url in pages:
            with self.subTest(url=url):
                response = self.client.get(url)
                if response.status_code == 403:  # no adding meetings or import log rows
                    continue
                self.assertEqual(response.status_code, 200)
                self.assertEqual(english_in(response.content.decode()), [])

    def test_every_search_box_says_in_dutch_what_it_searches(self):
        searchable = [
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if model._meta.app_label == "minutes" and model_admin.search_fields
        ]
        self.assertGreater(len(searchable), 5)
        for model, model_admin in searchable:
            with self.subTest(model=model._meta.model_name):
                self.assertTrue(str(model_admin.search_help_text).startswith("Zoekt in "))
                page = self.client.get(
                    reverse(f"admin:minutes_{model._meta.model_name}_changelist")
                )
                self.assertContains(page, 'id="searchbar_helptext"')

    def test_an_import_runs_title_is_in_local_time_as_its_start(self):
        started = datetime(2026, 12, 7, 19, 31, tzinfo=UTC)  # 20:31 in Amsterdam, in winter
        run = ImportRun.objects.create(
            origin=ImportRun.Origin.COMMAND,
            status=ImportRun.Status.FINISHED,
            started_at=started,
            finished_at=started,
        )
        self.assertEqual(str(run), "Import 7 december 2026 20:31 (opdrachtregel)")
        page = self.client.get(reverse("admin:minutes_importrun_change", args=[run.pk]))
        self.assertContains(page, "Import 7 december 2026 20:31 (opdrachtregel)")
        self.assertContains(page, "7 december 2026 20:31")
        self.assertNotContains(page, "19:31")


class ParserWarningsInDutchTests(ImportTestCase):
    """What the parser noticed is said in Dutch in the upload's preview and on the
    meeting's admin page (`PARSE_WARNINGS`), never in the parser's old English."""

    def test_the_preview_and_the_meeting_give_the_warning_in_dutch(self):
        data = SAMPLE_2021.read_bytes().replace(b"15.00 - 16.30 uur", b"16.30 - 10.00 uur")
        message = "eindtijd 10.00 uur ligt vóór de begintijd 16.30 uur; de eindtijd is weggelaten"
        preview_url, preview = self.upload_and_preview(upload_file(SAMPLE_2021, data=data))
        self.assertContains(preview, f"<li>{message}</li>", html=True)
        self.assertNotContains(preview, "end time")

        self.client.post(preview_url, {"files": [sha256(data)]})
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.parse_warnings, [message])
        superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
        self.client.force_login(superuser)
        page = self.client.get(reverse("admin:minutes_meeting_change", args=[meeting.pk]))
        self.assertContains(page, f"<li>{message}</li>", html=True)

    def test_warnings_stored_in_english_before_become_the_tables_dutch(self):
        migration = importlib.import_module("minutes.migrations.0023_dutch_parse_warnings")
        old_and_new = [
            ("no numbered agenda items found", ParseWarning("no_agenda_items")),
            ("document date is before the meeting date", ParseWarning("document_before_meeting")),
            (
                "agenda items numbered by position: the minutes number none",
                ParseWarning("numbered_by_position"),
            ),
            (
                "end time 10:00 is before the start time 16:30; end time dropped",
                ParseWarning("end_before_start", end="10.00", start="16.30"),
            ),
        ]
        for old, new in old_and_new:
            self.assertEqual(migration.dutch(old), new.message)
        self.assertEqual(migration.dutch("iets anders"), "iets anders")
