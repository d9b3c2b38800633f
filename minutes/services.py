"""Writes: importing parsed minutes into the database and tagging topics.

One code path for every importer (the `import_minutes` command and the admin
upload): `import_batch` takes `SourceFile`s, a name with bytes or with the reason a
file could not be read, so it does not care where the files came from. A batch's new
meetings are written together in one transaction (minutes.batches), a replacement in
its own; a file that fails half-way leaves nothing behind and the rest goes on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from minutes import batches, opendata, parsing, releases, search
from minutes.ministries import DatedName, MinistryDirectory, MinistryIds, Period, Succession
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistrySuccession,
    Redaction,
    Series,
    SourceDocument,
    Topic,
    validate_release_url,
)
from minutes.names import visible_name
from minutes.parsing.redactions import find_redactions, meeting_sections
from minutes.search import index as search_index

logger = logging.getLogger(__name__)

Status = ImportFile.Status

# Why a file or folder entry was not read. The admin's upload says the same.
NOT_TXT = "Geen .txt- of .pdf-bestand; alleen tekstbestanden en pdf's worden gelezen."
DANGLING_LINK = "Symbolische koppeling naar iets dat niet bestaat; niet gelezen."
LINKED_FOLDER = "Symbolische koppeling naar een map; niet gevolgd."
FOLDER_NAMED_TXT = "Een map, geen bestand; de .txt- en .pdf-bestanden erin worden wel gelezen."
READ_SUFFIXES = (".txt", releases.PDF_SUFFIX)
NOT_A_FILE = "Geen gewoon bestand (apparaat, pijp of socket); niet gelezen."


def implausible_date(meeting_date: date, *, today: date | None = None) -> str | None:
    """Why a meeting date cannot be right (a misread or a typo), or None.

    The bounds are SGO_MIN_MEETING_DATE and SGO_MAX_FUTURE_DAYS after today.
    """
    earliest = date.fromisoformat(settings.SGO_MIN_MEETING_DATE)
    days = settings.SGO_MAX_FUTURE_DAYS
    latest = (today or timezone.localdate()) + timedelta(days=days)
    if meeting_date < earliest:
        return (
            f"Onwaarschijnlijke vergaderdatum {meeting_date.isoformat()}: vóór "
            f"{earliest.isoformat()}. Het bestand is niet geïmporteerd."
        )
    if meeting_date > latest:
        return (
            f"Onwaarschijnlijke vergaderdatum {meeting_date.isoformat()}: meer dan {days} "
            f"dagen in de toekomst (na {latest.isoformat()}). Het bestand is niet geïmporteerd."
        )
    return None


def agenda_item_count(meeting: Meeting | parsing.ParsedMeeting) -> int:
    """How many agenda items a meeting has, stored or parsed, as its public pages count
    them (`MeetingQuerySet.with_counts`): the top-level items, whose sub-items (3a, 3b)
    are parts of them. The upload's preview and the replacement check count with this."""
    if isinstance(meeting, parsing.ParsedMeeting):
        return len(meeting.agenda_items)
    return meeting.agenda_items.filter(parent=None).count()


@dataclass(frozen=True)
class ReplacementCheck:
    """A new version of a stored meeting against the version it would replace.

    Each pair is (stored, new): agenda items (`agenda_item_count`), decisions, and
    characters of text. A version that loses items or decisions, loses more than
    SGO_REPLACE_MAX_TEXT_LOSS of the text or grows past SGO_REPLACE_MAX_GROWTH times
    it is suspicious (half a file, or another file altogether) and replaces the
    meeting only when confirmed.
    """

    items: tuple[int, int]
    decisions: tuple[int, int]
    text: tuple[int, int]

    @classmethod
    def compare(cls, existing: Meeting, parsed: parsing.ParsedMeeting) -> ReplacementCheck:
        return cls(
            items=(agenda_item_count(existing), agenda_item_count(parsed)),
            decisions=(
                Decision.objects.filter(agenda_item__meeting=existing).count(),
                len(parsed.decisions),
            ),
            text=(len(existing.original_text), len(parsed.text)),
        )

    @property
    def reasons(self) -> list[str]:
        """What makes the new version suspicious, in Dutch; empty if nothing does."""
        max_loss = settings.SGO_REPLACE_MAX_TEXT_LOSS
        max_growth = settings.SGO_REPLACE_MAX_GROWTH
        reasons = []
        if self.items[1] < self.items[0]:
            reasons.append("minder agendapunten")
        if self.decisions[1] < self.decisions[0]:
            reasons.append("minder besluiten")
        old, new = self.text
        if old and (old - new) / old > max_loss:
            reasons.append(f"meer dan {max_loss:.0%} van de tekst kwijt")
        if new > old * max_growth:
            reasons.append(f"tekst meer dan {max_growth:g} keer zo lang")
        return reasons

    @property
    def suspicious(self) -> bool:
        return bool(self.reasons)

    def describe(self) -> str:
        """The differences: "agendapunten 8 → 5, besluiten 3 → 1, tekst 5921 → 2960 tekens"."""
        return (
            f"agendapunten {self.items[0]} → {self.items[1]}, "
            f"besluiten {self.decisions[0]} → {self.decisions[1]}, "
            f"tekst {self.text[0]} → {self.text[1]} tekens"
        )

    def refusal(self, meeting: Meeting) -> str:
        """Why a suspicious version was not imported, with the differences."""
        return (
            f"Verdachte vervanging van {meeting}, niet uitgevoerd "
            f"({', '.join(self.reasons)}): {self.describe()}. Bevestig de vervanging om haar "
            "toch uit te voeren (import_minutes --force, of het vinkje in de voorvertoning)."
        )

    def note(self) -> str:
        """What the import log keeps about a replacement that was carried out."""
        if self.suspicious:
            return (
                f"Verdachte vervanging, bevestigd ({', '.join(self.reasons)}): {self.describe()}."
            )
        return f"Vervangen: {self.describe()}."

    def as_json(self) -> dict[str, Any]:
        return {
            "items": list(self.items),
            "decisions": list(self.decisions),
            "text": list(self.text),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReplacementCheck:
        return cls(
            items=tuple(data["items"]),
            decisions=tuple(data["decisions"]),
            text=tuple(data["text"]),
        )


@dataclass(frozen=True)
class SourceFile:
    """A file to import: its name (for the record) and its bytes, or why it has none.

    A source with an `error` is not parsed: it is logged as failed with that reason,
    with the sha256 and size given for it (a refused upload may have a size but no
    stored bytes). Without an error both are computed from the bytes, once.
    """

    name: str
    data: bytes = b""
    error: str = ""
    sha256: str = ""
    size: int = 0
    # A meeting's pages of a released PDF (`data` is their text), or None for a file.
    part: releases.PdfPart | None = None
    # Pages of a PDF that hold no minutes: logged as skipped, `error` saying why.
    skipped: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", visible_name(self.name))
        if not self.error:
            object.__setattr__(self, "sha256", hashlib.sha256(self.data).hexdigest())
            object.__setattr__(self, "size", len(self.data))


@dataclass
class FileOutcome:
    """What importing one file did (or, in a preview or dry run, would do)."""

    name: str
    status: Status
    sha256: str = ""
    size: int = 0
    error: str = ""
    meeting: Meeting | None = None
    parsed: parsing.ParsedMeeting | None = None
    # A replacement: how the new version compares with the stored one.
    check: ReplacementCheck | None = None
    # The version a replacement overwrote, kept in the import log.
    replaced_sha256: str = ""
    replaced_text: str = ""

    @classmethod
    def of(cls, source: SourceFile, status: Status, **more: Any) -> FileOutcome:
        """The outcome of a file, named and measured as the source is."""
        return cls(name=source.name, status=status, sha256=source.sha256, size=source.size, **more)


@dataclass
class BatchResult:
    """What an import did: every file's outcome (or, for a run that does not keep
    them, the failed ones only) and the counts per status."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    run: ImportRun | None = None
    counts: Counter[str] = field(default_factory=Counter)
    failed: list[FileOutcome] = field(default_factory=list)

    def add(self, outcome: FileOutcome, *, keep: bool = True) -> None:
        self.counts[str(outcome.status)] += 1
        if outcome.status == Status.FAILED:
            self.failed.append(outcome)
        if keep:
            self.outcomes.append(outcome)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, status: str) -> int:
        return self.counts[str(status)]

    def summary(self, *, labels: bool = False) -> str:
        """The counts per status, as "2 imported, 0 unchanged, …" or, with `labels`,
        as the admin says it: "2 geïmporteerd, 0 ongewijzigd, …"."""
        return Status.summary(self.counts, labels=labels)


def alias_table() -> dict[str, str]:
    """Spellings known to the database (abbreviations included) → the name they write
    ("J&V" → "JenV"): what the parser finds; `ministry_ids` resolves it on a date."""
    table: dict[str, str] = {}
    aliases = MinistryAlias.objects.order_by("ministry__position", "pk")
    for text, key, abbreviation in aliases.values_list(
        "text", "name_key", "ministry__abbreviation"
    ):
        table.setdefault(text, key or abbreviation)
    for abbreviation in Ministry.objects.values_list("abbreviation", flat=True):
        table.setdefault(abbreviation, abbreviation)
    return table


def ministry_directory() -> tuple[MinistryDirectory, dict[str, int]]:
    """The database's ministries, dated names and successions as plain data, and each
    ministry's slug → primary key. Three queries."""
    periods: dict[str, Period] = {}
    ids: dict[str, int] = {}
    abbreviations: dict[str, str] = {}
    for pk, slug, abbreviation, start, end in Ministry.objects.values_list(
        "pk", "slug", "abbreviation", "valid_from", "valid_until"
    ):
        periods[slug] = Period(start, end)
        ids[slug] = pk
        abbreviations[slug] = abbreviation
    names: set[DatedName] = set()
    named: set[tuple[str, str]] = set()
    for slug, key, start, end in MinistryAlias.objects.values_list(
        "ministry__slug", "name_key", "valid_from", "valid_until"
    ):
        key = key or abbreviations[slug]
        names.add(DatedName(key, slug, start, end))
        named.add((slug, key))
    # A ministry's abbreviation is a name of it for its whole period, unless its
    # spellings date that name.
    for slug, abbreviation in abbreviations.items():
        if (slug, abbreviation) not in named:
            names.add(DatedName(abbreviation, slug))
    links = [
        Succession(before, after, kind)
        for before, after, kind in MinistrySuccession.objects.values_list(
            "predecessor__slug", "successor__slug", "kind"
        )
    ]
    order = {slug: i for i, slug in enumerate(periods)}
    ordered = sorted(names, key=lambda n: (order[n.ministry], n.valid_from or date.min, n.key))
    return MinistryDirectory(periods, ordered, links), ids


class SeriesBook:
    """The series each imported meeting goes into: the one named on import, else the
    one the document names (created on first sight), else the SGO's for a file in the
    SGO template and "Overige verslagen" for any other.

    Series are looked up (and created) before a batch's transaction, so a batch
    that rolls back never leaves this book holding a series that is not stored.
    """

    def __init__(self, given: Series | None = None) -> None:
        self.given = given
        self._by_slug: dict[str, Series] = {}

    def for_parsed(self, parsed: parsing.ParsedMeeting) -> Series:
        if self.given is not None:
            return self.given
        if parsed.series:
            return self.named(parsed.series)
        return self._slug(self.slug_of(parsed))

    def slug_of(self, parsed: parsing.ParsedMeeting) -> str:
        """The slug of the series `for_parsed` chooses, without storing anything."""
        if self.given is not None:
            return self.given.slug
        if parsed.series:
            return Series.slug_for(parsed.series)
        return Series.SGO if parsed.template == "sgo" else Series.OTHER

    def named(self, name: str, *, create: bool = True) -> Series:
        """The series with this name or slug, created if there is none (unsaved
        without `create`: a dry run writes nothing)."""
        name = " ".join(name.split())[:200]
        slug = Series.slug_for(name)
        if not slug:
            raise ValueError(f"A series needs a name with letters or digits: {name!r}")
        if slug not in self._by_slug:
            found = Series.objects.filter(Q(slug=slug) | Q(name__iexact=name)).first()
            if found is None and not create:
                return Series(name=name, slug=slug)
            if found is None:
                found, _ = Series.objects.get_or_create(slug=slug, defaults={"name": name})
            self._by_slug[slug] = found
        return self._by_slug[slug]

    def _slug(self, slug: str) -> Series:
        if slug not in self._by_slug:
            self._by_slug[slug] = Series.objects.get(slug=slug)
        return self._by_slug[slug]


class Sources:
    """The files under some paths: listed first, so a run knows how many there are,
    and read one at a time as they are imported, so memory stays flat.

    A PDF is read into one source per meeting in it (`releases.read_release`):
    `on_pages` hears how far the reading of each PDF is, `on_release` how many
    sources one PDF gave (a run counting files can add the extra ones).
    """

    on_pages: releases.PageProgress | None = None
    on_release: Callable[[str, int], None] | None = None

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.entries: list[tuple[Path, str]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                self.entries.extend(folder_entries(path))
            else:
                self.entries.append((path, ""))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[SourceFile]:
        for path, reason in self.entries:
            if reason:
                yield SourceFile(name=str(path), error=reason)
            elif releases.is_pdf_name(path.name):
                yield from self._release(path)
            else:
                yield _read(path, name=path.name)

    def _release(self, path: Path) -> Iterator[SourceFile]:
        read = _read(path, name=path.name)
        if read.error:
            yield read
            return
        parts = releases.read_release(
            read.name, read.data, progress=self.on_pages, sha256=read.sha256
        )
        if self.on_release:
            self.on_release(read.name, len(parts))
        for part in parts:
            yield source_of(part)


def source_of(part: releases.ReleasePart) -> SourceFile:
    """The source the import reads for one part of a PDF."""
    if part.error:
        return SourceFile(name=part.name, error=part.error, skipped=part.skipped)
    return SourceFile(name=part.name, data=part.data, part=part.part)


def read_paths(paths: Iterable[str | Path]) -> Sources:
    """The .txt and .pdf files under the given files and folders, in name order (per
    folder).

    A path that cannot be read is yielded with its error, so the import reports it
    by name and carries on with the rest. So is every entry of a folder that is not
    read (another type of file, a dangling link, a folder named like a .txt file, an
    unreadable folder): nothing is left out without being named.
    """
    return Sources(list(paths))


def _read(path: Path, *, name: str) -> SourceFile:
    try:
        return SourceFile(name=name, data=path.read_bytes())
    except OSError as exc:
        return SourceFile(name=str(path), error=exc.strerror or str(exc))


def folder_entries(folder: Path) -> list[tuple[Path, str]]:
    """Every entry under a folder, in path order, with why it is not read ("" if it is).

    Folders are searched, symbolic links to folders are not followed.
    """
    entries: list[tuple[Path, str]] = []

    def unreadable(exc: OSError) -> None:
        entries.append((Path(exc.filename), f"Map niet te lezen: {exc.strerror or exc}."))

    for root, folders, files in os.walk(folder, onerror=unreadable):
        base = Path(root)
        for name in folders:
            path = base / name
            if path.is_symlink():
                entries.append((path, LINKED_FOLDER))
            elif name.lower().endswith(READ_SUFFIXES):
                entries.append((path, FOLDER_NAMED_TXT))
        for name in files:
            path = base / name
            if not path.exists():
                entries.append((path, DANGLING_LINK))
            elif not path.is_file():
                entries.append((path, NOT_A_FILE))
            elif path.suffix.lower() not in READ_SUFFIXES:
                entries.append((path, NOT_TXT))
            else:
                entries.append((path, ""))
    return sorted(entries)


def preview_file(
    source: SourceFile,
    *,
    aliases: dict[str, str] | None = None,
    parse_unchanged: bool = True,
    book: SeriesBook | None = None,
) -> FileOutcome:
    """Parse one file and say what importing it would do, without writing anything.

    A file whose exact bytes are already stored is "unchanged"; the importer skips
    parsing it (`parse_unchanged=False`), which makes re-running a large import cheap.
    A replacement is looked for in the series `book` chooses for the file.
    """
    outcome = FileOutcome.of(
        source, Status.SKIPPED if source.skipped else Status.FAILED, error=source.error
    )
    if source.error:
        return outcome
    unchanged = Meeting.objects.filter(sha256=outcome.sha256).only("pk", "slug", "date").first()
    if unchanged and not parse_unchanged:
        outcome.status, outcome.meeting = Status.UNCHANGED, unchanged
        return outcome
    outcome.parsed, outcome.error = batches.parse(
        source.data,
        aliases=aliases,
        max_bytes=settings.SGO_PARSE_MAX_BYTES,
        max_line_chars=settings.SGO_PARSE_MAX_LINE_CHARS,
    )
    if outcome.parsed is None:
        return outcome
    if unchanged:
        outcome.status, outcome.meeting = Status.UNCHANGED, unchanged
        return outcome
    refusal = implausible_date(outcome.parsed.meeting_date)
    if refusal:
        outcome.error = refusal
        return outcome
    existing = _existing_meeting(
        source.name, outcome.parsed, (book or SeriesBook()).slug_of(outcome.parsed)
    )
    outcome.status = Status.REPLACED if existing else Status.IMPORTED
    outcome.meeting = existing
    if existing:
        outcome.check = ReplacementCheck.compare(existing, outcome.parsed)
    return outcome


def import_batch(
    sources: Iterable[SourceFile],
    *,
    run: ImportRun | None = None,
    origin: ImportRun.Origin = ImportRun.Origin.COMMAND,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    force: bool | Collection[str] = False,
    on_file: Callable[[FileOutcome], None] | None = None,
    workers: int | None = None,
    keep_outcomes: bool = True,
    series: Series | None = None,
    release_url: str = "",
    open_data_in_background: bool = False,
) -> BatchResult:
    """Import every file; a failing file is recorded and the batch goes on.

    Each file is logged in an import run: a new one from `origin` and `user`, or the
    given `run` (an upload staged in the admin, whose origin and user stand). With
    `dry_run` the files are parsed and classified but nothing is written, not even
    the import log.

    A suspicious replacement (see ReplacementCheck) is not carried out but logged as
    failed with the differences, unless forced: `force=True` forces every one, a
    collection of sha256s the files it names (the admin's per-file confirmation).

    The files are read SGO_IMPORT_BATCH at a time and parsed by `workers` processes
    (default SGO_IMPORT_WORKERS, else one per core). A batch's new meetings and the
    log rows of its files are written in one transaction: all of them or none. If
    that transaction fails, the batch is imported file by file, so only a file that
    cannot be stored is lost. Replacements, and files that clash with another of the
    same batch, are always imported file by file, in their own transactions. Each
    outcome is passed to `on_file` in the files' order once its batch is done; the
    result keeps each outcome without its parse (but for a dry run), or with
    `keep_outcomes=False` only the counts and the failed ones, so that memory stays
    flat however many files there are.

    Every meeting goes into `series` if given, else into the one `SeriesBook` finds.
    Every meeting imported or replaced gets `release_url` (the Woo release the files
    came from; a given `run` brings its own), which the run records too; without one a
    replaced meeting keeps the address it had.

    A run that imported or replaced a meeting rebuilds the open data download once it
    has committed (minutes/opendata.py), in a thread of its own with
    `open_data_in_background` (a request should not wait for it); a failed build is
    logged and leaves the previous download in place.
    """
    result = BatchResult()
    if run is not None:
        release_url = release_url or run.release_url
    if release_url:
        validate_release_url(release_url)  # ValidationError before anything is read
    if not dry_run:
        result.run = _start_run(run, origin=origin, user=user, release_url=release_url)
    if workers is None:
        workers = settings.SGO_IMPORT_WORKERS or batches.default_workers()
    importer = _BatchImporter(
        result.run,
        alias_table(),
        dry_run=dry_run,
        force=force,
        series=series,
        release_url=release_url,
    )

    def done(plan: _Plan) -> None:
        for outcome in importer.finish(plan):
            if on_file:
                on_file(outcome)
            if not dry_run:
                _lighten(outcome)
            result.add(outcome, keep=keep_outcomes)

    with batches.Parser(workers=workers) as parser:
        # The next batch is parsed while this one is written.
        waiting: _Plan | None = None
        for chunk in batches.chunks(sources, settings.SGO_IMPORT_BATCH):
            planned = importer.plan(chunk, parser)
            if waiting is not None:
                done(waiting)
            waiting = planned
        if waiting is not None:
            done(waiting)
    importer.index_now()
    written = result.count(Status.IMPORTED) + result.count(Status.REPLACED)
    if not dry_run and written >= settings.SGO_IMPORT_ANALYZE_AFTER:
        batches.analyze()  # the planner's statistics after a bulk load
    if result.run is not None:
        result.run.status = ImportRun.Status.FINISHED
        result.run.finished_at = timezone.now()
        result.run.save(update_fields=["status", "finished_at"])
    if not dry_run and written:
        # The download of the whole archive, once the writes are committed; a failure
        # is logged and leaves the previous download in place (minutes/opendata.py).
        opendata.rebuild_after_import(background=open_data_in_background)
    return result


def _lighten(outcome: FileOutcome) -> None:
    """Keep what a run's result needs of a file, not its text (100,000 of them add up)."""
    outcome.parsed = None
    outcome.replaced_text = ""
    meeting = outcome.meeting
    if meeting is not None and meeting.pk:
        outcome.meeting = Meeting.from_db(
            None, ["id", "slug", "date"], [meeting.pk, meeting.slug, meeting.date]
        )


@dataclass
class _Plan:
    """A batch of files on its way: sorted, and its new files being parsed."""

    chunk: list[SourceFile]
    outcomes: list[FileOutcome | None]
    to_parse: list[int] = field(default_factory=list)
    one_by_one: list[int] = field(default_factory=list)  # imported on their own, after
    parsing: batches.Parsing | None = None  # call it for the prepared files


class _BatchImporter:
    """Imports one batch of files at a time (see import_batch)."""

    # Index the meetings written every this many: the documents wait in memory.
    INDEX_EVERY = 2000

    def __init__(
        self,
        run: ImportRun | None,
        aliases: dict[str, str],
        *,
        dry_run: bool,
        force: bool | Collection[str],
        series: Series | None = None,
        release_url: str = "",
    ) -> None:
        self.run = run
        self.release_url = release_url
        self.aliases = aliases
        self.dry_run = dry_run
        self.force = force
        self.documents: dict[int, search_index.Prepared] = {}
        self.changed = False  # a meeting was written file by file
        self.series = SeriesBook(series)

    # Read once, when the first file needs them (an unchanged file does not).
    @cached_property
    def setup(self) -> batches.Setup:
        return batches.Setup.for_run(
            self.aliases,
            max_bytes=settings.SGO_PARSE_MAX_BYTES,
            max_line_chars=settings.SGO_PARSE_MAX_LINE_CHARS,
        )

    @cached_property
    def ministries(self) -> MinistryIds:
        return ministry_ids()

    def plan(self, chunk: list[SourceFile], parser: batches.Parser) -> _Plan:
        """Sort a batch's files and start parsing those that need it (in the background)."""
        plan = _Plan(chunk, [None] * len(chunk))
        stored = self._stored([s.sha256 for s in chunk if not s.error])
        shas: set[str] = set()
        for i, source in enumerate(chunk):
            if source.error:
                plan.outcomes[i] = preview_file(source)
            elif source.sha256 in stored:
                plan.outcomes[i] = self._unchanged(source, stored[source.sha256])
            elif source.sha256 in shas:
                plan.one_by_one.append(i)  # the same bytes twice: the second finds the first
            else:
                shas.add(source.sha256)
                plan.to_parse.append(i)
        if plan.to_parse:
            plan.parsing = parser.submit([chunk[i].data for i in plan.to_parse], self.setup)
        return plan

    def finish(self, plan: _Plan) -> list[FileOutcome]:
        """Import a planned batch once its files are parsed; its outcomes in file order."""
        chunk, outcomes = plan.chunk, plan.outcomes
        prepared = dict(zip(plan.to_parse, plan.parsing() if plan.parsing else [], strict=True))
        # A file can have been stored since it was planned (by the batch before).
        stored = self._stored([chunk[i].sha256 for i in prepared])
        for i in [i for i in prepared if chunk[i].sha256 in stored]:
            outcomes[i] = self._unchanged(chunk[i], stored[chunk[i].sha256])
            del prepared[i]
        new = self._classify(chunk, prepared, outcomes, plan.one_by_one)
        if self.dry_run:
            for i in new:
                outcomes[i] = self._outcome(chunk[i], prepared[i], Status.IMPORTED)
        elif new:
            if not self._write(chunk, prepared, new, outcomes):
                plan.one_by_one.extend(new)
        else:
            self._log_all(outcomes)
        for i in sorted(plan.one_by_one):
            outcomes[i] = self._one(chunk[i])
        if len(self.documents) >= self.INDEX_EVERY:
            self.index_now()
        return [outcome for outcome in outcomes if outcome is not None]

    @staticmethod
    def _stored(shas: list[str]) -> dict[str, Meeting]:
        if not shas:
            return {}
        meetings = Meeting.objects.filter(sha256__in=shas).only("pk", "slug", "date", "sha256")
        return {m.sha256: m for m in meetings.order_by()}

    @staticmethod
    def _unchanged(source: SourceFile, meeting: Meeting) -> FileOutcome:
        return FileOutcome.of(source, Status.UNCHANGED, meeting=meeting)

    def _outcome(
        self, source: SourceFile, prepared: batches.Prepared, status: Status
    ) -> FileOutcome:
        return FileOutcome.of(source, status, error=prepared.error, parsed=prepared.parsed)

    def _classify(
        self,
        chunk: list[SourceFile],
        prepared: dict[int, batches.Prepared],
        outcomes: list[FileOutcome | None],
        one_by_one: list[int],
    ) -> list[int]:
        """Settle the parsed files that fail; return those that are new meetings.

        A replacement, or a file that would replace another of this batch (the same
        name, or the same date and reference), is left to be imported on its own.
        """
        candidates = []
        for i, ready in prepared.items():
            if ready.parsed is None:
                outcomes[i] = self._outcome(chunk[i], ready, Status.FAILED)
                continue
            refusal = implausible_date(ready.parsed.meeting_date)
            if refusal:
                outcomes[i] = self._outcome(chunk[i], ready, Status.FAILED)
                outcomes[i].error = refusal
                continue
            candidates.append(i)
        slugs = {i: self.series.slug_of(prepared[i].parsed) for i in candidates}
        existing = _existing_keys(
            [(chunk[i].name, prepared[i].parsed, slugs[i]) for i in candidates]
        )
        new, keys = [], set()
        for i in candidates:
            parsed = prepared[i].parsed
            assert parsed is not None
            mine = _same_meeting_keys(chunk[i].name, parsed, slugs[i])
            if mine & existing or mine & keys:
                one_by_one.append(i)
            else:
                new.append(i)
            keys |= mine
        return new

    def _write(
        self,
        chunk: list[SourceFile],
        prepared: dict[int, batches.Prepared],
        new: list[int],
        outcomes: list[FileOutcome | None],
    ) -> bool:
        """Write the batch's new meetings and its log rows in one transaction."""
        try:
            entries = self._entries(chunk, prepared, new)
            for entry in entries:
                # Uniqueness and constraints are the database's to enforce in a batch.
                entry.meeting.full_clean(validate_unique=False, validate_constraints=False)
            with transaction.atomic():
                written = batches.write_new(entries, self.ministries)
                for i, entry in zip(new, entries, strict=True):
                    outcomes[i] = self._outcome(chunk[i], prepared[i], Status.IMPORTED)
                    outcomes[i].meeting = entry.meeting
                self._log_all(outcomes)
        except (ValidationError, DatabaseError, ValueError, OSError) as exc:
            logger.warning("A batch of %d files is imported file by file: %s", len(new), exc)
            for i in new:
                outcomes[i] = None
            self._log_all(outcomes)
            return False
        self.documents.update(written)
        return True

    def _entries(
        self, chunk: list[SourceFile], prepared: dict[int, batches.Prepared], new: list[int]
    ) -> list[batches.NewMeeting]:
        """The batch's new meetings, unsaved: series chosen (and created) and PDFs kept
        first, outside the batch's transaction."""
        now = timezone.now()
        series = [self.series.for_parsed(prepared[i].parsed) for i in new]
        documents = _source_documents([chunk[i] for i in new])
        slugs = batches.free_slugs(
            [
                s.meeting_slug(prepared[i].parsed.meeting_date)
                for i, s in zip(new, series, strict=True)
            ]
        )
        entries = []
        for i, slug, one_series in zip(new, slugs, series, strict=True):
            meeting = batches.fill_meeting(
                Meeting(slug=slug),
                prepared[i].parsed,
                series=one_series,
                source_name=chunk[i].name,
                sha256=chunk[i].sha256,
                now=now,
            )
            meeting.release_url = self.release_url
            part = chunk[i].part
            releases.mark_source(
                meeting, part, documents.get(part.release.sha256) if part else None
            )
            entries.append(batches.NewMeeting(meeting, prepared[i]))
        return entries

    def _log_all(self, outcomes: list[FileOutcome | None]) -> None:
        """The import log's rows of the batch's settled files, in one statement."""
        if self.run is not None:
            ImportFile.objects.bulk_create([_log_row(self.run, o) for o in outcomes if o])

    def _one(self, source: SourceFile) -> FileOutcome:
        """Import one file on its own, in its own transaction (as every file once was)."""
        outcome = preview_file(
            source, aliases=self.aliases, parse_unchanged=False, book=self.series
        )
        if _held_back(outcome, self.force):
            outcome = _hold_back(outcome)
        if not self.dry_run and outcome.status in (Status.IMPORTED, Status.REPLACED):
            outcome = _write(source, outcome, self.series, release_url=self.release_url)
            self.changed = self.changed or outcome.status != Status.FAILED
        if self.run is not None:
            _log(self.run, outcome)
        return outcome

    def index_now(self) -> None:
        """Bring the search index up to date with what this run wrote so far."""
        if not (self.documents or self.changed):
            return
        documents, self.documents, self.changed = self.documents, {}, False
        transaction.on_commit(lambda: search_index.catch_up_or_log(documents))


def _held_back(outcome: FileOutcome, force: bool | Collection[str]) -> bool:
    """Is this a suspicious replacement nobody confirmed?"""
    if outcome.status != Status.REPLACED or not (outcome.check and outcome.check.suspicious):
        return False
    return not (force is True or (force and outcome.sha256 in force))


def _hold_back(outcome: FileOutcome) -> FileOutcome:
    assert outcome.meeting is not None and outcome.check is not None
    error = outcome.check.refusal(outcome.meeting)
    logger.warning("Import of %s held back: %s", outcome.name, error)
    outcome.status, outcome.error = Status.FAILED, error
    # The meeting stays linked in the log: the version it kept, and why.
    return outcome


def _start_run(
    run: ImportRun | None,
    *,
    origin: ImportRun.Origin,
    user: AbstractBaseUser | None,
    release_url: str = "",
) -> ImportRun:
    if run is None:
        return ImportRun.objects.create(
            origin=origin,
            user=user if user is not None and user.is_authenticated else None,
            status=ImportRun.Status.RUNNING,
            started_at=timezone.now(),
            release_url=release_url,
            **this_process(),
        )
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.release_url = release_url
    process = this_process()
    for name, value in process.items():
        setattr(run, name, value)
    run.save(update_fields=["status", "started_at", "release_url", *process])
    return run


def _source_documents(sources: list[SourceFile]) -> dict[str, SourceDocument]:
    """The stored PDFs of the sources read from one (stored now if they are not)."""
    documents: dict[str, SourceDocument] = {}
    for source in sources:
        if source.part and source.part.release.sha256 not in documents:
            release = source.part.release
            documents[release.sha256] = releases.source_document(release)
    return documents


def _write(
    source: SourceFile, outcome: FileOutcome, book: SeriesBook, *, release_url: str = ""
) -> FileOutcome:
    assert outcome.parsed is not None
    previous = outcome.meeting
    # save_meeting updates the stored meeting in place, so keep the old version now.
    replaced = (previous.sha256, previous.original_text) if previous else ("", "")
    try:
        series = book.for_parsed(outcome.parsed)
        document = (
            _source_documents([source]).get(source.part.release.sha256) if source.part else None
        )
        with transaction.atomic():
            meeting = save_meeting(
                parsed=outcome.parsed,
                series=series,
                source_name=source.name,
                sha256=outcome.sha256,
                existing=previous,
                part=source.part,
                document=document,
                release_url=release_url,
            )
    except ValidationError as exc:
        # full_clean refused a value the parser let through; the transaction rolled back.
        return _failed(source, outcome, f"ongeldig verslag: {validation_message(exc)}")
    except (DatabaseError, ValueError) as exc:
        # The transaction rolled back: whatever was stored before is untouched.
        return _failed(source, outcome, f"database error: {exc}".strip())
    except OSError as exc:
        # The PDF could not be kept in storage; nothing of the meeting was written.
        return _failed(source, outcome, f"pdf niet op te slaan: {exc.strerror or exc}")
    outcome.replaced_sha256, outcome.replaced_text = replaced
    outcome.meeting = meeting
    return outcome


def _failed(source: SourceFile, outcome: FileOutcome, error: str) -> FileOutcome:
    logger.warning("Import of %s failed: %s", source.name, error)
    return FileOutcome.of(source, Status.FAILED, error=error)


def validation_message(exc: ValidationError) -> str:
    """full_clean's messages on one line, each after the name of its field."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, messages in exc.message_dict.items():
        try:
            label = "" if name == NON_FIELD_ERRORS else Meeting._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            label = name
        parts.append(f"{label}: {' '.join(messages)}" if label else " ".join(messages))
    return "; ".join(parts)


def _log(run: ImportRun, outcome: FileOutcome) -> None:
    _log_row(run, outcome).save()


def _log_row(run: ImportRun, outcome: FileOutcome) -> ImportFile:
    return ImportFile(
        run=run,
        name=outcome.name[:255],
        sha256=outcome.sha256,
        size=outcome.size,
        status=outcome.status,
        error=outcome.error,
        meeting=outcome.meeting if outcome.meeting and outcome.meeting.pk else None,
        replaced_sha256=outcome.replaced_sha256,
        replaced_text=outcome.replaced_text,
        replacement_note=(
            outcome.check.note() if outcome.check and outcome.status == Status.REPLACED else ""
        ),
    )


def _existing_meeting(
    source_name: str, parsed: parsing.ParsedMeeting, series: str
) -> Meeting | None:
    """The stored meeting of the series (slug) a new version of a file replaces, if any.

    In one series, the same file name is the same meeting; so is the same meeting
    date with the same document reference ("Onze referentie"), whatever the file is
    called. Two meetings on one day with different references stay two meetings, and
    another body's "verslag.txt" is another meeting.
    """
    same = Q(source_name=source_name)
    if parsed.reference:
        same |= Q(date=parsed.meeting_date, reference=parsed.reference)
    return Meeting.objects.filter(same, series__slug=series).order_by("pk").first()


def _same_meeting_keys(source_name: str, parsed: parsing.ParsedMeeting, series: str) -> set[tuple]:
    """What makes two files the same meeting (see _existing_meeting), as keys."""
    keys: set[tuple] = {("name", series, source_name[:255])}
    if parsed.reference:
        keys.add(("date", series, parsed.meeting_date, parsed.reference[:50]))
    return keys


def _existing_keys(files: list[tuple[str, parsing.ParsedMeeting, str]]) -> set[tuple]:
    """The keys of _same_meeting_keys that stored meetings hold, for many files at once."""
    if not files:
        return set()
    names = [name[:255] for name, _, _ in files]
    references = {parsed.reference[:50] for _, parsed, _ in files if parsed.reference}
    dates = {parsed.meeting_date for _, parsed, _ in files if parsed.reference}
    found = Meeting.objects.filter(
        Q(source_name__in=names) | Q(reference__in=references, date__in=dates),
        series__slug__in={series for _, _, series in files},
    ).values_list("series__slug", "source_name", "date", "reference")
    keys: set[tuple] = set()
    for series, name, day, reference in found:
        keys.add(("name", series, name))
        if reference:
            keys.add(("date", series, day, reference))
    return keys


def save_meeting(
    *,
    parsed: parsing.ParsedMeeting,
    source_name: str,
    sha256: str,
    series: Series | None = None,
    existing: Meeting | None = None,
    part: releases.PdfPart | None = None,
    document: SourceDocument | None = None,
    release_url: str = "",
) -> Meeting:
    """Store a parsed meeting, replacing all children of `existing` if given.

    `part` and `document`: the pages of a stored PDF the text was read from.
    `release_url`: the Woo release it came from; without one, `existing` keeps its own.
    `series` defaults to the SGO's for the SGO template (as `SeriesBook` chooses).
    Call inside a transaction: the meeting row and its children are written
    together or not at all.
    """
    if series is None:
        series = SeriesBook().for_parsed(parsed)
    meeting = existing or Meeting()
    if existing is None or existing.date != parsed.meeting_date or existing.series_id != series.pk:
        exclude = existing.pk if existing else None
        base = series.meeting_slug(parsed.meeting_date)
        meeting.slug = batches.free_slugs([base], exclude_pk=exclude)[0]
    batches.fill_meeting(
        meeting,
        parsed,
        series=series,
        source_name=source_name,
        sha256=sha256,
        now=timezone.now(),
    )
    releases.mark_source(meeting, part, document)
    if release_url:
        meeting.release_url = release_url
    meeting.full_clean()
    meeting.save()
    if existing is not None:
        meeting.redactions.all().delete()
        meeting.agenda_items.all().delete()
        meeting.ministry_mentions.all().delete()
    prepared = batches.prepare_parsed(parsed, batches.topic_phrases(), texts=False)
    batches.write_children([(meeting, prepared)], ministry_ids())
    ArchiveVersion.bump([meeting.pk])
    return meeting


def fill_redactions(
    meeting_ids: Iterable[int] | None = None,
    *,
    meetings: Any = Meeting,
    items: Any = AgendaItem,
    redactions: Any = Redaction,
    chunk: int = 500,
) -> int:
    """Replace the redaction records of these meetings (or all) with those found in
    their stored text: the lists and the agenda items as stored (an admin edit, or a
    meeting imported before redactions were records). Returns the number stored.

    `meetings`, `items`, `redactions`: the models (a data migration passes its own).
    Call inside a transaction; chunks of meetings keep memory flat.
    """
    selected = meetings.objects.order_by("pk")
    if meeting_ids is not None:
        selected = selected.filter(pk__in=list(meeting_ids))
    stored = 0
    last = 0
    while True:
        rows = list(
            selected.filter(pk__gt=last).values_list("pk", "attendees_text", "absentees_text")[
                :chunk
            ]
        )
        if not rows:
            return stored
        ids = [pk for pk, _, _ in rows]
        per_meeting: dict[int, list[tuple[int, int, str, str]]] = {pk: [] for pk in ids}
        for values in (
            items.objects.filter(meeting_id__in=ids)
            .order_by("meeting_id", "position")
            .values_list("meeting_id", "pk", "position", "title", "body")
        ):
            per_meeting[values[0]].append(values[1:])
        redactions.objects.filter(meeting_id__in=ids).delete()
        new = []
        for pk, attendees, absentees in rows:
            item_pks = {position: item for item, position, _, _ in per_meeting[pk]}
            sections = meeting_sections(
                attendees, absentees, ((p, t, b) for _, p, t, b in per_meeting[pk])
            )
            new += [
                redactions(**batches.redaction_record(pk, item_pks, found))
                for found in find_redactions(sections)
            ]
        redactions.objects.bulk_create(new, batch_size=2000)
        stored += len(new)
        last = ids[-1]


def ministry_ids() -> MinistryIds:
    """Names as the parser finds them, resolved on a meeting's date to a ministry's key."""
    directory, ids = ministry_directory()
    return MinistryIds(directory, ids)


def tag_topics(*, topics: Iterable[Topic] | None = None, meeting_id: int | None = None) -> int:
    """(Re)tag agenda items with the topics whose keywords they match.

    Every item, or those of one meeting. Matching is the search's own (stemmed,
    accents folded, each keyword as a phrase: minutes.search.keyword_matches), so the
    keyword "thuiswerken" also tags "thuiswerk". Returns the number of links written.

    Retagging every item changes what the search index holds: the meetings whose
    tags change are re-indexed after the commit. (For one meeting, the caller is
    writing that meeting and re-indexes it.)
    """
    topics = list(topics if topics is not None else Topic.objects.all())
    through = AgendaItem.topics.through
    links = through.objects.filter(topic__in=topics)
    if meeting_id is not None:
        links = links.filter(agendaitem__meeting_id=meeting_id)
    touched = set() if meeting_id is not None else set(_tagged_meetings(links))
    found = search.keyword_matches(
        {topic.pk: list(topic.keywords) for topic in topics if topic.keywords},
        meeting_id=meeting_id,
    )
    links.delete()
    new = [
        through(agendaitem_id=item, topic_id=topic)
        for topic, items in found.items()
        for item in items
    ]
    through.objects.bulk_create(new, batch_size=5000, ignore_conflicts=True)
    if meeting_id is None:
        touched.update(_tagged_meetings(through.objects.filter(topic__in=topics)))
        if touched:  # a change the index must follow; none when no item had or has a tag
            ArchiveVersion.bump(touched)
            search_index.after_commit()
    return len(new)


def _tagged_meetings(links) -> Iterator[int]:
    return links.values_list("agendaitem__meeting_id", flat=True).distinct().iterator()


# --------------------------------------------------------------------------- interrupted runs


def this_process() -> dict[str, object]:
    """The identity an import run records of the process carrying it out."""
    return {
        "host": socket.gethostname()[:255],
        "pid": os.getpid(),
        "process_started": psutil.Process().create_time(),
    }


def _process_alive(run: ImportRun) -> bool | None:
    """Whether the run's process still runs; None when this host cannot tell
    (the run was started on another server, or recorded no process)."""
    if not run.pid or run.host != socket.gethostname()[:255]:
        return None
    try:
        process = psutil.Process(run.pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        # A pid is reused after its process ends; the start time tells them apart.
        return abs(process.create_time() - (run.process_started or 0)) < 1.0
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:
        return None


def mark_interrupted_runs() -> int:
    """Mark running imports whose process is gone as interrupted; how many were.

    A run killed mid-way (SIGKILL, a crash, a server restart) never finishes its
    record. Whoever looks at the runs (the import log, the admin import page, the
    import command) calls this first. A run on this host is interrupted when its
    process is gone; one on another host (or without a process) when it has run
    longer than settings.SGO_IMPORT_RUN_MAX_SECONDS, which also ends a run whose
    process lives on after its request failed. A run writes whole meetings only (a
    batch's new meetings in one transaction, each replacement in its own), so an
    interrupted run leaves whole meetings only.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.SGO_IMPORT_RUN_MAX_SECONDS)
    interrupted = [
        run.pk
        for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING)
        if _process_alive(run) is False or run.started_at < cutoff
    ]
    if not interrupted:
        return 0
    marked = ImportRun.objects.filter(pk__in=interrupted, status=ImportRun.Status.RUNNING).update(
        status=ImportRun.Status.INTERRUPTED
    )
    logger.warning("Import runs %s were interrupted: their process ended", interrupted)
    return marked
