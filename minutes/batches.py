"""Batched import: files parsed in parallel, many new meetings written per statement.

`minutes.services.import_batch` reads its files in batches. A batch's files are
parsed in a pool of worker processes (parsing is pure), which also do the other
pure work a file needs: the agenda items as they will be stored, the topics their
text matches, and the search index's analysed text. The one writing process then
stores the batch's new meetings in one transaction with a few statements (COPY for
the items, decisions, mentions and topic links), bumps the archive version once
and hands the index its documents ready-made.

Nothing here decides what an import does with a file (new, unchanged, replacement,
refused): that stays in the import service, which sends only new meetings here
and carries out everything else file by file, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, Q

from minutes import parsing
from minutes.ministries import MinistryIds
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    Meeting,
    MinistryMention,
    Redaction,
    Series,
    Topic,
)
from minutes.parsing.redactions import FoundRedaction, redactions
from minutes.search import index as search_index
from minutes.search.terms import analyse, keyword_phrases, matching_topics

T = TypeVar("T")

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- what is stored


@dataclass(frozen=True)
class ItemDraft:
    """An agenda item as it will be stored: tops first, then each top's sub-items."""

    position: int
    number: str
    anchor: str
    title: str
    body: str
    top: int  # the index of its (top) item in ParsedMeeting.agenda_items
    sub: bool

    @property
    def text(self) -> tuple[str, str]:
        return self.title, self.body


def _anchor(label: str, used: set[str]) -> str:
    anchor = f"punt-{label}".lower()
    n = 2
    while anchor in used:
        anchor = f"punt-{label}-{n}".lower()
        n += 1
    used.add(anchor)
    return anchor


def item_drafts(parsed: parsing.ParsedMeeting) -> list[ItemDraft]:
    """The rows of a meeting's agenda items, in the order they are inserted."""
    used: set[str] = set()
    tops: list[ItemDraft] = []
    position = 0
    for index, item in enumerate(parsed.agenda_items):
        anchor = _anchor(item.number, used)
        tops.append(
            ItemDraft(position, item.number, anchor, item.title[:500], item.body, index, False)
        )
        position += 1 + len(item.subitems)
    subs = [
        ItemDraft(
            top.position + offset,
            sub.letter,
            _anchor(f"{top.anchor.removeprefix('punt-')}{sub.letter}", used),
            sub.title[:500],
            sub.body,
            top.top,
            True,
        )
        for top, item in zip(tops, parsed.agenda_items, strict=True)
        for offset, sub in enumerate(item.subitems, start=1)
    ]
    return tops + subs


def decisions_per_item(parsed: parsing.ParsedMeeting) -> list[list[parsing.ParsedDecision]]:
    """Each top item's decisions, in their order (a decision's position is its place here)."""
    per_item: list[list[parsing.ParsedDecision]] = [[] for _ in parsed.agenda_items]
    for decision in parsed.decisions:
        per_item[decision.item_index].append(decision)
    return per_item


def fill_meeting(
    meeting: Meeting,
    parsed: parsing.ParsedMeeting,
    *,
    series: Series,
    source_name: str,
    sha256: str,
    now: datetime,
) -> Meeting:
    """Set a meeting's fields from its parsed text (all but its slug)."""
    meeting.series = series
    meeting.date = parsed.meeting_date
    meeting.start_time = parsed.start_time
    meeting.end_time = parsed.end_time
    meeting.place = (parsed.place or "")[:200]
    meeting.reference = (parsed.reference or "")[:50]
    meeting.document_date = parsed.document_date
    meeting.description = (parsed.description or "")[:200]
    meeting.attendees_text = parsed.attendees_text
    meeting.absentees_text = parsed.absentees_text
    meeting.redaction_codes = list(parsed.redaction_codes)
    meeting.withheld_passages = parsed.withheld_passages
    meeting.parse_warnings = [w.message[:200] for w in parsed.warnings]
    meeting.source_name = source_name[:255]
    meeting.sha256 = sha256
    meeting.encoding = parsed.encoding
    meeting.original_text = parsed.text
    meeting.imported_at = now
    if meeting.received_at is None:  # a replacement keeps when the archive first had it
        meeting.received_at = now
    return meeting


def free_slugs(bases: Sequence[str], *, exclude_pk: int | None = None) -> list[str]:
    """A free slug for each base (`Series.meeting_slug`), in order: "2021-01-19", then
    "2021-01-19-2", …

    One query for all of them; two meetings with one base get two slugs.
    """
    if not bases:
        return []
    prefix = Q()
    for base in sorted(set(bases)):
        prefix |= Q(slug__startswith=base)
    taken = set(
        Meeting.objects.filter(prefix).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slugs = []
    for base in bases:
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


# --------------------------------------------------------------------------- parsing workers


@dataclass
class Prepared:
    """One file after the workers: its parse (or why it failed) and the pure work on it."""

    parsed: parsing.ParsedMeeting | None = None
    error: str = ""
    drafts: list[ItemDraft] = field(default_factory=list)
    topics: list[list[int]] = field(default_factory=list)  # per draft
    texts: list[list[search_index.Spec]] = field(default_factory=list)  # per draft
    redactions: tuple[FoundRedaction, ...] = ()


@dataclass(frozen=True)
class Setup:
    """What every worker needs, fixed for one import run."""

    aliases: dict[str, str]
    max_bytes: int
    max_line_chars: int
    phrases: dict[int, list[tuple[str, ...]]]  # topic → its keywords' phrases

    @classmethod
    def for_run(cls, aliases: dict[str, str], *, max_bytes: int, max_line_chars: int) -> Setup:
        return cls(aliases, max_bytes, max_line_chars, topic_phrases())


_setup: Setup | None = None


def _init_worker(setup: Setup) -> None:
    global _setup
    _setup = setup
    # A forked worker inherits the parent's signal handlers (the embedded PostgreSQL's
    # SIGTERM handler, say); with them a worker survives the executor's terminate() and
    # a broken pool hangs. A worker only parses: the defaults are right for it.
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)


def parse(
    data: bytes, *, aliases: dict[str, str] | None, max_bytes: int, max_line_chars: int
) -> tuple[parsing.ParsedMeeting | None, str]:
    """Parse one file: its parse, or None and why not (a parser bug included: that
    file fails, the import goes on)."""
    try:
        parsed = parsing.parse_minutes(
            data, aliases=aliases, max_bytes=max_bytes, max_line_chars=max_line_chars
        )
    except parsing.ParseError as exc:
        return None, str(exc)
    except Exception as exc:
        logger.exception("The parser failed on a file")
        return None, f"{PARSER_BUG} ({type(exc).__name__}: {exc})"
    return parsed, ""


def prepare(data: bytes, setup: Setup | None = None) -> Prepared:
    """Parse one file and do the pure work its import needs."""
    setup = setup or _setup
    assert setup is not None
    parsed, error = parse(
        data,
        aliases=setup.aliases,
        max_bytes=setup.max_bytes,
        max_line_chars=setup.max_line_chars,
    )
    if parsed is None:
        return Prepared(error=error)
    return prepare_parsed(parsed, setup.phrases, texts=True)


def prepare_parsed(
    parsed: parsing.ParsedMeeting, phrases: dict[int, list[tuple[str, ...]]], *, texts: bool
) -> Prepared:
    """The rows, topics and (with `texts`) search texts of a parsed meeting."""
    drafts = item_drafts(parsed)
    decisions = decisions_per_item(parsed)
    prepared = Prepared(parsed=parsed, drafts=drafts, redactions=redactions(parsed))
    for draft in drafts:
        analysed = (analyse(draft.title), analyse(draft.body))
        prepared.topics.append(matching_topics(phrases, [analysed[0][1], analysed[1][1]]))
        if texts:
            own = [] if draft.sub else [decision.text for decision in decisions[draft.top]]
            prepared.texts.append(search_index.item_texts(draft.title, draft.body, own, analysed))
    return prepared


def topic_phrases() -> dict[int, list[tuple[str, ...]]]:
    """Every topic's keywords as the phrases `matching_topics` looks for."""
    return {
        topic: keyword_phrases(keywords)
        for topic, keywords in Topic.objects.values_list("pk", "keywords")
        if keywords
    }


# Files being prepared: calling it waits for them (or, without a pool, prepares them).
Parsing = Callable[[], list[Prepared]]


# Why a file has no parse when the parser itself failed on it (a bug, not the file's fault).
PARSER_BUG = "Interne fout van de parser bij dit bestand; niet geïmporteerd"
# Why a file has no parse when its worker process died on it (killed, out of memory).
WORKER_DIED = (
    "Het verwerkingsproces stopte onverwacht bij dit bestand (geheugen op?); niet gelezen."
)


class Parser:
    """Prepares files in a pool of worker processes, or in this one.

    The pool is started (forked: the workers inherit the loaded parser, and never
    touch the database) at the first batch big enough to gain from it, and ended
    with the run. `workers` of 1 or less prepares everything in this process. A
    worker that dies takes only its own file down: the batch is prepared again one
    file at a time in a new pool, and the file it dies on again fails with
    WORKER_DIED.
    """

    MIN_POOL_FILES = 8

    def __init__(self, *, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._setup: Setup | None = None

    def submit(self, datas: list[bytes], setup: Setup) -> Parsing:
        """Start preparing the files; `setup` is the same for every call of one parser."""
        if self.workers <= 1 or len(datas) < self.MIN_POOL_FILES:
            return lambda: [prepare(data, setup) for data in datas]
        self._setup = setup
        chunk = max(1, len(datas) // (self.workers * 4))
        results = self._executor().map(prepare, datas, chunksize=chunk)

        def get() -> list[Prepared]:
            try:
                return list(results)
            except BrokenProcessPool:
                self.close()
                return [self._alone(data) for data in datas]

        return get

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(self._setup,),
            )
        return self._pool

    def _alone(self, data: bytes) -> Prepared:
        try:
            return self._executor().submit(prepare, data).result()
        except BrokenProcessPool:
            logger.warning("A parsing worker died on a file; it is reported as failed")
            self.close()
            return Prepared(error=WORKER_DIED)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Parser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of `size` (the last shorter), read as they are needed."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


# --------------------------------------------------------------------------- batched writes


@dataclass
class NewMeeting:
    """A new meeting to write: its (validated, unsaved) row and its prepared file."""

    meeting: Meeting
    prepared: Prepared


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` primary keys of `model`'s table, taken from its sequence in one statement."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows (values of these fields, in order) into a model's table: one statement."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in fields]
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    # COPY is psycopg's own, past Django's cursor: wrap its errors as Django's.
    statement = f"COPY {table} ({names}) FROM STDIN"
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def write_new(new: list[NewMeeting], ministries: MinistryIds) -> dict[int, search_index.Prepared]:
    """Store new meetings with all they hold; call inside a transaction.

    Returns each meeting's search documents, ready for the index (`catch_up`).
    Every constraint is the database's: a violation raises and the caller's
    transaction rolls the whole batch back.
    """
    meetings = [entry.meeting for entry in new]
    for meeting, pk in zip(meetings, _reserve_ids(Meeting, len(meetings)), strict=True):
        meeting.pk = pk
    fields = list(Meeting._meta.concrete_fields)
    _copy(
        Meeting,
        [f.name for f in fields],
        ([f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] for m in meetings),
    )
    for meeting in meetings:
        meeting._state.adding, meeting._state.db = False, connection.alias  # stored now
    pairs = [(meeting, entry.prepared) for meeting, entry in zip(meetings, new, strict=True)]
    rows = write_children(pairs, ministries)
    version = ArchiveVersion.bump([meeting.pk for meeting in meetings])
    return {
        meeting.pk: search_index.Prepared(version, rows[meeting.pk], prepared.texts)
        for meeting, prepared in pairs
    }


def write_children(
    pairs: list[tuple[Meeting, Prepared]], ministries: MinistryIds
) -> dict[int, list[search_index.ItemRow]]:
    """Store the agenda items, decisions, ministry mentions, redactions and topic links
    of saved meetings (which hold none yet): one statement per table for all of them.

    The ministries the parser found by name are resolved on each meeting's date to the
    ministry that existed then ("EZ" in 2012: EZ (2010–2017); in 2025: EZ (2024–)).

    Returns each meeting's items as the search index's rows.
    """
    item_ids = iter(_reserve_ids(AgendaItem, sum(len(p.drafts) for _, p in pairs)))
    decision_ids = iter(
        _reserve_ids(Decision, sum(len(p.parsed.decisions) for _, p in pairs if p.parsed))
    )
    items: list[tuple] = []
    decisions: list[tuple] = []
    mentions: list[tuple] = []
    links: list[tuple] = []
    withheld: list[tuple] = []
    rows_by_meeting: dict[int, list[search_index.ItemRow]] = {}
    role = MinistryMention.Role
    for meeting, prepared in pairs:
        parsed = prepared.parsed
        assert parsed is not None
        ids = [next(item_ids) for _ in prepared.drafts]
        tops = ids[: len(parsed.agenda_items)]
        rows = []
        for pk, draft, topics in zip(ids, prepared.drafts, prepared.topics, strict=True):
            parent = tops[draft.top] if draft.sub else None
            items.append(
                (pk, meeting.pk, parent, draft.position, draft.number, draft.anchor, *draft.text)
            )
            links.extend((pk, topic) for topic in topics)
            rows.append(
                search_index.ItemRow(
                    pk,
                    meeting.pk,
                    draft.title,
                    draft.body,
                    draft.position,
                    meeting.date,
                    meeting.slug,
                    meeting.series_id,
                    topics=list(topics),
                )
            )
        per_item = decisions_per_item(parsed)
        for top, row, item_decisions in zip(tops, rows, per_item, strict=False):
            for position, decision in enumerate(item_decisions):
                pk = next(decision_ids)
                decisions.append((pk, top, position, decision.text, decision.kind))
                row.decisions.append((pk, decision.text, decision.kind))
        day = meeting.date
        for pk in _resolved(parsed.ministries_present, ministries, day):
            mentions.append((pk, meeting.pk, None, role.PRESENT, "", ""))
            # Present at each item's meeting: the index's `rol=aanwezig`.
            for row in rows:
                row.mentions.append((pk, role.PRESENT))
        for top, row, item in zip(tops, rows, parsed.agenda_items, strict=False):
            for pk in _resolved(item.ministries_mentioned, ministries, day):
                mentions.append((pk, meeting.pk, top, role.MENTIONED, "", ""))
                row.mentions.append((pk, role.MENTIONED))
            for pk, (label, text) in _contributions(item, ministries, day).items():
                mentions.append((pk, meeting.pk, top, role.SPEAKER, label, text))
                row.mentions.append((pk, role.SPEAKER))
        by_position = {draft.position: pk for pk, draft in zip(ids, prepared.drafts, strict=True)}
        withheld.extend(
            tuple(redaction_record(meeting.pk, by_position, found).values())
            for found in prepared.redactions
        )
        rows_by_meeting[meeting.pk] = rows
    item_columns = ("id", "meeting", "parent", "position", "number", "anchor", "title", "body")
    _copy(AgendaItem, item_columns, items)
    _copy(Decision, ("id", "agenda_item", "position", "text", "kind"), decisions)
    mention_columns = ("ministry", "meeting", "agenda_item", "role", "label", "text")
    _copy(MinistryMention, mention_columns, mentions)
    _copy(AgendaItem.topics.through, ("agendaitem", "topic"), links)
    _copy(Redaction, REDACTION_FIELDS, withheld)
    return rows_by_meeting


# A redaction record's fields, in the order of `redaction_record`'s values.
REDACTION_FIELDS = (
    "meeting_id",
    "agenda_item_id",
    "position",
    "part",
    "offset",
    "code",
    "ground",
    "law",
    "kind",
)


def redaction_record(
    meeting_id: int, item_ids: dict[int, int], found: FoundRedaction
) -> dict[str, Any]:
    """A found redaction as its record's field values (REDACTION_FIELDS): the import's
    COPY and `services.fill_redactions` store the same. `item_ids`: the meeting's agenda
    items' keys by position."""
    values = {
        "meeting_id": meeting_id,
        "agenda_item_id": None if found.item is None else item_ids[found.item],
        "position": found.position,
        "part": found.part.value,
        "offset": found.offset,
        "code": found.code,
        "ground": found.ground,
        "law": found.law.value,
        "kind": found.kind.value,
    }
    return {name: values[name] for name in REDACTION_FIELDS}


def _resolved(keys: Iterable[str], ministries: MinistryIds, day: date) -> list[int]:
    """The ministries these names meant on the day, once each, in the order found."""
    found = (ministries.get(key, day) for key in keys)
    return list(dict.fromkeys(pk for pk in found if pk is not None))


def _contributions(
    item: parsing.ParsedItem, ministries: MinistryIds, day: date
) -> dict[int, tuple[str, str]]:
    """An item's rondvraag contributions per known ministry (by key): (label, text).

    One ministry under two headings: one contribution, both texts.
    """
    found: dict[int, tuple[str, str]] = {}
    for contribution in item.contributions:
        pk = ministries.get(contribution.ministry, day)
        if pk is None:
            continue
        if pk in found:
            label, text = found[pk]
            found[pk] = (label, f"{text}\n\n{contribution.text}".strip())
        else:
            found[pk] = (contribution.label[:50], contribution.text)
    return found


def analyze() -> None:
    """Refresh PostgreSQL's statistics of the tables an import fills (ANALYZE).

    After a bulk load the planner otherwise plans for the tables as they were: at
    100,000 meetings loaded into an empty archive, before autovacuum came round, a
    meeting page took 741 ms and a filtered list 1.3-2 s instead of tens of ms
    (docs/benchmarks.md). The PostgreSQL documentation's advice for populating a
    database: run ANALYZE afterwards.
    """
    models = [Meeting, AgendaItem, Decision, MinistryMention, Redaction, AgendaItem.topics.through]
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")
