"""Open data: the whole archive as one download (issue 15).

Two files, rebuilt after every import that changed something (`rebuild_after_import`,
called by the import service once its writes have committed) and on demand
(`manage.py open_data`), never per request:

- `sgo-archief.zip`: every table as NDJSON (one JSON object a line) and as CSV (UTF-8
  with a BOM, comma-separated, formula-safe cells as in minutes/exports.py), with a
  `datapackage.json` (Frictionless Data) describing the tables and their fields;
- `sgo-archief.sqlite`: the same tables in one SQLite file, with primary and foreign
  keys, an index on every foreign key and a full-text index (FTS5) of the agenda
  items' titles and texts; it opens in Datasette or any SQLite tool.

TABLES below is the one definition of the tables and their fields (name, type,
description in Dutch and English): the NDJSON, the CSV, the SQLite file, the
datapackage.json and the documentation on the /open-data/ page are all made from it.
Field names are English and stable; dates are ISO 8601; every record with a page of
its own carries that page's absolute address (settings.SGO_SITE_URL).

Withheld agenda items are shown as in the exports (minutes/exports.py): `title` is
the marker a reader sees, `withheld` what the release withheld ("buiten verzoek" or
the codes as released), empty for an item with a real title. Redaction codes are
kept exactly as released.

The files are written into a temporary folder beside settings.SGO_OPEN_DATA_DIR and
renamed into place, the manifest (`manifest.json`: when, the archive version, the
rows per table, each file's size and sha256) last: a reader finds the old files or
the new ones, never half a file. The rows are read in one REPEATABLE READ snapshot
(when not inside a transaction already), so the download matches the archive
version it names, and streamed in chunks: memory stays flat however large the archive.
"""

from __future__ import annotations

import csv
import fcntl
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minutes.exports import CSV_DIALECT, safe_cell
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    MinistrySuccession,
    Series,
    SourceDocument,
    Topic,
)
from minutes.redactions import shown_title, withheld_kind

logger = logging.getLogger(__name__)

ZIP_NAME = "sgo-archief.zip"
SQLITE_NAME = "sgo-archief.sqlite"
MANIFEST_NAME = "manifest.json"
FILES = {ZIP_NAME: "application/zip", SQLITE_NAME: "application/vnd.sqlite3"}
FORMAT = 1  # bump when a table or field changes meaning
CHUNK = 2000  # rows fetched per round trip
INSERT_EVERY = 1000  # rows inserted into SQLite per executemany
LIST_SEPARATOR = " | "  # how a CSV cell joins a list's values


# --- the one definition of the tables -------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    """A field's type: its name, its SQLite column type and how the page names it."""

    name: str
    sqlite: str
    nl: str
    en: str

    def description(self) -> str:
        return self.en if translation.get_language() == "en" else self.nl


INTEGER = FieldType("integer", "INTEGER", "geheel getal", "integer")
TEXT = FieldType("string", "TEXT", "tekst", "text")
DATE = FieldType("date", "TEXT", "datum (JJJJ-MM-DD)", "date (YYYY-MM-DD)")
TIME = FieldType("time", "TEXT", "tijd (UU:MM)", "time (HH:MM)")
DATETIME = FieldType(
    "datetime", "TEXT", "tijdstip (ISO 8601, UTC)", "date and time (ISO 8601, UTC)"
)
BOOLEAN = FieldType("boolean", "INTEGER", "ja/nee (true/false; SQLite 1/0)", "boolean")
LIST = FieldType(
    "array",
    "TEXT",
    "lijst (NDJSON: array; CSV: gescheiden door ' | '; SQLite: JSON)",
    "list (NDJSON: array; CSV: separated by ' | '; SQLite: JSON)",
)


@dataclass(frozen=True)
class Field:
    """A column: its name, type, descriptions and how a row's value is read."""

    name: str
    type: FieldType
    nl: str
    en: str
    value: Callable[[Any], Any]
    references: str | None = None  # the table a foreign key points to (its `id`)
    nullable: bool = True

    def description(self, language: str | None = None) -> str:
        return self.en if (language or translation.get_language() or "nl") == "en" else self.nl

    def html(self) -> SafeString:
        """The description in the active language, for a page: values quoted from the
        minutes (‘ingelast’, ‘J&V:’) marked as the Dutch they are."""
        return mark_safe(
            QUOTED_RE.sub(r'‘<span lang="nl">\1</span>’', str(escape(self.description())))
        )


QUOTED_RE = re.compile(r"‘([^’]+)’")


@dataclass(frozen=True)
class Table:
    """A table of the download: its rows (a queryset, read in primary-key order) and fields."""

    name: str
    nl: str
    en: str
    rows: Callable[[], models.QuerySet]
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ("id",)
    full_text: tuple[str, ...] = ()  # columns of an FTS5 index in the SQLite file

    def description(self, language: str | None = None) -> str:
        return self.en if (language or translation.get_language() or "nl") == "en" else self.nl


def _url(path: str) -> str:
    return settings.SGO_SITE_URL.rstrip("/") + path


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda row: getattr(row, name)


def _text(name: str) -> Callable[[Any], Any]:
    """A text column, None when empty (an empty cell, null in JSON)."""
    return lambda row: getattr(row, name) or None


PLACEHOLDER = "0000-00-00"  # a value every URL converter of these routes accepts


@functools.lru_cache(maxsize=32)
def _route(name: str, language: str | None) -> tuple[str, str]:
    """A route's path around its one argument: reversed once per build and language,
    not once per row (reverse() was a third of a build's time at 10,000 meetings)."""
    before, after = reverse(name, args=[PLACEHOLDER]).split(PLACEHOLDER)
    return before, after


def _path(name: str, value: str) -> str:
    before, after = _route(name, translation.get_language())
    return f"{before}{value}{after}"


def _meeting_url(meeting: Meeting) -> str:
    return _url(_path("minutes:meeting_detail", meeting.slug))


def _item_url(item: AgendaItem) -> str:
    return f"{_meeting_url(item.meeting)}#{item.anchor}"


def _document_url(document: SourceDocument) -> str | None:
    if not document.has_meetings:
        return None  # the archive serves only documents that minutes were read from
    return _url(reverse("minutes:source_document", args=[document.sha256]))


ID = Field(
    "id",
    INTEGER,
    "Vaste sleutel van het record.",
    "Stable key of the record.",
    _attr("pk"),
    nullable=False,
)


TABLES: tuple[Table, ...] = (
    Table(
        "series",
        "Reeksen: de overleggen waarvan het archief verslagen heeft (het SGO en andere).",
        "Series: the bodies whose minutes the archive holds (the SGO and others).",
        lambda: Series.objects.all(),
        (
            ID,
            Field(
                "slug",
                TEXT,
                "Korte naam in het webadres.",
                "Short name in the web address.",
                _attr("slug"),
                nullable=False,
            ),
            Field(
                "name",
                TEXT,
                "Naam van het overleg.",
                "Name of the body.",
                _attr("name"),
                nullable=False,
            ),
            Field(
                "short_name",
                TEXT,
                "Afkorting zoals de reeks wordt aangehaald (‘SGO’).",
                "Abbreviation the series is cited by (‘SGO’).",
                _text("short_name"),
            ),
            Field("description", TEXT, "Omschrijving.", "Description.", _text("description")),
            Field(
                "url",
                TEXT,
                "Adres van de pagina van de reeks.",
                "Address of the series' page.",
                lambda s: _url(s.get_absolute_url()),
                nullable=False,
            ),
        ),
    ),
    Table(
        "source_documents",
        "Bronbestanden: de documenten (Woo-pdf's) zoals ze openbaar zijn gemaakt; zonder de "
        "tekst per pagina.",
        "Source documents: the files (Woo PDFs) as they were released; without the text per page.",
        lambda: SourceDocument.objects.defer("page_texts").annotate(
            has_meetings=models.Exists(
                Meeting.objects.filter(source_document=models.OuterRef("pk"))
            )
        ),
        (
            ID,
            Field(
                "name",
                TEXT,
                "Bestandsnaam zoals ontvangen.",
                "File name as received.",
                _attr("name"),
                nullable=False,
            ),
            Field(
                "sha256",
                TEXT,
                "SHA-256 van het bestand.",
                "SHA-256 of the file.",
                _attr("sha256"),
                nullable=False,
            ),
            Field(
                "size",
                INTEGER,
                "Grootte in bytes.",
                "Size in bytes.",
                _attr("size"),
                nullable=False,
            ),
            Field(
                "content_type",
                TEXT,
                "Soort bestand (MIME-type).",
                "File type (MIME type).",
                _attr("content_type"),
                nullable=False,
            ),
            Field(
                "page_count",
                INTEGER,
                "Aantal pagina's.",
                "Number of pages.",
                _attr("page_count"),
                nullable=False,
            ),
            Field(
                "ocr_pages",
                LIST,
                "Pagina's zonder bruikbare tekstlaag, gelezen met OCR.",
                "Pages without a usable text layer, read by OCR.",
                lambda d: list(d.ocr_pages),
                nullable=False,
            ),
            Field(
                "imported_at",
                DATETIME,
                "Wanneer het archief het bestand ontving.",
                "When the archive received the file.",
                _attr("imported_at"),
                nullable=False,
            ),
            Field(
                "url",
                TEXT,
                "Adres om het bestand te downloaden (leeg als er geen verslag uit is gelezen).",
                "Address to download the file (empty when no minutes were read from it).",
                _document_url,
            ),
        ),
    ),
    Table(
        "meetings",
        "Vergaderingen: één record per verslag.",
        "Meetings: one record per set of minutes.",
        lambda: Meeting.objects.select_related("series").defer("original_text", "parse_warnings"),
        (
            ID,
            Field(
                "series_id",
                INTEGER,
                "De reeks (series.id).",
                "The series (series.id).",
                _attr("series_id"),
                references="series",
                nullable=False,
            ),
            Field(
                "slug",
                TEXT,
                "Korte naam in het webadres (de datum, voor een andere reeks met de naam van de "
                "reeks ervoor).",
                "Short name in the web address (the date, preceded by the series' name for "
                "another series).",
                _attr("slug"),
                nullable=False,
            ),
            Field(
                "date",
                DATE,
                "Vergaderdatum.",
                "Date of the meeting.",
                _attr("date"),
                nullable=False,
            ),
            Field(
                "title",
                TEXT,
                "Titel zoals de pagina die toont (Nederlands).",
                "Title as the page shows it (Dutch).",
                lambda m: m.title(),
                nullable=False,
            ),
            Field("start_time", TIME, "Aanvang.", "Start time.", _attr("start_time")),
            Field("end_time", TIME, "Einde.", "End time.", _attr("end_time")),
            Field("place", TEXT, "Vergaderplaats.", "Place of the meeting.", _text("place")),
            Field(
                "reference",
                TEXT,
                "Kenmerk van het verslag (‘Onze referentie’).",
                "Reference of the minutes (‘Onze referentie’).",
                _text("reference"),
            ),
            Field(
                "document_date",
                DATE,
                "Datum van het verslag.",
                "Date of the minutes.",
                _attr("document_date"),
            ),
            Field(
                "description",
                TEXT,
                "Omschrijving zoals in het verslag.",
                "Description as in the minutes.",
                _text("description"),
            ),
            Field(
                "attendees",
                TEXT,
                "Aanwezigen, zoals vermeld.",
                "Attendees, as written.",
                _text("attendees_text"),
            ),
            Field(
                "absentees",
                TEXT,
                "Afwezigen, zoals vermeld.",
                "Absentees, as written.",
                _text("absentees_text"),
            ),
            Field(
                "redaction_codes",
                LIST,
                "Lakcodes (Woo- of Wob-gronden) in het verslag, precies zoals vrijgegeven.",
                "Redaction codes (Woo or Wob grounds) in the minutes, exactly as released.",
                lambda m: list(m.redaction_codes),
                nullable=False,
            ),
            Field(
                "withheld_passages",
                INTEGER,
                "Aantal passages ‘buiten verzoek’.",
                "Number of passages withheld as outside the request.",
                _attr("withheld_passages"),
                nullable=False,
            ),
            Field(
                "text_origin",
                TEXT,
                "Herkomst van de tekst: text (tekstbestand), pdf (tekstlaag) of ocr.",
                "Origin of the text: text (text file), pdf (text layer) or ocr.",
                _attr("text_origin"),
                nullable=False,
            ),
            Field(
                "source_name",
                TEXT,
                "Naam van het bronbestand.",
                "Name of the source file.",
                _attr("source_name"),
                nullable=False,
            ),
            Field(
                "sha256",
                TEXT,
                "SHA-256 van de tekst zoals geïmporteerd.",
                "SHA-256 of the text as imported.",
                _attr("sha256"),
                nullable=False,
            ),
            Field(
                "source_document_id",
                INTEGER,
                "Het document waaruit het verslag is gelezen (source_documents.id).",
                "The document the minutes were read from (source_documents.id).",
                _attr("source_document_id"),
                references="source_documents",
            ),
            Field(
                "first_page",
                INTEGER,
                "Eerste pagina in dat document.",
                "First page in that document.",
                _attr("first_page"),
            ),
            Field(
                "last_page",
                INTEGER,
                "Laatste pagina in dat document.",
                "Last page in that document.",
                _attr("last_page"),
            ),
            Field(
                "release_url",
                TEXT,
                "Adres van de openbaarmaking (het Woo-besluit) waarin het verslag is "
                "vrijgegeven, als het archief dat kent.",
                "Address of the release (the Woo decision) the minutes were published in, "
                "when the archive knows it.",
                lambda m: m.release_url or None,
            ),
            Field(
                "received_at",
                DATETIME,
                "Wanneer het archief dit verslag voor het eerst ontving (een vervangende "
                "tekst houdt dit moment).",
                "When the archive first received these minutes (a replacing text keeps it).",
                _attr("received_at"),
                nullable=False,
            ),
            Field(
                "imported_at",
                DATETIME,
                "Wanneer het archief deze tekst ontving (de laatste import).",
                "When the archive received this text (the latest import).",
                _attr("imported_at"),
                nullable=False,
            ),
            Field(
                "url",
                TEXT,
                "Adres van de pagina van de vergadering.",
                "Address of the meeting's page.",
                _meeting_url,
                nullable=False,
            ),
            Field(
                "text_url",
                TEXT,
                "Adres van de volledige tekst zoals geïmporteerd.",
                "Address of the full text as imported.",
                lambda m: _url(_path("minutes:meeting_text", m.slug)),
                nullable=False,
            ),
        ),
    ),
    Table(
        "agenda_items",
        "Agendapunten met hun tekst; subpunten (a, b, c) wijzen naar hun hoofdpunt.",
        "Agenda items with their text; sub-items (a, b, c) point to their parent.",
        lambda: AgendaItem.objects.select_related("meeting", "parent").only(
            "meeting_id",
            "parent_id",
            "position",
            "number",
            "anchor",
            "title",
            "body",
            "meeting__slug",
            "parent__number",
        ),
        (
            ID,
            Field(
                "meeting_id",
                INTEGER,
                "De vergadering (meetings.id).",
                "The meeting (meetings.id).",
                _attr("meeting_id"),
                references="meetings",
                nullable=False,
            ),
            Field(
                "parent_id",
                INTEGER,
                "Het hoofdpunt van een subpunt (agenda_items.id); leeg bij een hoofdpunt.",
                "The parent of a sub-item (agenda_items.id); empty for a top-level item.",
                _attr("parent_id"),
                references="agenda_items",
            ),
            Field(
                "position",
                INTEGER,
                "Volgorde in de vergadering.",
                "Order within the meeting.",
                _attr("position"),
                nullable=False,
            ),
            Field(
                "number",
                TEXT,
                "Nummer zoals in het verslag: ‘1’, ‘a’ of ‘ingelast’.",
                "Number as in the minutes: ‘1’, ‘a’ or ‘ingelast’ (added at the meeting).",
                _attr("number"),
                nullable=False,
            ),
            Field(
                "label",
                TEXT,
                "Het punt zoals het wordt aangehaald: ‘5’, ‘5a’, ‘Ingelast’.",
                "The item as cited: ‘5’, ‘5a’, ‘Ingelast’.",
                lambda i: i.display_label,
                nullable=False,
            ),
            Field(
                "anchor",
                TEXT,
                "Anker op de pagina van de vergadering.",
                "Anchor on the meeting's page.",
                _attr("anchor"),
                nullable=False,
            ),
            Field(
                "title",
                TEXT,
                "Titel; bij een weggelakte titel de melding die de pagina toont.",
                "Title; for a withheld title the notice the page shows.",
                lambda i: shown_title(i.title),
                nullable=False,
            ),
            Field(
                "withheld",
                TEXT,
                "Wat bij de openbaarmaking is weggelakt: ‘buiten verzoek’ of de lakcode(s) zoals "
                "vrijgegeven; leeg bij een echte titel.",
                "What the release withheld: ‘buiten verzoek’ (outside the request) or the "
                "code(s) as released; empty for a real title.",
                lambda item: withheld_kind(item.title),
            ),
            Field(
                "text",
                TEXT,
                "Tekst van het agendapunt, zoals in het verslag.",
                "Text of the agenda item, as in the minutes.",
                _text("body"),
            ),
            Field(
                "url",
                TEXT,
                "Adres van het agendapunt op de pagina van de vergadering.",
                "Address of the item on the meeting's page.",
                _item_url,
                nullable=False,
            ),
        ),
        full_text=("title", "text"),
    ),
    Table(
        "decisions",
        "Besluiten: zinnen waarin het overleg iets vaststelt, besluit of afspreekt.",
        "Decisions: sentences in which the body settles, decides or agrees something.",
        lambda: Decision.objects.select_related("agenda_item__meeting").only(
            "agenda_item_id",
            "position",
            "text",
            "kind",
            "agenda_item__meeting_id",
            "agenda_item__anchor",
            "agenda_item__meeting__slug",
        ),
        (
            ID,
            Field(
                "agenda_item_id",
                INTEGER,
                "Het agendapunt (agenda_items.id).",
                "The agenda item (agenda_items.id).",
                _attr("agenda_item_id"),
                references="agenda_items",
                nullable=False,
            ),
            Field(
                "meeting_id",
                INTEGER,
                "De vergadering (meetings.id).",
                "The meeting (meetings.id).",
                lambda d: d.agenda_item.meeting_id,
                references="meetings",
                nullable=False,
            ),
            Field(
                "position",
                INTEGER,
                "Volgorde binnen het agendapunt.",
                "Order within the agenda item.",
                _attr("position"),
                nullable=False,
            ),
            Field(
                "kind",
                TEXT,
                "Soort: adopted (verslag vastgesteld), consented (ingestemd), decided "
                "(besloten), agreed (afgesproken) of action (actiepunt).",
                "Kind: adopted (minutes adopted), consented, decided, agreed or action (action "
                "point).",
                _attr("kind"),
                nullable=False,
            ),
            Field(
                "text",
                TEXT,
                "De zin zoals in het verslag.",
                "The sentence as in the minutes.",
                _attr("text"),
                nullable=False,
            ),
            Field(
                "url",
                TEXT,
                "Adres van het agendapunt op de pagina van de vergadering.",
                "Address of the agenda item on the meeting's page.",
                lambda d: _item_url(d.agenda_item),
                nullable=False,
            ),
        ),
    ),
    Table(
        "ministries",
        "Ministeries, ook voormalige, elk met zijn periode.",
        "Ministries, former ones too, each with its period.",
        lambda: Ministry.objects.prefetch_related("aliases"),
        (
            ID,
            Field(
                "abbreviation",
                TEXT,
                "Afkorting (‘EZK’).",
                "Abbreviation (‘EZK’).",
                _attr("abbreviation"),
                nullable=False,
            ),
            Field("name", TEXT, "Huidige naam.", "Current name.", _attr("name"), nullable=False),
            Field(
                "slug",
                TEXT,
                "Korte naam in het webadres.",
                "Short name in the web address.",
                _attr("slug"),
                nullable=False,
            ),
            Field(
                "position",
                INTEGER,
                "Volgorde in lijsten.",
                "Order in lists.",
                _attr("position"),
                nullable=False,
            ),
            Field(
                "valid_from",
                DATE,
                "Eerste dag dat het ministerie bestond; leeg: al vóór de periode van het archief.",
                "First day the ministry existed; empty: before the archive's period.",
                _attr("valid_from"),
            ),
            Field(
                "valid_until",
                DATE,
                "Laatste dag dat het ministerie bestond; leeg: het bestaat nog.",
                "Last day the ministry existed; empty: it still exists.",
                _attr("valid_until"),
            ),
            Field(
                "former_names",
                LIST,
                "Vroegere namen en schrijfwijzen met hun jaren (‘Economische Zaken (tot en met "
                "2010)’); ook in ministry_names.",
                "Former names and spellings with their years; also in ministry_names.",
                lambda m: [_former_name(a) for a in m.aliases.all() if a.is_former_name],
                nullable=False,
            ),
            Field(
                "url",
                TEXT,
                "Adres van de pagina van het ministerie.",
                "Address of the ministry's page.",
                lambda m: _url(m.get_absolute_url()),
                nullable=False,
            ),
        ),
    ),
    Table(
        "ministry_names",
        "Schrijfwijzen van ministeries zoals de verslagen ze gebruiken, vroegere namen met hun "
        "jaren.",
        "Ways the minutes write a ministry's name; former names with their years.",
        lambda: MinistryAlias.objects.all(),
        (
            ID,
            Field(
                "ministry_id",
                INTEGER,
                "Het ministerie (ministries.id).",
                "The ministry (ministries.id).",
                _attr("ministry_id"),
                references="ministries",
                nullable=False,
            ),
            Field("text", TEXT, "De schrijfwijze.", "The spelling.", _attr("text"), nullable=False),
            Field(
                "name",
                TEXT,
                "De naam die de schrijfwijze schrijft (‘EL&I’); leeg: de afkorting van het "
                "ministerie.",
                "The name the spelling writes (‘EL&I’); empty: the ministry's abbreviation.",
                _text("name_key"),
            ),
            Field(
                "valid_from",
                DATE,
                "Geldig vanaf; leeg: zolang het ministerie bestaat.",
                "Valid from; empty: as long as the ministry exists.",
                _attr("valid_from"),
            ),
            Field(
                "valid_until",
                DATE,
                "Geldig tot en met; leeg: zolang het ministerie bestaat.",
                "Valid until (inclusive); empty: as long as the ministry exists.",
                _attr("valid_until"),
            ),
        ),
    ),
    Table(
        "ministry_successions",
        "Opvolging van ministeries: naamswijziging, samenvoeging, splitsing, overdracht.",
        "Successions of ministries: renamed, merged, split, tasks transferred.",
        lambda: MinistrySuccession.objects.order_by("pk"),
        (
            ID,
            Field(
                "predecessor_id",
                INTEGER,
                "De voorganger (ministries.id).",
                "The predecessor (ministries.id).",
                _attr("predecessor_id"),
                references="ministries",
                nullable=False,
            ),
            Field(
                "successor_id",
                INTEGER,
                "De opvolger (ministries.id).",
                "The successor (ministries.id).",
                _attr("successor_id"),
                references="ministries",
                nullable=False,
            ),
            Field(
                "kind",
                TEXT,
                "renamed, merged, continued (het voortgezette deel bij een splitsing), split_off "
                "of transferred.",
                "renamed, merged, continued (the continuing part of a split), split_off or "
                "transferred.",
                _attr("kind"),
                nullable=False,
            ),
        ),
    ),
    Table(
        "ministry_mentions",
        "Ministeries bij een vergadering: aanwezig, met inbreng in de rondvraag, of genoemd bij "
        "een agendapunt.",
        "Ministries at a meeting: present, contributing to the round of questions, or named in "
        "an agenda item.",
        lambda: MinistryMention.objects.order_by(),
        (
            ID,
            Field(
                "ministry_id",
                INTEGER,
                "Het ministerie (ministries.id).",
                "The ministry (ministries.id).",
                _attr("ministry_id"),
                references="ministries",
                nullable=False,
            ),
            Field(
                "meeting_id",
                INTEGER,
                "De vergadering (meetings.id).",
                "The meeting (meetings.id).",
                _attr("meeting_id"),
                references="meetings",
                nullable=False,
            ),
            Field(
                "agenda_item_id",
                INTEGER,
                "Het agendapunt (agenda_items.id); leeg bij ‘aanwezig’.",
                "The agenda item (agenda_items.id); empty for ‘present’.",
                _attr("agenda_item_id"),
                references="agenda_items",
            ),
            Field(
                "role",
                TEXT,
                "Rol: present (aanwezig), speaker (inbreng in de rondvraag) of mentioned "
                "(genoemd).",
                "Role: present, speaker (contribution to the round of questions) or mentioned.",
                _attr("role"),
                nullable=False,
            ),
            Field(
                "label",
                TEXT,
                "Kopje zoals geschreven (‘J&V:’).",
                "Heading as written (‘J&V:’).",
                _text("label"),
            ),
            Field(
                "text",
                TEXT,
                "De inbreng in de rondvraag.",
                "The contribution to the round of questions.",
                _text("text"),
            ),
        ),
    ),
    Table(
        "topics",
        "Onderwerpen die over vergaderingen heen worden gevolgd, met hun trefwoorden.",
        "Topics followed across meetings, with their keywords.",
        lambda: Topic.objects.all(),
        (
            ID,
            Field(
                "slug",
                TEXT,
                "Korte naam in het webadres.",
                "Short name in the web address.",
                _attr("slug"),
                nullable=False,
            ),
            Field("name", TEXT, "Naam.", "Name.", _attr("name"), nullable=False),
            Field("description", TEXT, "Omschrijving.", "Description.", _text("description")),
            Field(
                "keywords",
                LIST,
                "Trefwoorden waarmee agendapunten worden getagd.",
                "Keywords agenda items are tagged by.",
                lambda t: list(t.keywords),
                nullable=False,
            ),
            Field(
                "url",
                TEXT,
                "Adres van de pagina van het onderwerp.",
                "Address of the topic's page.",
                lambda t: _url(t.get_absolute_url()),
                nullable=False,
            ),
        ),
    ),
    Table(
        "item_topics",
        "Welke agendapunten bij welk onderwerp horen.",
        "Which agenda items belong to which topic.",
        lambda: AgendaItem.topics.through.objects.all(),
        (
            Field(
                "agenda_item_id",
                INTEGER,
                "Het agendapunt (agenda_items.id).",
                "The agenda item (agenda_items.id).",
                _attr("agendaitem_id"),
                references="agenda_items",
                nullable=False,
            ),
            Field(
                "topic_id",
                INTEGER,
                "Het onderwerp (topics.id).",
                "The topic (topics.id).",
                _attr("topic_id"),
                references="topics",
                nullable=False,
            ),
        ),
        primary_key=("agenda_item_id", "topic_id"),
    ),
)


def _former_name(alias: MinistryAlias) -> str:
    if alias.valid_from is not None and alias.valid_until is not None:
        return f"{alias.text} ({alias.valid_from.year}–{alias.valid_until.year})"
    return f"{alias.text} (tot en met {alias.valid_until})"


def table(name: str) -> Table:
    return next(t for t in TABLES if t.name == name)


# --- values per format ------------------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A value as NDJSON (and the datapackage) writes it: ISO dates, times to the minute."""
    if value is None or type(value) in (str, int, list):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def csv_value(value: Any) -> str:
    """A value as json_value gives it, as one CSV cell: lists joined, nothing a
    spreadsheet would run."""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, bool):
        value = "true" if value else "false"
    return safe_cell(value)


def sqlite_value(value: Any) -> Any:
    """A value as json_value gives it, as SQLite stores it: lists as JSON, booleans 0/1."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


# --- the manifest and the files ---------------------------------------------------------------


def directory() -> Path:
    return Path(settings.SGO_OPEN_DATA_DIR)


@dataclass(frozen=True)
class BuiltFile:
    name: str
    size: int
    sha256: str
    content_type: str


@dataclass(frozen=True)
class Manifest:
    generated_at: datetime
    archive_version: int
    counts: dict[str, int]
    files: tuple[BuiltFile, ...]
    site_url: str
    format: int = FORMAT

    def as_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "generated_at": json_value(self.generated_at),
            "archive_version": self.archive_version,
            "site_url": self.site_url,
            "counts": self.counts,
            "files": [file.__dict__ for file in self.files],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            generated_at=datetime.fromisoformat(data["generated_at"].replace("Z", "+00:00")),
            archive_version=int(data["archive_version"]),
            counts={str(k): int(v) for k, v in data["counts"].items()},
            files=tuple(BuiltFile(**file) for file in data["files"]),
            site_url=data.get("site_url", ""),
            format=int(data.get("format", 0)),
        )

    def file(self, name: str) -> BuiltFile | None:
        return next((f for f in self.files if f.name == name), None)


def manifest(path: Path | None = None) -> Manifest | None:
    """The manifest of the files in place, or None when none was built (or it is unreadable)."""
    path = (path or directory()) / MANIFEST_NAME
    try:
        return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        logger.warning("Unreadable open data manifest %s", path)
        return None


def is_current(found: Manifest | None = None) -> bool:
    """Do the files in place match the archive as it is (version and layout)?"""
    found = found or manifest()
    return bool(
        found
        and found.format == FORMAT
        and found.archive_version == ArchiveVersion.current()
        and all((directory() / name).is_file() for name in FILES)
    )


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """One build at a time per folder (a second waits: it has newer rows to write)."""
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole build (see the module's docstring)."""
    if connection.in_atomic_block:
        yield  # a caller's transaction (a test's): its view is what there is
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def build(folder: Path | None = None) -> Manifest:
    """Write the zip, the SQLite file and the manifest into `folder` (default
    settings.SGO_OPEN_DATA_DIR), replacing what was there; returns the new manifest."""
    folder = folder or directory()
    folder.mkdir(parents=True, exist_ok=True)
    with _build_lock(folder):
        for stale in folder.glob(".building-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=".building-", dir=folder))
        try:
            with translation.override(settings.LANGUAGE_CODE), _snapshot():
                version = ArchiveVersion.current()
                counts = _write_tables(work)
            _write_zip(work, counts)
            files = tuple(_describe(work / name) for name in FILES)
            result = Manifest(
                generated_at=timezone.now(),
                archive_version=version,
                counts=counts,
                files=files,
                site_url=settings.SGO_SITE_URL,
            )
            (work / MANIFEST_NAME).write_text(
                json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            for name in [*FILES, MANIFEST_NAME]:  # the manifest last
                os.replace(work / name, folder / name)
            return result
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _describe(path: Path) -> BuiltFile:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return BuiltFile(path.name, path.stat().st_size, digest.hexdigest(), FILES[path.name])


def _write_tables(work: Path) -> dict[str, int]:
    """Every table's rows into its NDJSON and CSV file and the SQLite file, in one pass."""
    database = sqlite3.connect(work / SQLITE_NAME)
    try:
        database.execute("PRAGMA journal_mode = OFF")
        database.execute("PRAGMA synchronous = OFF")
        counts = {}
        for each in TABLES:
            database.execute(_create_table(each))
            counts[each.name] = _write_table(each, work, database)
        for each in TABLES:
            for statement in _indexes(each):
                database.execute(statement)
        _full_text(database)
        database.commit()
        database.execute("ANALYZE")
        database.commit()
    finally:
        database.close()
    return counts


def _write_table(each: Table, work: Path, database: sqlite3.Connection) -> int:
    names = [field.name for field in each.fields]
    insert = f"INSERT INTO {each.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    rows = each.rows().order_by(*("pk" if key == "id" else key for key in _order(each)))
    count = 0
    pending: list[tuple] = []
    with (
        (work / f"{each.name}.ndjson").open("w", encoding="utf-8", newline="\n") as ndjson,
        (work / f"{each.name}.csv").open("w", encoding="utf-8-sig", newline="") as csv_file,
    ):
        writer = csv.writer(csv_file, **CSV_DIALECT)
        writer.writerow(names)
        for row in rows.iterator(chunk_size=CHUNK):
            values = [json_value(field.value(row)) for field in each.fields]
            ndjson.write(json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False))
            ndjson.write("\n")
            writer.writerow([csv_value(v) for v in values])
            pending.append(tuple(sqlite_value(v) for v in values))
            if len(pending) >= INSERT_EVERY:
                database.executemany(insert, pending)
                pending.clear()
            count += 1
        if pending:
            database.executemany(insert, pending)
    return count


def _order(each: Table) -> tuple[str, ...]:
    # The through table of item_topics has Django's own column names.
    names = {"agenda_item_id": "agendaitem_id"} if each.name == "item_topics" else {}
    return tuple(names.get(key, key) for key in each.primary_key)


def _create_table(each: Table) -> str:
    columns = []
    for field in each.fields:
        column = f"{field.name} {field.type.sqlite}"
        if not field.nullable:
            column += " NOT NULL"
        if field.references:
            column += f" REFERENCES {field.references}(id)"
        columns.append(column)
    columns.append(f"PRIMARY KEY ({', '.join(each.primary_key)})")
    return f"CREATE TABLE {each.name} (\n  " + ",\n  ".join(columns) + "\n)"


def _indexes(each: Table) -> list[str]:
    return [
        f"CREATE INDEX {each.name}_{field.name} ON {each.name} ({field.name})"
        for field in each.fields
        if field.references and field.name != each.primary_key[0]
    ]


def fts_table(each: Table) -> str:
    return f"{each.name}_fts"


def _full_text(database: sqlite3.Connection) -> None:
    """An FTS5 index of the tables that name columns for one (as Datasette expects it:
    an external-content table `<table>_fts`), when this SQLite has FTS5."""
    for each in TABLES:
        if not each.full_text:
            continue
        columns = ", ".join(each.full_text)
        try:
            database.execute(
                f"CREATE VIRTUAL TABLE {fts_table(each)} USING fts5({columns}, "
                f"content='{each.name}', content_rowid='id', tokenize='unicode61 "
                f"remove_diacritics 2')"
            )
        except sqlite3.OperationalError:
            logger.warning(
                "SQLite without FTS5: the open data's SQLite file has no full-text index"
            )
            return
        database.execute(f"INSERT INTO {fts_table(each)} ({fts_table(each)}) VALUES ('rebuild')")


def _write_zip(work: Path, counts: dict[str, int]) -> None:
    with zipfile.ZipFile(work / ZIP_NAME, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "datapackage.json", json.dumps(datapackage(counts), indent=2, ensure_ascii=False)
        )
        for each in TABLES:
            for suffix in ("ndjson", "csv"):
                path = work / f"{each.name}.{suffix}"
                archive.write(path, f"{suffix}/{each.name}.{suffix}")
                path.unlink()


# Formats of the CSV's values where they differ from Table Schema's defaults.
DATAPACKAGE_FORMATS = {"time": {"format": "%H:%M"}, "datetime": {"format": "any"}}


def datapackage(counts: dict[str, int] | None = None) -> dict[str, Any]:
    """The tables as a Frictionless Data Package (the CSV files), from TABLES."""
    resources = []
    for each in TABLES:
        schema: dict[str, Any] = {
            "fields": [
                {
                    "name": field.name,
                    "type": "string" if field.type is LIST else field.type.name,
                    **DATAPACKAGE_FORMATS.get(field.type.name, {}),
                    "description": field.en,
                    **({"constraints": {"required": True}} if not field.nullable else {}),
                }
                for field in each.fields
            ],
            "primaryKey": list(each.primary_key),
            "foreignKeys": [
                {"fields": field.name, "reference": {"resource": field.references, "fields": "id"}}
                for field in each.fields
                if field.references
            ],
        }
        resource = {
            "name": each.name,
            "path": f"csv/{each.name}.csv",
            "format": "csv",
            "encoding": "utf-8-sig",
            # Semicolons, for a Dutch-locale Excel (exports.CSV_DIALECT).
            "dialect": {"delimiter": CSV_DIALECT["delimiter"], "lineTerminator": "\r\n"},
            "description": each.en,
            "schema": schema,
        }
        if counts is not None:
            resource["count"] = counts.get(each.name, 0)
        resources.append(resource)
    return {
        "name": "sgo-archief",
        "title": "SGO-archief",
        "licenses": [
            {
                "name": "CC0-1.0",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
                "title": "CC0 1.0 for the archive's own additions; the minutes are "
                "public-sector information released under the Woo",
            }
        ],
        "homepage": _url(reverse("minutes:open_data")),
        "resources": resources,
    }


# --- after an import ------------------------------------------------------------------------


def rebuild_or_log() -> Manifest | None:
    """build, logging (not raising) a failure: the files in place stay as they were."""
    try:
        return build()
    except Exception:
        logger.exception(
            "The open data download could not be rebuilt; the previous one stays. "
            "Run `manage.py open_data` to try again."
        )
        return None


def rebuild_after_import(*, background: bool = False) -> None:
    """Rebuild the download once the current transaction commits (now, outside one),
    unless settings.SGO_OPEN_DATA_AFTER_IMPORT is off (operators then run
    `manage.py open_data` themselves, from cron say).

    `background`: in a thread of its own, for a request (the admin's upload) that should
    answer without waiting for the build (25 s at 10,000 meetings, docs/benchmarks.md).
    A process that ends mid-build (a worker restarted) leaves the previous files in place.
    """
    if settings.SGO_OPEN_DATA_AFTER_IMPORT:
        transaction.on_commit(_start_background_build if background else rebuild_or_log)


BACKGROUND_THREAD = "open-data-build"


def _start_background_build() -> None:
    threading.Thread(target=_background_build, name=BACKGROUND_THREAD).start()


def _background_build() -> None:
    try:
        rebuild_or_log()
    finally:
        connection.close()  # this thread's own connection
