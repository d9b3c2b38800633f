"""The search index: an embedded Tantivy index of the agenda items, derived from PostgreSQL.

PostgreSQL is the source of truth; this index is a copy shaped for search and can
always be rebuilt from it (`manage.py search_index --rebuild`). One document per
agenda item (`kind` ITEM) and one per decision (`kind` DECISION, its text as the body,
the facets of its agenda item), each with the terms of its title and body
(minutes.search.terms: folded, lower case, Dutch stems, positions kept for phrases,
compound parts in a field of their own), the fast fields the filters, sorts and
facets need, the ids to fetch its row and a digest of its text for `--check`. The
text itself stays in PostgreSQL: snippets are made from the rows shown.

Writers: the import service, topic re-tagging and admin edits record the meetings
they change (ArchiveVersion.bump) and call `after_commit`, which catches the index up
on every change after the version it reflects once the transaction has committed (a
rolled-back write leaves the index untouched; a missed update is made by the next).
Tantivy allows one writer at a time; a second one waits up to
SEARCH_INDEX_WRITER_WAIT seconds and then fails with IndexBusy. Readers (every
request) share one opened index per process and see a commit within about a second;
this process sees its own commits at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import tantivy
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    MeetingChange,
    MinistryMention,
)
from minutes.parsing.redactions import grounds
from minutes.redactions import without_withheld
from minutes.search import terms

logger = logging.getLogger(__name__)

# Bump when the schema or the analyzer changes: an index of another layout is rebuilt.
# 8: ground keys; 9: a ministry field per role; 10: mentions moved to the ministry of
# their date (migration 0025).
LAYOUT = 10
ANALYZER = "nl"
TITLE_BOOST = 3.0
# A word found only as part of a compound ("thuiswerken" in "thuiswerkvergoeding")
# counts for less than the word itself.
PARTS_BOOST = 0.25  # tuned on the judged set: bench/relevance/tune.py
STAMP = "archive-version.json"
MAX_TERM = 100  # longer "words" (no Dutch word is) are left out of the index
WRITER_HEAP = 64 * 1024 * 1024


ITEM, DECISION = 0, 1  # the `kind` of a document


class IndexBusy(Exception):
    """Another process holds the index writer for longer than we wait."""


class IndexMissing(Exception):
    """No index at SEARCH_INDEX_DIR, or one of another layout: rebuild it."""


def analyzer() -> tantivy.TextAnalyzer:
    """The index's analyzer: the text arrives as terms (terms.analyse), space-separated."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        .filter(tantivy.Filter.remove_long(MAX_TERM))
        .build()
    )


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("kind", indexed=True, fast=True)  # ITEM or DECISION
    builder.add_unsigned_field("item_id", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("decision_id", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("meeting_id", stored=True, indexed=True, fast=True)
    builder.add_unsigned_field("series", indexed=True, fast=True)  # of the item's meeting
    builder.add_text_field("title", tokenizer_name=ANALYZER)
    builder.add_text_field("body", tokenizer_name=ANALYZER)
    # The stems of the compounds' parts, title and body together (no phrases over them).
    builder.add_text_field("parts", tokenizer_name=ANALYZER, index_option="freq")
    # An item's words as written (lower case, accents kept), for "Bedoelde u …?".
    builder.add_text_field("words", tokenizer_name=ANALYZER, index_option="basic")
    builder.add_unsigned_field("digest", stored=True)  # of title and body, for --check
    builder.add_unsigned_field("day", indexed=True, fast=True)  # yyyymmdd
    builder.add_unsigned_field("year", indexed=True, fast=True)
    # Sort keys: date, then the meeting's place on its day, then the item's position.
    builder.add_unsigned_field("newest", fast=True)
    builder.add_unsigned_field("oldest", fast=True)
    # A ministry field per role (minutes/roles.py): named in the item or spoke in its
    # rondvraag, named in it, spoke in its rondvraag, present at the item's meeting.
    builder.add_unsigned_field("ministry", indexed=True, fast=True)
    builder.add_unsigned_field("discussed", indexed=True, fast=True)
    builder.add_unsigned_field("speaker", indexed=True, fast=True)
    builder.add_unsigned_field("present", indexed=True, fast=True)
    builder.add_unsigned_field("topic", indexed=True, fast=True)
    builder.add_unsigned_field("decided", indexed=True, fast=True)  # 1 with a decision
    # Decision kinds (the item's decisions; a decision document's own); the grounds of
    # its redactions as keys ("5.1.2e" for 5.1.2.e, "10.2.e", "buiten-verzoek").
    builder.add_text_field("decision_kind", tokenizer_name="raw", fast=True)
    builder.add_text_field("ground", tokenizer_name="raw", fast=True)
    return builder.build()


SCHEMA = build_schema()


@dataclass(frozen=True)
class Status:
    """How the index stands against the database."""

    exists: bool
    layout_ok: bool
    index_version: int | None
    archive_version: int
    documents: int  # of agenda items
    decisions: int = 0

    @property
    def current(self) -> bool:
        return self.exists and self.layout_ok and self.index_version == self.archive_version


def directory() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


_opened: dict[Path, tantivy.Index] = {}
_lock = threading.Lock()


def _register(index: tantivy.Index) -> tantivy.Index:
    # The analyzer is not stored in the index: every process registers it on opening.
    index.register_tokenizer(ANALYZER, analyzer())
    return index


def _write_stamp(path: Path, version: int) -> None:
    """Record the layout and the archive version the index at `path` reflects."""
    (path / (STAMP + ".tmp")).write_text(json.dumps({"layout": LAYOUT, "version": version}))
    (path / (STAMP + ".tmp")).replace(path / STAMP)


def _read_stamp(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / STAMP).read_text())
    except (OSError, ValueError):
        return {}


def open_index() -> tantivy.Index:
    """This process's opened index; IndexMissing when there is none to open."""
    path = directory()
    with _lock:
        index = _opened.get(path)
        if index is None:
            if _read_stamp(path).get("layout") != LAYOUT or not tantivy.Index.exists(str(path)):
                raise IndexMissing(f"no search index of layout {LAYOUT} in {path}")
            index = _opened[path] = _register(tantivy.Index(SCHEMA, path=str(path), reuse=True))
        return index


def forget() -> None:
    """Drop this process's opened indexes (after a rebuild elsewhere, or in tests)."""
    with _lock:
        _opened.clear()


def searcher() -> tantivy.Searcher:
    return open_index().searcher()


def of_kind(kind: int) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, "kind", kind)


def item_query(item_id: int) -> tantivy.Query:
    """The one document of an agenda item (not those of its decisions)."""
    return tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "item_id", item_id)),
            (tantivy.Occur.Must, of_kind(ITEM)),
        ]
    )


def _writer(index: tantivy.Index) -> tantivy.IndexWriter:
    deadline = time.monotonic() + settings.SEARCH_INDEX_WRITER_WAIT
    while True:
        try:
            return index.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                raise IndexBusy(
                    "Another import is updating the search index; try again shortly."
                ) from exc
            time.sleep(0.1)


@dataclass
class ItemRow:
    """What one agenda item's documents are made of, read without model instances."""

    pk: int
    meeting_id: int
    title: str
    body: str
    position: int
    date: date
    slug: str
    series_id: int  # the meeting's series
    # (ministry, role); the ministries present at the meeting on each of its items
    mentions: list[tuple[int, str]] = field(default_factory=list)
    topics: list[int] = field(default_factory=list)
    decisions: list[tuple[int, str, str]] = field(default_factory=list)  # (pk, text, kind)


SEQUENCE_RE = re.compile(r"\d{4}-\d{2}-\d{2}-(\d{1,3})$")
MAX_SERIES_KEY = 99_999


def _sort_keys(row: ItemRow) -> tuple[int, int, int]:
    """The day, and keys that keep each meeting's items together in order: the date,
    the meeting's series (meetings of several series can share a day), its place in
    its series that day ("2021-01-19" first, "2021-01-19-2" second), the item's
    position. yyyymmdd · 5 digits · 2 · 4 fits an unsigned 64-bit field."""
    day = int(row.date.strftime("%Y%m%d"))
    found = SEQUENCE_RE.search(row.slug)
    sequence = int(found.group(1)) if found else 1
    series = min(row.series_id, MAX_SERIES_KEY)
    base = ((day * 100_000 + series) * 100 + min(sequence, 99)) * 10_000
    return day, base + (9_999 - min(row.position, 9_999)), base + min(row.position, 9_999)


Spec = dict[str, Any]  # a document's fields, computed away from Tantivy (also in workers)


def text_fields(
    title: str,
    body: str,
    *,
    vocabulary: bool,
    analysed: tuple[terms.Analysed, terms.Analysed] | None = None,
) -> Spec:
    """The fields of a document that come from its text alone: its terms, compound
    parts, redaction grounds (keys), digest and (with `vocabulary`) its words as written.

    Pure and the costly part of a document: the import's parsing workers compute
    them beside the parser (`item_texts`), the rest of the document comes later.
    `analysed`: title and body already tokenised and stemmed (`terms.analyse`).

    Withheld passages (a title "buiten verzoek" or "5.1.2i", a bullet "- buiten
    verzoek") are not text: their words are left out of the terms, so a query for
    "verzoek" does not find a marker. Their grounds stay in `ground`.
    """
    searched_title, searched_body = without_withheld(title), without_withheld(body)
    if analysed is None or (searched_title, searched_body) != (title, body):
        analysed = (terms.analyse(searched_title), terms.analyse(searched_body))
    (title_words, title_terms), (body_words, body_terms) = analysed
    spec = {
        "title": " ".join(title_terms),
        "body": " ".join(body_terms),
        "parts": terms.index_word_parts(title_words + body_words),
        "digest": digest(title, body),
        "ground": grounds(title, body),
    }
    if vocabulary:  # an item's words as written, for "Bedoelde u …?"
        spec["words"] = terms.vocabulary_words(title_words + body_words)
    return spec


def item_texts(
    title: str,
    body: str,
    decisions: Iterable[str],
    analysed: tuple[terms.Analysed, terms.Analysed] | None = None,
) -> list[Spec]:
    """The text fields of an item's documents: the item's own, then each decision's."""
    return [
        text_fields(title, body, vocabulary=True, analysed=analysed),
        *(text_fields("", text, vocabulary=False) for text in decisions),
    ]


def _spec(row: ItemRow, kind: int, text: Spec, kinds: Iterable[str]) -> Spec:
    day, newest, oldest = _sort_keys(row)
    role = MinistryMention.Role

    def having(*roles: str) -> list[int]:
        return sorted({ministry for ministry, r in row.mentions if r in roles})

    return {
        "kind": kind,
        "item_id": row.pk,
        "meeting_id": row.meeting_id,
        "series": row.series_id,
        **text,
        "day": day,
        "year": row.date.year,
        "newest": newest,
        "oldest": oldest,
        "ministry": having(role.MENTIONED, role.SPEAKER),
        "discussed": having(role.MENTIONED),
        "speaker": having(role.SPEAKER),
        "present": having(role.PRESENT),
        "decision_kind": sorted(set(kinds)),
        "topic": sorted(set(row.topics)),
        "decided": 1 if row.decisions else 0,
    }


def _specs(rows: Iterable[ItemRow], texts: Iterable[list[Spec]] | None = None) -> list[Spec]:
    """An agenda item's document, then one per decision it holds.

    `texts`: each row's text fields (item_texts), when an import computed them already.
    """
    specs = []
    given = iter(texts) if texts is not None else None
    for row in rows:
        if given is not None:
            item, *decisions = next(given)
        else:
            item, *decisions = item_texts(row.title, row.body, [t for _, t, _ in row.decisions])
        specs.append(_spec(row, ITEM, item, [k for _, _, k in row.decisions]))
        for (pk, _, kind), text in zip(row.decisions, decisions, strict=True):
            specs.append({**_spec(row, DECISION, text, [kind]), "decision_id": pk})
    return specs


def _to_document(spec: Spec) -> tantivy.Document:
    doc = tantivy.Document()
    for name, value in spec.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str):
                doc.add_text(name, one)
            else:
                doc.add_unsigned(name, one)
    return doc


def _documents(rows: Iterable[ItemRow]) -> Iterator[tantivy.Document]:
    return map(_to_document, _specs(rows))


def digest(title: str, body: str) -> int:
    """A fingerprint of an item's text: the index holds terms, not the text itself."""
    data = f"{title}\0{body}".encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _items(meeting_ids: Iterable[int] | None = None, chunk: int = 2000) -> Iterator[ItemRow]:
    """The agenda items (of these meetings, or all) with what their documents need.

    Plain rows in chunks: five queries per chunk of items, no model instances.
    """
    items = AgendaItem.objects.order_by("pk")
    if meeting_ids is not None:
        items = items.filter(meeting_id__in=list(meeting_ids))
    fields = (
        "pk",
        "meeting_id",
        "title",
        "body",
        "position",
        "meeting__date",
        "meeting__slug",
        "meeting__series_id",
    )
    last = 0
    while True:
        rows = {
            values[0]: ItemRow(*values)
            for values in items.filter(pk__gt=last).values_list(*fields)[:chunk]
        }
        if not rows:
            return
        ids = list(rows)
        mentions = MinistryMention.objects.filter(agenda_item_id__in=ids)
        for item, ministry, role in mentions.values_list("agenda_item_id", "ministry_id", "role"):
            rows[item].mentions.append((ministry, role))
        by_meeting: dict[int, list[ItemRow]] = {}
        for row in rows.values():
            by_meeting.setdefault(row.meeting_id, []).append(row)
        present = MinistryMention.objects.filter(
            meeting_id__in=list(by_meeting), role=MinistryMention.Role.PRESENT
        )
        for meeting, ministry in present.values_list("meeting_id", "ministry_id"):
            for row in by_meeting[meeting]:
                row.mentions.append((ministry, MinistryMention.Role.PRESENT))
        tags = AgendaItem.topics.through.objects.filter(agendaitem_id__in=ids)
        for item, topic in tags.values_list("agendaitem_id", "topic_id"):
            rows[item].topics.append(topic)
        decisions = Decision.objects.filter(agenda_item_id__in=ids).order_by(
            "agenda_item_id", "position"
        )
        for pk, item, text, kind in decisions.values_list("pk", "agenda_item_id", "text", "kind"):
            rows[item].decisions.append((pk, text, kind))
        yield from rows.values()
        last = ids[-1]


def _commit(index: tantivy.Index, writer: tantivy.IndexWriter, version: int | None) -> None:
    """Commit the writer (releasing its lock) and stamp the version now reflected."""
    writer.commit()
    writer.wait_merging_threads()  # consumes the writer and releases its lock
    if version is not None:
        _write_stamp(directory(), version)
    index.reload()


@dataclass
class Prepared:
    """A meeting's documents as an import wrote it, at the archive version it wrote:
    its items' rows and their text fields (item_texts), so the index need not read
    the meeting back nor analyse its text again."""

    version: int
    rows: list[ItemRow]
    texts: list[list[Spec]]


def _reindex(
    writer: tantivy.IndexWriter,
    meeting_ids: list[int],
    prepared: dict[int, Prepared] | None = None,
) -> None:
    prepared = prepared or {}
    for meeting_id in meeting_ids:
        # delete_documents_by_term silently matches nothing on an unsigned field.
        writer.delete_documents_by_query(tantivy.Query.term_query(SCHEMA, "meeting_id", meeting_id))
    for meeting_id in meeting_ids:
        if meeting_id in prepared:
            ready = prepared[meeting_id]
            for spec in _specs(ready.rows, ready.texts):
                writer.add_document(_to_document(spec))
    for doc in _documents(_items([m for m in meeting_ids if m not in prepared])):
        writer.add_document(doc)


def update_meetings(meeting_ids: Iterable[int]) -> None:
    """Re-index these meetings' documents now (deleted meetings drop out).

    Leaves the archive version the index records alone: `catch_up` is what follows
    the database's changes.
    """
    ids = sorted(set(meeting_ids))
    if not ids:
        return
    index = open_index()
    writer = _writer(index)
    try:
        _reindex(writer, ids)
    except BaseException:
        writer.rollback()
        raise
    _commit(index, writer, None)


def catch_up(prepared: dict[int, Prepared] | None = None) -> int:
    """Re-index every meeting changed since the version the index reflects.

    Changes are read under the index's writer lock, so two processes never apply
    the same ones at once; a missed update is made by the next. Returns the number
    of meetings re-indexed. Builds the index when there is none.

    `prepared`: documents an import made of the meetings it wrote. One is used only
    when its version is the meeting's last change; a meeting changed again since is
    read from the database like every other.
    """
    try:
        index = open_index()
    except IndexMissing:
        rebuild()
        return 0
    writer = _writer(index)
    try:
        stamp = _read_stamp(directory()).get("version") or 0
        changes = MeetingChange.objects.filter(version__gt=stamp)
        latest = changes.aggregate(latest=Max("version"))["latest"]
        if latest is None:
            writer.rollback()
            return 0
        last_change = dict(
            changes.filter(version__lte=latest)
            .values_list("meeting_id")
            .annotate(last=Max("version"))
            .order_by()
        )
        ids = sorted(last_change)
        current = {
            meeting_id: ready
            for meeting_id, ready in (prepared or {}).items()
            if last_change.get(meeting_id) == ready.version
        }
        _reindex(writer, ids, current)
    except BaseException:
        writer.rollback()
        raise
    _commit(index, writer, latest)
    # One index per database: what it reflects need not be kept.
    MeetingChange.objects.filter(version__lte=latest).delete()
    return len(ids)


def after_commit() -> None:
    """Bring the index up to date once the current transaction commits (now, outside one).

    A rolled-back write never reaches the index. An update that cannot be made (the
    writer busy for too long, a broken index) is logged; the index is then behind
    the archive version, which `status` and `manage.py search_index --check` report,
    and the next update (or `--ensure`) catches up.
    """
    transaction.on_commit(catch_up_or_log)


def catch_up_or_log(prepared: dict[int, Prepared] | None = None) -> None:
    """catch_up, logging (not raising) an update that cannot be made (see after_commit)."""
    try:
        catch_up(prepared)
    except Exception:
        logger.exception(
            "The search index is behind the database; "
            "it catches up with the next import, or run `manage.py search_index --ensure`"
        )


def rebuild() -> int:
    """Build the index afresh from the database; returns the number of documents."""
    path = directory()
    version = ArchiveVersion.current()
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    index = _register(tantivy.Index(SCHEMA, path=str(building), reuse=False))
    writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
    # One process: on the 2-core benchmark machine a pool of analysing workers was
    # slower (13 s against 11 s for 90,000 documents), the pickling eating the gain.
    count = 0
    for doc in _documents(_items()):
        writer.add_document(doc)
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    _write_stamp(building, version)
    # Swap the finished index in: readers that have the old one open keep their files.
    with _lock:
        old = path.with_name(path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if path.exists():
            path.rename(old)
        building.rename(path)
        shutil.rmtree(old, ignore_errors=True)
        _opened.clear()
    MeetingChange.objects.filter(version__lte=version).delete()
    return count


def status() -> Status:
    path = directory()
    stamp = _read_stamp(path)
    exists = tantivy.Index.exists(str(path)) if path.exists() else False
    layout_ok = stamp.get("layout") == LAYOUT
    counts = {ITEM: 0, DECISION: 0}
    if exists and layout_ok:
        found = searcher()
        for kind in counts:
            counts[kind] = found.search(of_kind(kind), limit=1).count
    return Status(
        exists=exists,
        layout_ok=layout_ok,
        index_version=stamp.get("version"),
        archive_version=ArchiveVersion.current(),
        documents=counts[ITEM],
        decisions=counts[DECISION],
    )


def ensure() -> bool:
    """Bring the index up to date: build it when missing or of another layout, catch up
    when behind (rebuild if that does not do it). False when it was current already."""
    state = status()
    if state.current:
        return False
    if state.exists and state.layout_ok:
        catch_up()
        if status().current:
            return True
    rebuild()
    return True
