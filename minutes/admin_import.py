"""Import minutes from the browser: upload, preview, then import what was confirmed.

Step 1 reads the uploaded .txt files and .zip archives of them, enforces the limits
and writes the bytes to a staging directory named by a random token. Nothing is
written to the database. Step 2 parses the staged files with the import service's
`preview_file` and shows what importing them would do. Step 3 hands the files the
user ticked to `import_batch`, the code path `manage.py import_minutes` uses too.

The uploaded bytes never travel back to the browser: the confirmation form carries
only the token (in its URL) and the sha256 of each chosen file. The token is bound
to the user and the session, and every staged file's sha256 is checked again just
before import, so what gets imported is exactly what was previewed. Uploaded
content is only ever decoded as text by the parser and shown escaped; it is never
stored under its own name, executed or served.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from minutes import parsing
from minutes.models import ImportFile, ImportRun, Meeting
from minutes.services import (
    BatchResult,
    FileOutcome,
    SourceFile,
    alias_table,
    import_batch,
    preview_file,
)

Status = ImportFile.Status

IMPORT_PERMISSION = "minutes.import_minutes"
CHUNK_SIZE = 64 * 1024
# An unconfirmed preview is thrown away after this long.
STAGING_TTL_SECONDS = 2 * 60 * 60
SESSION_KEY = "minutes_import_tokens"
# secrets.token_urlsafe(32): the only shape a token can have, so it is safe in a path.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Room for the multipart headers and form fields around the files themselves.
MULTIPART_ALLOWANCE = 64 * 1024
# Archives inside the zip are refused rather than unpacked: each layer multiplies
# what a small upload can expand to.
ARCHIVE_SUFFIXES = (".zip", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".7z", ".rar", ".jar", ".zst")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")
# Finder adds these to every zip it makes; they are not files anyone chose.
METADATA_PREFIXES = ("__MACOSX/",)
METADATA_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")


class UploadRefused(Exception):
    """The whole upload is refused; the message (Dutch) says why."""


class StagingUnavailable(Exception):
    """The preview is gone, expired, or not this user's; the message says so."""


class SelectionInvalid(Exception):
    """The confirmation does not match the preview; nothing was imported."""

    message = "De keuze hoort niet bij deze voorvertoning; er is niets geïmporteerd."


@dataclass(frozen=True)
class ImportLimits:
    max_files: int
    max_bytes: int
    max_uncompressed_bytes: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_files=getattr(settings, "SGO_IMPORT_MAX_FILES", 100),
            max_bytes=getattr(settings, "SGO_IMPORT_MAX_BYTES", 20 * 1024 * 1024),
            max_uncompressed_bytes=getattr(
                settings, "SGO_IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024
            ),
        )


# --------------------------------------------------------------------------- staging


@dataclass
class StagedFile:
    """One file of an upload. A file refused before parsing keeps no bytes."""

    name: str
    sha256: str
    size: int
    error: str = ""

    @property
    def stored(self) -> bool:
        return not self.error


@dataclass
class Staging:
    """An upload waiting in its own directory for preview and confirmation."""

    token: str
    directory: Path
    user_id: int
    created: float
    files: list[StagedFile] = field(default_factory=list)

    def read(self, index: int) -> bytes:
        """The staged bytes of a file, refused unless they still hash as recorded."""
        staged = self.files[index]
        try:
            data = (self.directory / f"{index}.bin").read_bytes()
        except OSError as exc:
            raise SelectionInvalid(f"Bestand {staged.name} is niet meer beschikbaar.") from exc
        if hashlib.sha256(data).hexdigest() != staged.sha256:
            raise SelectionInvalid(
                f"Bestand {staged.name} is veranderd sinds de voorvertoning; er is niets "
                "geïmporteerd. Upload de bestanden opnieuw."
            )
        return data

    def verify(self) -> None:
        """Check every stored file before anything is imported: all or nothing."""
        for index, staged in enumerate(self.files):
            if staged.stored:
                self.read(index)


class StagingWriter:
    """Writes one upload into its staging directory, counting against the limits.

    Bytes are counted as they are read, so a zip whose headers understate its
    contents is stopped by what it really unpacks to, not by what it claims.
    """

    def __init__(self, directory: Path, *, token: str, user_id: int, limits: ImportLimits):
        self.directory = directory
        self.token = token
        self.user_id = user_id
        self.limits = limits
        self.files: list[StagedFile] = []
        self.unpacked = 0
        self._names_by_sha: dict[str, str] = {}

    def _count_file(self) -> None:
        if len(self.files) >= self.limits.max_files:
            raise UploadRefused(
                f"Te veel bestanden: maximaal {self.limits.max_files} per upload "
                "(losse bestanden en bestanden in zip-archieven samen)."
            )

    def _spend(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_uncompressed_bytes:
            raise UploadRefused(
                "De upload is uitgepakt te groot: meer dan "
                f"{filesizeformat(self.limits.max_uncompressed_bytes)}. Er is niets ingelezen."
            )

    def add(self, name: str, chunks: Iterable[bytes], *, archive: str | None = None) -> StagedFile:
        """Stage a text file under a numbered name (never its own, so no path tricks)."""
        self._count_file()
        index = len(self.files)
        target = self.directory / f"{index}.bin"
        digest = hashlib.sha256()
        size = 0
        head = b""
        with target.open("xb") as out:
            for chunk in chunks:
                self._spend(len(chunk))
                if len(head) < 8:
                    head += chunk[:8]
                    if archive and head.startswith(ARCHIVE_MAGIC):
                        raise UploadRefused(
                            f"{archive} bevat een ander archief ({name}). Archieven in "
                            "archieven worden niet uitgepakt; er is niets ingelezen."
                        )
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        sha256 = digest.hexdigest()
        error = ""
        if sha256 in self._names_by_sha:
            error = f"Zelfde inhoud als {self._names_by_sha[sha256]} in deze upload."
        self._names_by_sha.setdefault(sha256, name)
        if error:
            target.unlink()
        staged = StagedFile(name=name, sha256=sha256, size=size, error=error)
        self.files.append(staged)
        return staged

    def refuse(self, name: str, reason: str, *, size: int = 0) -> StagedFile:
        """Record a file that will not be parsed, so the preview and log can name it."""
        self._count_file()
        staged = StagedFile(name=name, sha256="", size=size, error=reason)
        self.files.append(staged)
        return staged

    def commit(self) -> Staging:
        staging = Staging(
            token=self.token,
            directory=self.directory,
            user_id=self.user_id,
            created=time.time(),
            files=self.files,
        )
        manifest = {
            "user_id": staging.user_id,
            "created": staging.created,
            "files": [vars(f) for f in staging.files],
        }
        (self.directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return staging

    def abort(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


class StagingStore:
    """Staging directories under one root, each named by a random token."""

    def __init__(self, root: Path, *, ttl: float = STAGING_TTL_SECONDS):
        self.root = root
        self.ttl = ttl

    @classmethod
    def from_settings(cls) -> StagingStore:
        configured = getattr(settings, "SGO_IMPORT_STAGING_DIR", "")
        if configured:
            return cls(Path(configured))
        return cls(Path(tempfile.gettempdir()) / "sgo-archief-import")

    def create(self, *, user_id: int, limits: ImportLimits) -> StagingWriter:
        # Private to this process's user: the staged files are other people's minutes.
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        token = secrets.token_urlsafe(32)
        directory = self.root / token
        directory.mkdir(mode=0o700)
        return StagingWriter(directory, token=token, user_id=user_id, limits=limits)

    def load(self, token: str, *, user_id: int) -> Staging:
        gone = StagingUnavailable(
            "Deze voorvertoning bestaat niet (meer). Upload de bestanden opnieuw."
        )
        if not TOKEN_RE.match(token):
            raise gone
        directory = self.root / token
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
            owner, created = manifest["user_id"], float(manifest["created"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise gone from exc
        if owner != user_id:
            raise gone
        if time.time() - created > self.ttl:
            self.discard(token)
            raise StagingUnavailable("Deze voorvertoning is verlopen. Upload de bestanden opnieuw.")
        return Staging(
            token=token,
            directory=directory,
            user_id=user_id,
            created=created,
            files=[StagedFile(**f) for f in manifest["files"]],
        )

    def discard(self, token: str) -> None:
        if TOKEN_RE.match(token):
            shutil.rmtree(self.root / token, ignore_errors=True)

    def purge_expired(self) -> None:
        """Remove previews nobody confirmed; cheap enough to run on every upload."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - self.ttl
        for directory in self.root.iterdir():
            try:
                expired = directory.stat().st_mtime < cutoff
            except OSError:  # removed meanwhile by a confirmation in another request
                continue
            if expired and TOKEN_RE.match(directory.name):
                shutil.rmtree(directory, ignore_errors=True)


def remember_token(session: SessionBase, token: str) -> None:
    # A short list: a user may have a few previews open in different tabs.
    session[SESSION_KEY] = [*session.get(SESSION_KEY, [])[-9:], token]


def owns_token(session: SessionBase, token: str) -> bool:
    return token in session.get(SESSION_KEY, [])


def forget_token(session: SessionBase, token: str) -> None:
    session[SESSION_KEY] = [t for t in session.get(SESSION_KEY, []) if t != token]


# --------------------------------------------------------------------------- reading


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_SIZE):
        yield chunk


def _base_name(name: str) -> str:
    """The file's own name, as `read_paths` uses it, so command and upload agree."""
    return PurePosixPath(name.replace("\\", "/")).name


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
    """Stage the .txt entries of a zip; other entries are recorded as refused."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadRefused(f"{name} is geen geldig zip-bestand.") from exc
    with archive:
        entries = archive.infolist()
        for info in entries:
            reason = unsafe_entry_reason(info)
            if reason:
                raise UploadRefused(
                    f"{name} is geweigerd: ‘{info.filename}’ {reason}. Er is niets ingelezen."
                )
        entries = [i for i in entries if not i.is_dir() and not _is_metadata(i)]
        if len(writer.files) + len(entries) > writer.limits.max_files:
            raise UploadRefused(
                f"{name} bevat {len(entries)} bestanden; maximaal {writer.limits.max_files} "
                "per upload. Er is niets ingelezen."
            )
        # A cheap early refusal from the headers; the real count happens while reading.
        declared = sum(i.file_size for i in entries)
        if writer.unpacked + declared > writer.limits.max_uncompressed_bytes:
            raise UploadRefused(
                f"{name} is uitgepakt te groot ({filesizeformat(declared)}); maximaal "
                f"{filesizeformat(writer.limits.max_uncompressed_bytes)}. Er is niets ingelezen."
            )
        for info in entries:
            entry = _base_name(info.filename)
            if info.flag_bits & 0x1:
                writer.refuse(entry, "Versleuteld bestand; niet gelezen.", size=info.file_size)
            elif not entry.lower().endswith(".txt"):
                writer.refuse(
                    entry,
                    "Geen .txt-bestand; alleen tekstbestanden worden gelezen.",
                    size=info.file_size,
                )
            else:
                try:
                    with archive.open(info) as member:
                        writer.add(entry, _chunks(member), archive=name)
                except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                    raise UploadRefused(
                        f"{name} is beschadigd of gebruikt een onbekende compressie "
                        f"(bij ‘{info.filename}’). Er is niets ingelezen."
                    ) from exc


def stage_uploads(uploads: Iterable[UploadedFile], writer: StagingWriter) -> None:
    """Stage every uploaded file; raise UploadRefused if the upload breaks a rule."""
    for upload in uploads:
        name = _base_name(upload.name or "naamloos")
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".txt":
            writer.add(name, upload.chunks(CHUNK_SIZE))
        elif suffix == ".zip":
            upload.seek(0)
            stage_zip(name, upload, writer)
        else:
            writer.refuse(
                name,
                "Geen .txt- of .zip-bestand; alleen tekstbestanden worden gelezen.",
                size=upload.size or 0,
            )


# --------------------------------------------------------------------------- preview


STATUS_LABELS = {
    Status.IMPORTED: "Nieuw",
    Status.UNCHANGED: "Ongewijzigd",
    Status.REPLACED: "Gewijzigde versie",
    Status.FAILED: "Mislukt",
}


@dataclass
class PreviewRow:
    """What importing one staged file would do, for the preview table."""

    index: int
    file: StagedFile
    outcome: FileOutcome

    @property
    def status(self) -> str:
        return str(self.outcome.status)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.outcome.status]

    @property
    def selectable(self) -> bool:
        return self.outcome.status != Status.FAILED

    @property
    def parsed(self) -> parsing.ParsedMeeting | None:
        return self.outcome.parsed

    @property
    def existing(self) -> Meeting | None:
        return self.outcome.meeting

    @property
    def item_count(self) -> int:
        if not self.parsed:
            return 0
        return sum(1 + len(item.subitems) for item in self.parsed.agenda_items)


def failure_reason(error: str) -> str:
    """The parser speaks English; the admin speaks Dutch, around the parser's reason."""
    return f"Niet te lezen als verslag: {error}"


def build_preview(staging: Staging) -> list[PreviewRow]:
    """Parse every staged file without writing, through the import service."""
    aliases = alias_table()
    rows = []
    for index, staged in enumerate(staging.files):
        if staged.stored:
            source = SourceFile(name=staged.name, data=staging.read(index))
            outcome = preview_file(source, aliases=aliases)
            if outcome.status == Status.FAILED:
                outcome.error = failure_reason(outcome.error)
        else:
            outcome = _refused_outcome(staged)
        rows.append(PreviewRow(index=index, file=staged, outcome=outcome))
    return rows


def _refused_outcome(staged: StagedFile) -> FileOutcome:
    return FileOutcome(
        name=staged.name,
        status=Status.FAILED,
        sha256=staged.sha256,
        size=staged.size,
        error=staged.error,
    )


def _parses(data: bytes, aliases: dict[str, str]) -> bool:
    try:
        parsing.parse_minutes(data, aliases=aliases)
    except parsing.ParseError:
        return False
    return True


def import_staged(
    staging: Staging, *, chosen: Collection[str], user: AbstractBaseUser | None
) -> BatchResult:
    """Import the chosen files of a staged upload, and log the ones that failed.

    Files refused before parsing and files the parser rejects are written to the
    import log as failed, so the log shows the whole upload; parseable files the
    user did not tick are left out, as the user asked.
    """
    chosen = set(chosen)
    if not chosen:
        raise SelectionInvalid("Kies ten minste één bestand om te importeren.")
    if not chosen <= {f.sha256 for f in staging.files if f.stored}:
        raise SelectionInvalid(SelectionInvalid.message)
    staging.verify()
    aliases = alias_table()
    sources: list[SourceFile | FileOutcome] = []
    for index, staged in enumerate(staging.files):
        if not staged.stored:
            sources.append(_refused_outcome(staged))
            continue
        data = staging.read(index)
        if staged.sha256 in chosen or not _parses(data, aliases):
            sources.append(SourceFile(name=staged.name, data=data))
    return import_batch(sources, origin=ImportRun.Origin.UPLOAD, user=user)


def summary_nl(result: BatchResult) -> str:
    return ", ".join(f"{result.count(status)} {status.label}" for status in Status)


# --------------------------------------------------------------------------- forms


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Bestanden",
        error_messages={"required": "Kies ten minste één bestand."},
    )

    def __init__(self, *args: Any, limits: ImportLimits, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.fields["files"].help_text = (
            "Eén of meer verslagen als .txt-bestand, of een .zip-bestand met .txt-bestanden. "
            f"Maximaal {limits.max_files} bestanden en {filesizeformat(limits.max_bytes)} "
            f"per upload; uitgepakt maximaal {filesizeformat(limits.max_uncompressed_bytes)}."
        )

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > self.limits.max_files:
            raise forms.ValidationError(
                f"Te veel bestanden ({len(files)}); maximaal {self.limits.max_files} per upload."
            )
        total = sum(f.size or 0 for f in files)
        if total > self.limits.max_bytes:
            raise forms.ValidationError(
                f"De upload is te groot ({filesizeformat(total)}); maximaal "
                f"{filesizeformat(self.limits.max_bytes)}."
            )
        return files


class ConfirmForm(forms.Form):
    """Only the sha256s of the chosen files; everything else stays on the server."""

    files = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": SelectionInvalid.message},
    )

    def __init__(self, *args: Any, staging: Staging, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].choices = [(f.sha256, f.name) for f in staging.files if f.stored]


# --------------------------------------------------------------------------- views


def oversized_request_message(request: HttpRequest, limits: ImportLimits) -> str | None:
    """Refuse from Content-Length alone, before Django reads the body to disk."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > limits.max_bytes + MULTIPART_ALLOWANCE:
        return (
            f"De upload is te groot ({filesizeformat(length)}); maximaal "
            f"{filesizeformat(limits.max_bytes)}. Er is niets ingelezen."
        )
    return None


class MinutesImportAdminMixin:
    """Adds "Verslagen importeren" under a ModelAdmin's URLs (…/importeren/)."""

    admin_site: Any
    opts: Any

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "importeren/",
                # CSRF is checked inside the view, after the size checks: see there.
                self.admin_site.admin_view(csrf_exempt(self.import_upload_view)),
                name=f"{name}_import",
            ),
            path(
                "importeren/<str:token>/",
                self.admin_site.admin_view(self.import_preview_view),
                name=f"{name}_import_preview",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm(IMPORT_PERMISSION)

    def _upload_url(self) -> str:
        return reverse(f"{self.admin_site.name}:minutes_importrun_import")

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict[str, Any]:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "upload_url": self._upload_url(),
            **extra,
        }

    def _render_upload(
        self, request: HttpRequest, form: UploadForm, *, refusal: str = "", status: int = 200
    ) -> HttpResponse:
        context = self._context(
            request, "Verslagen importeren", form=form, limits=form.limits, refusal=refusal
        )
        return TemplateResponse(request, "admin/minutes/import/upload.html", context, status=status)

    def import_upload_view(self, request: HttpRequest) -> HttpResponse:
        """Step 1: the upload form; a valid upload is staged and shown as a preview."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        limits = ImportLimits.from_settings()
        if request.method != "POST":
            return self._render_upload(request, UploadForm(limits=limits))
        # This view is csrf_exempt only so that an oversized body is refused before
        # anything reads it (the CSRF middleware would parse the whole upload first).
        # Nothing is changed on this path; the real work below is csrf_protect'ed.
        refusal = oversized_request_message(request, limits)
        if refusal is None:
            try:
                request.FILES  # noqa: B018 - parse now, to turn Django's own limits into a message
            except (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent, MultiPartParserError):
                refusal = (
                    f"De upload is geweigerd: te groot of te veel bestanden (maximaal "
                    f"{limits.max_files} bestanden, {filesizeformat(limits.max_bytes)})."
                )
        if refusal is not None:
            return self._render_upload(
                request, UploadForm(limits=limits), refusal=refusal, status=413
            )

        @csrf_protect
        def stage(request: HttpRequest) -> HttpResponse:
            return self._stage_upload(request, limits)

        return stage(request)

    def _stage_upload(self, request: HttpRequest, limits: ImportLimits) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, limits=limits)
        if not form.is_valid():
            return self._render_upload(request, form)
        store = StagingStore.from_settings()
        store.purge_expired()
        writer = store.create(user_id=request.user.pk, limits=limits)
        try:
            stage_uploads(form.cleaned_data["files"], writer)
            staging = writer.commit()
        except UploadRefused as exc:
            writer.abort()
            form.add_error("files", str(exc))
            return self._render_upload(request, form)
        except Exception:
            writer.abort()
            raise
        remember_token(request.session, staging.token)
        return redirect(f"{self.admin_site.name}:minutes_importrun_import_preview", staging.token)

    def import_preview_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Step 2 (GET) shows the preview; step 3 (POST) imports the chosen files."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        store = StagingStore.from_settings()
        try:
            if not owns_token(request.session, token):
                raise StagingUnavailable(
                    "Deze voorvertoning bestaat niet (meer). Upload de bestanden opnieuw."
                )
            staging = store.load(token, user_id=request.user.pk)
        except StagingUnavailable as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._upload_url())

        data = request.POST if request.method == "POST" else None
        form = ConfirmForm(data, staging=staging)
        if request.method == "POST" and form.is_valid():
            try:
                result = import_staged(
                    staging, chosen=form.cleaned_data["files"], user=request.user
                )
            except SelectionInvalid as exc:
                form.add_error(None, str(exc))
            else:
                store.discard(token)
                forget_token(request.session, token)
                messages.success(request, f"Import voltooid: {summary_nl(result)}.")
                assert result.run is not None
                return redirect(f"{self.admin_site.name}:minutes_importrun_change", result.run.pk)

        try:
            rows = build_preview(staging)
        except SelectionInvalid as exc:
            store.discard(token)
            messages.error(request, str(exc))
            return HttpResponseRedirect(self._upload_url())
        if form.is_bound:
            checked = set(request.POST.getlist("files"))
        else:
            checked = {row.file.sha256 for row in rows if row.selectable}
        context = self._context(
            request,
            "Voorvertoning import",
            form=form,
            rows=rows,
            checked=checked,
            selectable_count=sum(1 for row in rows if row.selectable),
            failed_count=sum(1 for row in rows if not row.selectable),
        )
        template = "admin/minutes/import/preview.html"
        return TemplateResponse(request, template, context, status=400 if form.errors else 200)
