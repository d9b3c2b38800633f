"""Released PDFs as sources for the import: one source per meeting in the PDF.

A Woo release is a PDF, often holding several documents (a decision letter, an
inventory, then the minutes one after another), with a text layer or scanned.
`minutes.pdf` reads its pages (OCR where a page has no text layer) and splits them
into documents; here each meeting's text becomes a source the parser reads like a
text file, and carries where it came from (`PdfPart`), so that its meeting records
its pages and the PDF is kept once (`SourceDocument`) for readers to download.

A PDF stored before is not read again: its pages' texts are kept with it, and split
anew, so a second import of a scanned release costs no OCR.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from minutes import pdf
from minutes.models import Meeting, SourceDocument
from minutes.parsing.text import normalise

PDF_SUFFIX = ".pdf"
NO_MEETING = "Geen verslag gevonden op {pages} (bijvoorbeeld een besluit of inventarislijst)."

PageProgress = Callable[[str, int, int], None]  # (file name, pages done, pages in all)


@dataclass(frozen=True)
class PdfRelease:
    """A released PDF as read: its bytes, and each page's text."""

    name: str
    data: bytes
    sha256: str
    page_texts: tuple[str, ...]
    ocr_pages: tuple[int, ...]

    @property
    def page_count(self) -> int:
        return len(self.page_texts)


@dataclass(frozen=True)
class PdfPart:
    """The pages of a release that hold one meeting."""

    release: PdfRelease
    first_page: int
    last_page: int
    ocr_pages: tuple[int, ...]

    @property
    def name(self) -> str:
        """The source's name: the PDF's, and the pages ("besluit.pdf, pagina's 3–7")."""
        return f"{self.release.name}, {pdf.page_range(self.first_page, self.last_page)}"

    @property
    def text_origin(self) -> str:
        return Meeting.TextOrigin.OCR if self.ocr_pages else Meeting.TextOrigin.PDF


@dataclass(frozen=True)
class ReleasePart:
    """What the import reads of a PDF: a meeting's text and pages, or why there is none."""

    name: str
    data: bytes = b""
    part: PdfPart | None = None
    error: str = ""
    skipped: bool = False  # pages that hold no minutes; `error` says so


def is_pdf_name(name: str) -> bool:
    return name.lower().endswith(PDF_SUFFIX)


def limits(*, ocr_pages: int | None = None) -> pdf.PdfLimits:
    """The PDF limits of settings; `ocr_pages` caps the pages OCR may read (an upload)."""
    return pdf.PdfLimits(
        max_bytes=settings.SGO_PDF_MAX_BYTES,
        max_pages=settings.SGO_PDF_MAX_PAGES,
        ocr=settings.SGO_OCR,
        ocr_timeout=settings.SGO_OCR_PAGE_SECONDS,
        max_ocr_pages=ocr_pages,
    )


def read_release(
    name: str,
    data: bytes,
    *,
    ocr_pages: int | None = None,
    progress: PageProgress | None = None,
    seconds: float | None = None,
    sha256: str = "",
) -> list[ReleasePart]:
    """The meetings in a PDF, each as the text the parser reads, or the PDF's error.

    With `seconds` the PDF is read in a child process stopped at that limit (no
    progress then), for a reader who waits. `sha256`: the PDF's, if known already.
    Pages before the first meeting (a decision letter, an inventory) are named as
    skipped, with the reason; a PDF that cannot be read is named with its error, and
    one in which no page starts minutes is left to the parser as one document.
    """
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    try:
        text = _stored_text(sha256) or _read(
            name, data, limits(ocr_pages=ocr_pages), progress, seconds
        )
    except pdf.PdfError as exc:
        return [ReleasePart(name=name, error=str(exc))]
    release = PdfRelease(
        name=name,
        data=data,
        sha256=sha256,
        page_texts=tuple(page.text for page in text.pages),
        ocr_pages=tuple(text.ocr_pages),
    )
    parts = []
    for document in pdf.split_documents(text):
        if not document.meeting:
            pages = document.label
            reason = NO_MEETING.format(pages=pages)
            parts.append(ReleasePart(name=f"{name}, {pages}", error=reason, skipped=True))
            continue
        part = PdfPart(release, document.first_page, document.last_page, document.ocr_pages)
        # Normalised as the parser normalises, so the text stored with the meeting
        # is exactly the text hashed here.
        parts.append(ReleasePart(name=part.name, data=normalise(document.text).encode(), part=part))
    return parts


def _read(
    name: str,
    data: bytes,
    bounds: pdf.PdfLimits,
    progress: PageProgress | None,
    seconds: float | None,
) -> pdf.PdfText:
    if seconds is not None:
        return pdf.read_pdf_in_child(data, bounds, seconds)
    report = (lambda done, total: progress(name, done, total)) if progress else None
    return pdf.read_pdf(data, bounds, progress=report)


def _stored_text(sha256: str) -> pdf.PdfText | None:
    """The pages of a PDF stored before, as they were read then."""
    stored = SourceDocument.objects.filter(sha256=sha256).only("page_texts", "ocr_pages").first()
    if stored is None or not stored.page_texts:
        return None
    ocr = set(stored.ocr_pages)
    pages = tuple(
        pdf.PdfPage(number=n, text=text, ocr=n in ocr)
        for n, text in enumerate(stored.page_texts, start=1)
    )
    return pdf.PdfText(pages=pages, page_count=len(pages))


def source_document(release: PdfRelease) -> SourceDocument:
    """The stored PDF of a release: stored now (file and row) if it is not yet.

    Call it before the transaction that writes the release's meetings: a file in
    storage is not rolled back, and a kept PDF with no meeting yet harms nothing
    (its pages' texts spare the next import the reading).
    """
    found = SourceDocument.objects.filter(sha256=release.sha256).first()
    if found is not None:
        return found
    document = SourceDocument(
        name=release.name[:255],
        sha256=release.sha256,
        size=len(release.data),
        page_count=release.page_count,
        ocr_pages=list(release.ocr_pages),
        page_texts=list(release.page_texts),
        imported_at=timezone.now(),
    )
    document.file.save(f"{release.sha256}.pdf", ContentFile(release.data), save=False)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Another import stored the same PDF meanwhile: keep theirs.
        document.file.delete(save=False)
        return SourceDocument.objects.get(sha256=release.sha256)
    return document


def mark_source(meeting: Meeting, part: PdfPart | None, document: SourceDocument | None) -> None:
    """Record where a meeting's text came from: a text file, or pages of a PDF."""
    if part is None or document is None:
        meeting.text_origin = Meeting.TextOrigin.TEXT
        meeting.source_document = None
        meeting.first_page = meeting.last_page = None
        meeting.ocr_pages = []
        return
    meeting.text_origin = part.text_origin
    meeting.source_document = document
    meeting.first_page, meeting.last_page = part.first_page, part.last_page
    meeting.ocr_pages = list(part.ocr_pages)
