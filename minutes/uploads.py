"""Uploaded minutes: zip safety, staging for a preview, and importing what was confirmed.

An upload is staged in the import log's own rows: an `ImportRun` with status
"staged" owned by the uploading user, and one `ImportFile` per file holding its
bytes (in Django's default storage, under a number, never under its own name), its
sha256 and size, and what importing it would do: the preview's outcome, computed
once while staging. Confirming reads each chosen file once, checks that its bytes
still hash as previewed, and hands it to the import service, which parses it; files
that failed in the preview are logged with the preview's reason without being read
again. A preview nobody confirms is removed after `SGO_IMPORT_STAGING_SECONDS`,
when the next upload is staged.

Uploaded content is only ever decoded as text by the parser and shown escaped; it is
never stored under its own name, executed or served. This module knows nothing of
forms or the admin: it takes file-like objects and a user.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import PurePosixPath
from time import monotonic
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from minutes import parsing, pdf, releases
from minutes.models import STAGING_FOLDER, ImportFile, ImportRun, Meeting
from minutes.names import visible_name
from minutes.services import (
    NOT_TXT,
    READ_SUFFIXES,
    BatchResult,
    ReplacementCheck,
    SeriesBook,
    SourceFile,
    agenda_item_count,
    alias_table,
    import_batch,
    preview_file,
)

Status = ImportFile.Status

CHUNK_SIZE = 64 * 1024
# Archives inside the zip are refused rather than unpacked: each layer multiplies
# what a small upload can expand to.
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".jar", ".zst")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")
# Finder adds these to every zip it makes; they are not files anyone chose.
METADATA_PREFIXES = ("__MACOSX/",)
METADATA_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")

GONE = "Deze voorvertoning bestaat niet (meer). Upload de bestanden opnieuw."


class UploadRefused(Exception):
    """The whole upload is refused; the message (Dutch) says why.

    `status` is the HTTP status the refusal answers with: 413 when the upload is too
    large, 400 for anything else.
    """

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class StagingUnavailable(Exception):
    """The preview is gone, expired, changed, or not this user's; the message says so."""


class SelectionInvalid(Exception):
    """The confirmation does not match the preview; nothing was imported."""

    message = "De keuze hoort niet bij deze voorvertoning; er is niets geïmporteerd."


@dataclass(frozen=True)
class ImportLimits:
    """What one upload may hold; the numbers live in the settings only."""

    max_files: int
    max_bytes: int
    max_uncompressed_bytes: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_files=settings.SGO_IMPORT_MAX_FILES,
            max_bytes=settings.SGO_IMPORT_MAX_BYTES,
            max_uncompressed_bytes=settings.SGO_IMPORT_MAX_UNCOMPRESSED_BYTES,
        )


# --------------------------------------------------------------------------- staging


class StagingWriter:
    """Stages one upload into its run file by file, counting against the limits.

    Bytes are counted as they are read, so a zip whose headers understate its
    contents is stopped by what it really unpacks to, not by what it claims. Each
    file is stored and previewed as soon as it is read, so only one file at a time
    is held in memory.
    """

    def __init__(self, run: ImportRun, *, limits: ImportLimits, aliases: dict[str, str]) -> None:
        self.run = run
        self.limits = limits
        self.aliases = aliases
        self.files: list[ImportFile] = []
        self.unpacked = 0
        self._names_by_sha: dict[str, str] = {}
        self.kept: list[str] = []  # PDFs and their texts stored beside the files
        self.ocr_left = settings.SGO_UPLOAD_OCR_PAGES
        # The PDFs of one upload are read within SGO_UPLOAD_PDF_SECONDS in all.
        self.deadline = monotonic() + settings.SGO_UPLOAD_PDF_SECONDS

    def _count_file(self) -> None:
        if len(self.files) >= self.limits.max_files:
            raise UploadRefused(
                f"Te veel bestanden: maximaal {self.limits.max_files} per upload "
                "(losse bestanden en bestanden in zip-archieven samen).",
                status=413,
            )

    def _spend(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_uncompressed_bytes:
            raise UploadRefused(
                "De upload is uitgepakt te groot: meer dan "
                f"{filesizeformat(self.limits.max_uncompressed_bytes)}. Er is niets ingelezen.",
                status=413,
            )

    def add(self, name: str, chunks: Iterable[bytes], *, archive: str | None = None) -> None:
        """Stage a text file, or each meeting of a PDF, with the preview's outcome."""
        data = self._read(name, chunks, archive=archive)
        if releases.is_pdf_name(name):
            self._add_release(name, data)
        else:
            self._count_file()
            self._stage(SourceFile(name=name, data=data))

    def _read(self, name: str, chunks: Iterable[bytes], *, archive: str | None) -> bytes:
        buffer = io.BytesIO()
        head = b""
        for chunk in chunks:
            self._spend(len(chunk))
            if len(head) < 8:
                head += chunk[:8]
                if archive and head.startswith(ARCHIVE_MAGIC):
                    raise UploadRefused(
                        f"{archive} bevat een ander archief ({name}). Archieven in "
                        "archieven worden niet uitgepakt; er is niets ingelezen."
                    )
            buffer.write(chunk)
        return buffer.getvalue()

    def _add_release(self, name: str, data: bytes) -> None:
        """Stage each meeting of a PDF as a file of its own; the PDF and its pages'
        texts are stored once beside them, for the import to keep. OCR reads at most
        SGO_UPLOAD_OCR_PAGES pages in the whole upload, and the reading of its PDFs
        is stopped after SGO_UPLOAD_PDF_SECONDS."""
        seconds = max(self.deadline - monotonic(), 0.1)
        parts = releases.read_release(name, data, ocr_pages=self.ocr_left, seconds=seconds)
        stored: dict[str, str] = {}
        for part in parts:
            if part.error or part.part is None:
                status = Status.SKIPPED if part.skipped else Status.FAILED
                self.refuse(part.name, part.error, size=len(data), status=status)
                continue
            self._count_file()
            source = SourceFile(name=part.name, data=part.data, part=part.part)
            if source.sha256 in self._names_by_sha:
                self._stage(source)  # the same meeting twice: its PDF is not needed
                continue
            if not stored:
                stored = self._store_release(part.part.release)
                self.ocr_left -= len(part.part.release.ocr_pages)
            pages = {"first": part.part.first_page, "last": part.part.last_page}
            self._stage(source, pages={**stored, **pages, "ocr": list(part.part.ocr_pages)})

    def _store_release(self, release: releases.PdfRelease) -> dict[str, str]:
        number = len(self.files)
        texts = {"pages": list(release.page_texts), "ocr": list(release.ocr_pages)}
        stored = {
            "name": release.name,
            "file": default_storage.save(
                f"{STAGING_FOLDER}{self.run.pk}-{number}.pdf", ContentFile(release.data)
            ),
        }
        self.kept.append(stored["file"])
        stored["texts"] = default_storage.save(
            f"{STAGING_FOLDER}{self.run.pk}-{number}.json", ContentFile(json.dumps(texts).encode())
        )
        self.kept.append(stored["texts"])
        return stored

    def _stage(self, source: SourceFile, *, pages: dict[str, Any] | None = None) -> ImportFile:
        """Stage one text with the preview's outcome; the same content twice is kept once."""
        name = source.name
        if source.sha256 in self._names_by_sha:
            return self._save(
                ImportFile(
                    name=name[:255],
                    sha256=source.sha256,
                    size=source.size,
                    status=Status.FAILED,
                    error=f"Zelfde inhoud als {self._names_by_sha[source.sha256]} in deze upload.",
                )
            )
        self._names_by_sha[source.sha256] = name
        outcome = preview_file(source, aliases=self.aliases)
        preview = preview_data(outcome.parsed) if outcome.parsed else {}
        if outcome.check:
            preview["replacement"] = outcome.check.as_json()
        if pages:
            preview["pdf"] = pages
        return self._save(
            ImportFile(
                name=name[:255],
                sha256=source.sha256,
                size=source.size,
                status=outcome.status,
                error=failure_reason(outcome.error) if outcome.error else "",
                meeting=outcome.meeting,
                # Stored under a number, never under the uploaded name.
                data=ContentFile(source.data, name=f"{len(self.files)}.txt"),
                preview=preview,
            )
        )

    def refuse(
        self, name: str, reason: str, *, size: int = 0, status: Status = Status.FAILED
    ) -> ImportFile:
        """Record a file that will not be parsed (or pages that hold no minutes,
        `Status.SKIPPED`), so the preview and log can name it."""
        self._count_file()
        return self._save(ImportFile(name=name[:255], size=size, status=status, error=reason))

    def _save(self, file: ImportFile) -> ImportFile:
        file.run = self.run
        file.save()
        self.files.append(file)
        return file

    def abort(self) -> None:
        """Remove the bytes stored so far; the caller's transaction takes the rows."""
        staged = _stored_names([(file.data.name, file.preview) for file in self.files])
        for name in dict.fromkeys([*staged, *self.kept]):
            default_storage.delete(name)


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _base_name(name: str) -> str:
    """The file's own name, as `read_paths` uses it, so command and upload agree;
    control and bidi characters written out, so no page shows them raw."""
    return visible_name(PurePosixPath(name.replace("\\", "/")).name)


def unsafe_entry_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a zip entry must not be accepted, or None.

    Entries are never extracted by their own name, but an archive that tries to
    climb out of its folder or link elsewhere was made to attack something, so
    the whole upload is refused rather than quietly cleaned up.
    """
    name = info.filename.replace("\\", "/")
    parts = name.split("/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "heeft een absoluut pad"
    if ".." in parts:
        return "verwijst naar een map buiten het archief (‘../’)"
    if "\x00" in name:
        return "heeft een ongeldige naam"
    # The Unix mode sits in the high 16 bits; 0o120000 marks a symbolic link.
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return "is een symbolische koppeling"
    if not info.is_dir() and name.lower().endswith(ARCHIVE_SUFFIXES):
        return "is zelf een archief; archieven in archieven worden niet uitgepakt"
    return None


def _is_metadata(info: zipfile.ZipInfo) -> bool:
    name = info.filename.replace("\\", "/")
    return name.startswith(METADATA_PREFIXES) or _base_name(name) in METADATA_NAMES


def stage_zip(name: str, stream: IO[bytes], writer: StagingWriter) -> None:
    """Read the .txt and .pdf entries of a zip; other entries are recorded as refused."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"{name} is geen geldig zip-bestand. Er is niets ingelezen.") from exc
    with archive:
        entries = archive.infolist()
        for info in entries:
            reason = unsafe_entry_reason(info)
            if reason:
                raise UploadRefused(
                    f"{name} is geweigerd: ‘{visible_name(info.filename)}’ {reason}. "
                    "Er is niets ingelezen."
                )
        entries = [i for i in entries if not i.is_dir() and not _is_metadata(i)]
        if len(writer.files) + len(entries) > writer.limits.max_files:
            raise UploadRefused(
                f"{name} bevat {len(entries)} bestanden; maximaal {writer.limits.max_files} "
                "per upload. Er is niets ingelezen.",
                status=413,
            )
        # A cheap early refusal from the headers; the real count happens while reading.
        declared = sum(i.file_size for i in entries)
        if writer.unpacked + declared > writer.limits.max_uncompressed_bytes:
            raise UploadRefused(
                f"{name} is uitgepakt te groot ({filesizeformat(declared)}); maximaal "
                f"{filesizeformat(writer.limits.max_uncompressed_bytes)}. Er is niets ingelezen.",
                status=413,
            )
        for info in entries:
            entry = _base_name(info.filename)
            if info.flag_bits & 0x1:
                writer.refuse(entry, "Versleuteld bestand; niet gelezen.", size=info.file_size)
            elif not entry.lower().endswith(READ_SUFFIXES):
                writer.refuse(entry, NOT_TXT, size=info.file_size)
            else:
                try:
                    with archive.open(info) as member:
                        writer.add(entry, _chunks(member), archive=name)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                    raise UploadRefused(
                        f"{name} is beschadigd of gebruikt een onbekende compressie "
                        f"(bij ‘{visible_name(info.filename)}’). Er is niets ingelezen."
                    ) from exc


def read_uploads(uploads: Iterable[UploadedFile], writer: StagingWriter) -> None:
    """Read every uploaded file; raise UploadRefused if the upload breaks a rule."""
    for upload in uploads:
        name = _base_name(upload.name or "naamloos")
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in READ_SUFFIXES:
            writer.add(name, upload.chunks(CHUNK_SIZE))
        elif suffix == ".zip":
            upload.seek(0)
            stage_zip(name, upload, writer)
        else:
            writer.refuse(
                name,
                "Geen .txt-, .pdf- of .zip-bestand; alleen tekstbestanden en pdf's worden gelezen.",
                size=upload.size or 0,
            )


def failure_reason(error: str) -> str:
    """Why the preview will not import a file: the parser's reason (a Dutch message
    from `parsing.text.PARSE_ERRORS`), or another refusal's, said as a refusal."""
    return f"Niet te lezen als verslag: {error}"


def preview_data(parsed: parsing.ParsedMeeting) -> dict[str, Any]:
    """What the preview page shows of a parsed file, as JSON (no body texts)."""
    data = parsed.as_json()
    for key in ("body", "place", "reference", "document_date", "encoding"):
        data.pop(key, None)
    for item in data["agenda_items"]:
        item.pop("body", None)
    data["item_count"] = agenda_item_count(parsed)
    data["warnings"] = [warning.message for warning in parsed.warnings]
    data["withheld_passages"] = parsed.withheld_passages
    return data


def stage_upload(
    uploads: Iterable[UploadedFile],
    *,
    user: AbstractBaseUser,
    limits: ImportLimits,
    release_url: str = "",
) -> ImportRun:
    """Read, check and preview an upload, and stage it for its user to confirm.

    `release_url` (checked by the form) is the Woo release the files came from: the
    run keeps it, and the meetings it imports get it once confirmed.
    Raises UploadRefused, with nothing stored, if the upload breaks a rule.
    """
    purge_expired()
    now = timezone.now()
    with transaction.atomic():
        run = ImportRun.objects.create(
            origin=ImportRun.Origin.UPLOAD,
            user=user,
            status=ImportRun.Status.STAGED,
            staged_at=now,
            started_at=now,
            release_url=release_url,
        )
        writer = StagingWriter(run, limits=limits, aliases=alias_table())
        try:
            read_uploads(uploads, writer)
        except BaseException:
            writer.abort()
            raise
    return run


def load_staged(run_id: str, *, user: AbstractBaseUser) -> ImportRun:
    """The user's own staged upload, or StagingUnavailable."""
    if not re.fullmatch(r"[0-9]{1,18}", run_id):  # a bigint, in ASCII digits
        raise StagingUnavailable(GONE)
    run = ImportRun.staged.filter(pk=int(run_id), user=user).first()
    if run is None:
        raise StagingUnavailable(GONE)
    if run.staged_at is None or run.staged_at < _expiry():
        discard(run)
        raise StagingUnavailable("Deze voorvertoning is verlopen. Upload de bestanden opnieuw.")
    return run


def staged_files(run: ImportRun) -> list[ImportFile]:
    return list(ImportFile.staged.filter(run=run).select_related("meeting").order_by("pk"))


def discard(run: ImportRun) -> None:
    """Remove a staged upload: its stored bytes and its rows."""
    names = _stored_names(ImportFile.staged.filter(run=run).values_list("data", "preview"))
    ImportRun.staged.filter(pk=run.pk).delete()
    for name in names:
        default_storage.delete(name)


def _stored_names(files: Iterable[tuple[str, dict[str, Any]]]) -> list[str]:
    """What a staged upload stored: each file's bytes, and each PDF and its texts once."""
    names: dict[str, None] = {}
    for data, preview in files:
        if data:
            names[data] = None
        pages = (preview or {}).get("pdf")
        if pages:
            names[pages["file"]] = names[pages["texts"]] = None
    return list(names)


def purge_expired() -> int:
    """Remove previews nobody confirmed in time; cheap enough to run on every upload."""
    expired = list(ImportRun.staged.filter(staged_at__lt=_expiry()))
    for run in expired:
        discard(run)
    return len(expired)


def _expiry() -> datetime:
    return timezone.now() - timedelta(seconds=settings.SGO_IMPORT_STAGING_SECONDS)


def confirm(
    run: ImportRun,
    *,
    chosen: Collection[str],
    forced: Collection[str] = (),
    series: str = "",
) -> BatchResult:
    """Import the chosen files of a staged upload, and log the ones that failed.

    Files refused before parsing and files the parser rejected in the preview are
    logged as failed with the preview's reason, unread; parseable files the user
    did not tick are left out, as the user asked. Every chosen file is read and
    checked before anything is imported: all or nothing. A chosen file that is a
    suspicious replacement replaces its meeting only if its sha256 is in `forced`
    too (the preview's per-file confirmation); otherwise it is logged as failed,
    with the differences, and the meeting keeps its version. Every meeting goes into
    the series named `series` (a slug or a name; a new name is created once the run
    is claimed, so a refused confirmation leaves no empty series), else into the
    series its document names.
    """
    chosen = set(chosen)
    if not chosen:
        raise SelectionInvalid("Kies ten minste één bestand om te importeren.")
    if not ImportRun.staged.filter(pk=run.pk).exists():
        raise StagingUnavailable(GONE)
    files = staged_files(run)
    if not chosen <= {f.sha256 for f in files if f.data}:
        raise SelectionInvalid(SelectionInvalid.message)
    sources = []
    released: dict[str, releases.PdfRelease] = {}
    for file in files:
        if file.status in (Status.FAILED, Status.SKIPPED):
            skipped = file.status == Status.SKIPPED
            sources.append(
                SourceFile(
                    name=file.name,
                    error=file.error,
                    sha256=file.sha256,
                    size=file.size,
                    skipped=skipped,
                )
            )
        elif file.sha256 in chosen:
            sources.append(_read_staged(run, file, released))
    # Claim the run, so a second confirmation (another tab, a double click) finds it gone.
    if not ImportRun.staged.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING):
        raise StagingUnavailable(GONE)
    names = _stored_names([(file.data.name, file.preview) for file in files])
    # The log gets the import's own rows; the staged ones have served their purpose.
    ImportFile._base_manager.filter(pk__in=[file.pk for file in files]).delete()
    try:
        # Parsed in this process: at most SGO_IMPORT_MAX_FILES files, and a web worker
        # (perhaps with threads) is no place to fork a pool.
        named = SeriesBook().named(series) if series.strip() else None
        # The open data download is rebuilt in the background: the admin does not wait.
        return import_batch(
            sources,
            run=run,
            force=set(forced) & chosen,
            workers=1,
            series=named,
            open_data_in_background=True,
        )
    finally:
        for name in names:
            default_storage.delete(name)


def _read_staged(
    run: ImportRun, file: ImportFile, released: dict[str, releases.PdfRelease]
) -> SourceFile:
    """The staged bytes of a file, refused unless they still hash as previewed; a
    meeting of a PDF with its pages (each PDF read once, into `released`)."""
    pages = file.preview.get("pdf")
    try:
        with file.data.open("rb") as stored:
            data = stored.read()
        part = None
        if pages:
            if pages["file"] not in released:
                released[pages["file"]] = _staged_release(pages)
            release = released[pages["file"]]
            part = releases.PdfPart(release, pages["first"], pages["last"], tuple(pages["ocr"]))
        source = SourceFile(name=file.name, data=data, part=part)
    except (OSError, ValueError, KeyError) as exc:
        discard(run)
        raise StagingUnavailable(f"Bestand {file.name} is niet meer beschikbaar.") from exc
    if source.sha256 != file.sha256:
        discard(run)
        raise StagingUnavailable(
            f"Bestand {file.name} is veranderd sinds de voorvertoning; er is niets "
            "geïmporteerd. Upload de bestanden opnieuw."
        )
    return source


def _staged_release(pages: dict[str, Any]) -> releases.PdfRelease:
    """A staged PDF as it was read while staging: its bytes and its pages' texts."""
    with default_storage.open(pages["file"], "rb") as stored:
        data = stored.read()
    with default_storage.open(pages["texts"], "rb") as stored:
        texts = json.loads(stored.read())
    return releases.PdfRelease(
        name=pages["name"],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        page_texts=tuple(texts["pages"]),
        ocr_pages=tuple(texts["ocr"]),
    )


# --------------------------------------------------------------------------- preview


@dataclass(frozen=True)
class PreviewDetails:
    """What the parser read in a staged file, for the preview table."""

    meeting_date: date
    start_time: time | None
    end_time: time | None
    agenda_items: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    ministries_present: list[str]
    ministries_mentioned: list[str]
    redaction_codes: list[str]
    withheld_passages: int
    warnings: list[str]
    series: str | None = None  # as the document names it
    template: str = "sgo"
    pdf: dict[str, Any] | None = None  # the pages of a PDF it was read from

    @property
    def series_label(self) -> str:
        """The series the import would choose when the admin names none."""
        if self.series:
            return self.series
        return "SGO" if self.template == "sgo" else "niet herkend: Overige verslagen"

    @property
    def pages(self) -> str:
        return pdf.page_range(self.pdf["first"], self.pdf["last"]) if self.pdf else ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PreviewDetails:
        def clock(value: str | None) -> time | None:
            return time.fromisoformat(value) if value else None

        return cls(
            meeting_date=date.fromisoformat(data["meeting_date"]),
            start_time=clock(data.get("start_time")),
            end_time=clock(data.get("end_time")),
            # Labelled by the one label rule: "5.", "Ingelast"; "Punt 5", "Punt Ingelast".
            agenda_items=[
                {**item, "list_label": parsing.list_label(item["number"])}
                for item in data.get("agenda_items", [])
            ],
            decisions=[
                {**decision, "item_label": parsing.item_label(decision["item"])}
                for decision in data.get("decisions", [])
            ],
            ministries_present=data.get("ministries_present", []),
            ministries_mentioned=data.get("ministries_mentioned", []),
            redaction_codes=data.get("redaction_codes", []),
            withheld_passages=data.get("withheld_passages", 0),
            warnings=data.get("warnings", []),
            series=data.get("series"),
            template=data.get("template", "sgo"),
            pdf=data.get("pdf"),
        )


@dataclass
class PreviewRow:
    """One staged file as the preview table shows it."""

    file: ImportFile

    @property
    def outcome(self) -> ImportFile:
        # The staged row is the preview's outcome: status, error, existing meeting.
        return self.file

    @property
    def status(self) -> str:
        return self.file.status

    @property
    def status_label(self) -> str:
        return Status(self.file.status).preview_label

    @property
    def selectable(self) -> bool:
        return self.file.status not in (Status.FAILED, Status.SKIPPED)

    @cached_property
    def parsed(self) -> PreviewDetails | None:
        # A file the parser refused has no reading (a PDF's part keeps only its pages).
        preview = self.file.preview
        return PreviewDetails.from_json(preview) if preview.get("meeting_date") else None

    @property
    def existing(self) -> Meeting | None:
        return self.file.meeting

    @cached_property
    def replacement(self) -> ReplacementCheck | None:
        """How a replacement compares with the stored version (None for other files)."""
        data = self.file.preview.get("replacement")
        return ReplacementCheck.from_json(data) if data else None

    @property
    def suspicious(self) -> bool:
        return bool(self.replacement and self.replacement.suspicious)

    @property
    def item_count(self) -> int:
        """The agenda items as the public pages and the replacement check count them
        (`services.agenda_item_count`, taken when the file was staged)."""
        return self.file.preview.get("item_count", 0)

    @property
    def subitem_count(self) -> int:
        """The sub-items (3a, 3b …) under them, said separately."""
        return sum(len(item["subitems"]) for item in self.file.preview.get("agenda_items", []))

    @property
    def item_count_with_subitems(self) -> int:
        return self.item_count + self.subitem_count


def preview_rows(run: ImportRun) -> list[PreviewRow]:
    return [PreviewRow(file) for file in staged_files(run)]
