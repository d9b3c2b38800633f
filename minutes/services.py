"""Writes: importing parsed minutes into the database and tagging topics.

One code path for every importer (the `import_minutes` command and the admin
upload): `import_batch` takes `SourceFile`s, a name with bytes or with the reason a
file could not be read, so it does not care where the files came from. Each file is
written in its own transaction, so a file that fails half-way leaves nothing behind
and the rest of the batch goes on.
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
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from minutes import parsing, search
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    Topic,
)
from minutes.names import visible_name
from minutes.search import index as search_index

logger = logging.getLogger(__name__)

Status = ImportFile.Status

# Why a file or folder entry was not read. The admin's upload says the same.
NOT_TXT = "Geen .txt-bestand; alleen tekstbestanden worden gelezen."
DANGLING_LINK = "Symbolische koppeling naar iets dat niet bestaat; niet gelezen."
LINKED_FOLDER = "Symbolische koppeling naar een map; niet gevolgd."
FOLDER_NAMED_TXT = "Een map, geen bestand; de .txt-bestanden erin worden wel gelezen."
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


@dataclass(frozen=True)
class ReplacementCheck:
    """A new version of a stored meeting against the version it would replace.

    Each pair is (stored, new): agenda items (sub-items counted), decisions, and
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
        new_items = sum(1 + len(item.subitems) for item in parsed.agenda_items)
        return cls(
            items=(existing.agenda_items.count(), new_items),
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


@dataclass
class BatchResult:
    outcomes: list[FileOutcome] = field(default_factory=list)
    run: ImportRun | None = None

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == Status.FAILED]

    def summary(self, *, labels: bool = False) -> str:
        """The counts per status, as "2 imported, 0 unchanged, …" or, with `labels`,
        as the admin says it: "2 geïmporteerd, 0 ongewijzigd, …"."""
        counts = Counter(str(outcome.status) for outcome in self.outcomes)
        return Status.summary(counts, labels=labels)


def alias_table() -> dict[str, str]:
    """Spellings known to the database (abbreviations included) → abbreviation."""
    table = {abbr: abbr for abbr in Ministry.objects.values_list("abbreviation", flat=True)}
    table.update(MinistryAlias.objects.values_list("text", "ministry__abbreviation"))
    return table


def read_paths(paths: Iterable[str | Path]) -> Iterator[SourceFile]:
    """Yield the .txt files under the given files and folders, in name order.

    A path that cannot be read is yielded with its error, so the import reports it
    by name and carries on with the rest. So is every entry of a folder that is not
    read (another type of file, a dangling link, a folder named like a .txt file, an
    unreadable folder): nothing is left out without being named.
    """
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield _read(path, name=path.name)
            continue
        for entry, reason in folder_entries(path):
            if reason:
                yield SourceFile(name=str(entry), error=reason)
            else:
                yield _read(entry, name=entry.name)


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
            elif name.lower().endswith(".txt"):
                entries.append((path, FOLDER_NAMED_TXT))
        for name in files:
            path = base / name
            if not path.exists():
                entries.append((path, DANGLING_LINK))
            elif not path.is_file():
                entries.append((path, NOT_A_FILE))
            elif path.suffix.lower() != ".txt":
                entries.append((path, NOT_TXT))
            else:
                entries.append((path, ""))
    return sorted(entries)


def preview_file(
    source: SourceFile, *, aliases: dict[str, str] | None = None, parse_unchanged: bool = True
) -> FileOutcome:
    """Parse one file and say what importing it would do, without writing anything.

    A file whose exact bytes are already stored is "unchanged"; the importer skips
    parsing it (`parse_unchanged=False`), which makes re-running a large import cheap.
    """
    outcome = FileOutcome(
        name=source.name,
        status=Status.FAILED,
        sha256=source.sha256,
        size=source.size,
        error=source.error,
    )
    if source.error:
        return outcome
    unchanged = Meeting.objects.filter(sha256=outcome.sha256).only("pk", "slug", "date").first()
    if unchanged and not parse_unchanged:
        outcome.status, outcome.meeting = Status.UNCHANGED, unchanged
        return outcome
    try:
        outcome.parsed = parsing.parse_minutes(
            source.data,
            aliases=aliases,
            max_bytes=settings.SGO_PARSE_MAX_BYTES,
            max_line_chars=settings.SGO_PARSE_MAX_LINE_CHARS,
        )
    except parsing.ParseError as exc:
        outcome.error = str(exc)
        return outcome
    if unchanged:
        outcome.status, outcome.meeting = Status.UNCHANGED, unchanged
        return outcome
    refusal = implausible_date(outcome.parsed.meeting_date)
    if refusal:
        outcome.error = refusal
        return outcome
    existing = _existing_meeting(source.name, outcome.parsed)
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
) -> BatchResult:
    """Import every file; a failing file is recorded and the batch goes on.

    Each file is logged in an import run: a new one from `origin` and `user`, or the
    given `run` (an upload staged in the admin, whose origin and user stand). With
    `dry_run` the files are parsed and classified but nothing is written, not even
    the import log.

    A suspicious replacement (see ReplacementCheck) is not carried out but logged as
    failed with the differences, unless forced: `force=True` forces every one, a
    collection of sha256s the files it names (the admin's per-file confirmation).
    """
    result = BatchResult()
    if not dry_run:
        result.run = _start_run(run, origin=origin, user=user)
    aliases = alias_table()
    for source in sources:
        outcome = preview_file(source, aliases=aliases, parse_unchanged=False)
        if _held_back(outcome, force):
            outcome = _hold_back(outcome)
        if not dry_run and outcome.status in (Status.IMPORTED, Status.REPLACED):
            outcome = _write(source, outcome)
        if result.run is not None:
            _log(result.run, outcome)
        result.outcomes.append(outcome)
        if on_file:
            on_file(outcome)
    if not dry_run and any(o.status in (Status.IMPORTED, Status.REPLACED) for o in result.outcomes):
        search_index.after_commit()
    if result.run is not None:
        result.run.status = ImportRun.Status.FINISHED
        result.run.finished_at = timezone.now()
        result.run.save(update_fields=["status", "finished_at"])
    return result


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
    run: ImportRun | None, *, origin: ImportRun.Origin, user: AbstractBaseUser | None
) -> ImportRun:
    if run is None:
        return ImportRun.objects.create(
            origin=origin,
            user=user if user is not None and user.is_authenticated else None,
            status=ImportRun.Status.RUNNING,
            started_at=timezone.now(),
            **this_process(),
        )
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    process = this_process()
    for name, value in process.items():
        setattr(run, name, value)
    run.save(update_fields=["status", "started_at", *process])
    return run


def _write(source: SourceFile, outcome: FileOutcome) -> FileOutcome:
    assert outcome.parsed is not None
    previous = outcome.meeting
    # save_meeting updates the stored meeting in place, so keep the old version now.
    replaced = (previous.sha256, previous.original_text) if previous else ("", "")
    try:
        with transaction.atomic():
            meeting = save_meeting(
                parsed=outcome.parsed,
                source_name=source.name,
                sha256=outcome.sha256,
                existing=previous,
            )
    except ValidationError as exc:
        # full_clean refused a value the parser let through; the transaction rolled back.
        return _failed(source, outcome, f"ongeldig verslag: {validation_message(exc)}")
    except (DatabaseError, ValueError) as exc:
        # The transaction rolled back: whatever was stored before is untouched.
        return _failed(source, outcome, f"database error: {exc}".strip())
    outcome.replaced_sha256, outcome.replaced_text = replaced
    outcome.meeting = meeting
    return outcome


def _failed(source: SourceFile, outcome: FileOutcome, error: str) -> FileOutcome:
    logger.warning("Import of %s failed: %s", source.name, error)
    return FileOutcome(
        name=source.name,
        status=Status.FAILED,
        sha256=outcome.sha256,
        size=outcome.size,
        error=error,
    )


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
    ImportFile.objects.create(
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


def _existing_meeting(source_name: str, parsed: parsing.ParsedMeeting) -> Meeting | None:
    """The stored meeting a new version of a file replaces, if any.

    The same file name is the same meeting; so is the same meeting date with the
    same document reference ("Onze referentie"), whatever the file is called. Two
    meetings on one day with different references stay two meetings.
    """
    same = Q(source_name=source_name)
    if parsed.reference:
        same |= Q(date=parsed.meeting_date, reference=parsed.reference)
    return Meeting.objects.filter(same).order_by("pk").first()


def _free_slug(meeting_date, exclude_pk: int | None) -> str:
    base = meeting_date.isoformat()
    taken = set(
        Meeting.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def save_meeting(
    *,
    parsed: parsing.ParsedMeeting,
    source_name: str,
    sha256: str,
    existing: Meeting | None = None,
) -> Meeting:
    """Store a parsed meeting, replacing all children of `existing` if given.

    Call inside a transaction: the meeting row and its children are written
    together or not at all.
    """
    meeting = existing or Meeting()
    if existing is None or existing.date != parsed.meeting_date:
        meeting.slug = _free_slug(parsed.meeting_date, existing.pk if existing else None)
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
    meeting.parse_warnings = [w[:200] for w in parsed.warnings]
    meeting.source_name = source_name[:255]
    meeting.sha256 = sha256
    meeting.encoding = parsed.encoding
    meeting.original_text = parsed.text
    meeting.imported_at = timezone.now()
    meeting.full_clean()
    meeting.save()
    if existing is not None:
        meeting.agenda_items.all().delete()
        meeting.ministry_mentions.all().delete()
    _create_children(meeting, parsed)
    tag_topics(meeting_id=meeting.pk)
    ArchiveVersion.bump([meeting.pk])
    return meeting


def _anchor(label: str, used: set[str]) -> str:
    anchor = f"punt-{label}".lower()
    n = 2
    while anchor in used:
        anchor = f"punt-{label}-{n}".lower()
        n += 1
    used.add(anchor)
    return anchor


def _create_children(meeting: Meeting, parsed: parsing.ParsedMeeting) -> None:
    ministries = {m.abbreviation: m for m in Ministry.objects.all()}
    used_anchors: set[str] = set()
    position = 0
    tops: list[AgendaItem] = []
    for item in parsed.agenda_items:
        tops.append(
            AgendaItem(
                meeting=meeting,
                position=position,
                number=item.number,
                anchor=_anchor(item.number, used_anchors),
                title=item.title[:500],
                body=item.body,
            )
        )
        position += 1 + len(item.subitems)
    AgendaItem.objects.bulk_create(tops)

    subs: list[AgendaItem] = []
    for top, item in zip(tops, parsed.agenda_items, strict=True):
        for offset, sub in enumerate(item.subitems, start=1):
            subs.append(
                AgendaItem(
                    meeting=meeting,
                    parent=top,
                    position=top.position + offset,
                    number=sub.letter,
                    anchor=_anchor(f"{top.anchor.removeprefix('punt-')}{sub.letter}", used_anchors),
                    title=sub.title[:500],
                    body=sub.body,
                )
            )
    AgendaItem.objects.bulk_create(subs)

    decisions = []
    per_item: dict[int, int] = {}
    for decision in parsed.decisions:
        n = per_item.get(decision.item_index, 0)
        per_item[decision.item_index] = n + 1
        decisions.append(
            Decision(
                agenda_item=tops[decision.item_index],
                position=n,
                text=decision.text,
                kind=decision.kind,
            )
        )
    Decision.objects.bulk_create(decisions)

    mentions = [
        MinistryMention(
            ministry=ministries[abbr], meeting=meeting, role=MinistryMention.Role.PRESENT
        )
        for abbr in parsed.ministries_present
        if abbr in ministries
    ]
    for top, item in zip(tops, parsed.agenda_items, strict=True):
        for abbr in item.ministries_mentioned:
            if abbr in ministries:
                mentions.append(
                    MinistryMention(
                        ministry=ministries[abbr],
                        meeting=meeting,
                        agenda_item=top,
                        role=MinistryMention.Role.MENTIONED,
                    )
                )
        speakers: dict[str, MinistryMention] = {}
        for contribution in item.contributions:
            if contribution.ministry not in ministries:
                continue
            if contribution.ministry in speakers:
                # One ministry under two headings: one contribution, both texts.
                mention = speakers[contribution.ministry]
                mention.text = f"{mention.text}\n\n{contribution.text}".strip()
                continue
            speakers[contribution.ministry] = MinistryMention(
                ministry=ministries[contribution.ministry],
                meeting=meeting,
                agenda_item=top,
                role=MinistryMention.Role.SPEAKER,
                label=contribution.label[:50],
                text=contribution.text,
            )
        mentions.extend(speakers.values())
    MinistryMention.objects.bulk_create(mentions)


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
    process lives on after its request failed. Each file of a run is written in
    its own transaction, so an interrupted run leaves whole meetings only.
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
