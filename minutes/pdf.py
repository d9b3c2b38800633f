"""Woo release PDFs to text, page by page, and one PDF split into its meetings.

Pure: bytes and limits in, dataclasses out. No database, no Django settings (the caller
passes `PdfLimits`). The import service calls `read_pdf` and `split_documents`, then
hands each meeting's text to the parser.

- The text layer is read with PDFium (pypdfium2): fast, permissive licence, and it also
  renders the pages that need OCR. PDFium's runs of text are put in reading order (the
  letterhead column in the right margin first, the rest top to bottom, left to right) and
  shaped like the text files of the minutes: a table's label and value apart by a tab, a
  line that starts far right of the margin (a wrapped table value, the letterhead column)
  after a tab, a paragraph's wrapped lines joined, a blank line between paragraphs.
  Running page headers stay in the text (the SGO parser removes them).
- A page without a usable text layer (no text, or only a few stray characters) that holds
  an image (or text drawn as outlines) is a scan: it is rendered at 300 dpi, black
  redaction boxes are inverted so the code printed on them (5.1.2e) stays readable, and
  Tesseract (Dutch model) reads it in a subprocess with a time limit; its words are shaped
  into lines the same way.
- A new meeting starts on a page whose top holds the minutes' header table with a meeting
  date; pages before the first meeting (a Woo decision, an inventory) are kept apart.

Every failure is a `PdfError` whose message is a reason in Dutch for the person importing.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from minutes.parsing.dates import find_meeting_date
from minutes.parsing.header import parse_table

PDF_MAGIC = b"%PDF-"
# Readers accept the header anywhere in the first kilobyte (some tools write junk first).
MAGIC_WINDOW = 1024

# A text layer is usable when it holds this many letters or digits, most of what it holds.
MIN_USABLE_CHARS = 20
MIN_USABLE_RATIO = 0.5

# A page with this many paths and no usable text layer holds text drawn as outlines.
OUTLINE_PATHS = 200

# Rendering for OCR: 300 dpi, and never more pixels than an A3 page at that resolution
# (a page declared kilometres wide would otherwise need gigabytes).
OCR_DPI = 300
MAX_RENDER_PIXELS = 18_000_000
# Redaction boxes: cells of this many pixels that are mostly black are inverted.
BOX_CELL = 8
BOX_DARK = 100

# Layout: a gap wider than this many line heights between two pieces of one line is a
# column gap (a tab); a line starting this far (points) right of the page's left margin
# is indented (a leading tab).
COLUMN_GAP = 1.2
INDENT_POINTS = 48
PARAGRAPH_GAP = 0.9  # vertical gap, in line heights, that ends a paragraph
# A line that reaches to within this share of the column's width from its right edge was
# wrapped (the next word did not fit); one that ends earlier ends its paragraph.
WRAP_SLACK = 0.25
# Control characters PDFium reports for soft hyphens and unmapped glyphs.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
# A list's number or bullet alone: Word puts a tab stop after it, the text files a space.
LIST_MARKER_RE = re.compile(r"^\s*(?:[-•–*]|\d{1,2}[.)]|[a-z][.)])\s*$")
# What starts a list or agenda item, never a wrapped line's rest: "-", "•", "1.", "a)".
ITEM_START_RE = re.compile(r"^(?:[-•–*]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")

# A block of OCR'd lines that all start right of this share of the page's width is the
# letterhead column in the right margin.
MARGIN_COLUMN = 0.6

# How many of a page's first lines may hold the start of minutes.
TOP_LINES = 60
PAGE_ONE_RE = re.compile(r"Pagina\s+1\s+van\s+\d+")


class PdfError(Exception):
    """A PDF that cannot be read; the message is a reason in Dutch."""


@dataclass(frozen=True)
class PdfLimits:
    max_bytes: int
    max_pages: int
    ocr: bool  # OCR pages without a usable text layer
    ocr_timeout: float  # seconds per page
    ocr_language: str = "nld"
    # At most this many pages OCR'd (None: no cap): an upload is read while its
    # uploader waits, so a long scan is refused there and left to the command.
    max_ocr_pages: int | None = None


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    text: str
    ocr: bool


@dataclass(frozen=True)
class PdfText:
    pages: tuple[PdfPage, ...]
    page_count: int

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        return tuple(page.number for page in self.pages if page.ocr)


@dataclass(frozen=True)
class PdfDocument:
    """A run of pages: one meeting's minutes, or pages before the first meeting."""

    first_page: int
    last_page: int
    text: str
    ocr_pages: tuple[int, ...]
    meeting: bool

    @property
    def label(self) -> str:
        return page_range(self.first_page, self.last_page)


def page_range(first: int, last: int) -> str:
    """Pages as a reader cites them: "pagina 3", "pagina's 1–3"."""
    return f"pagina {first}" if first == last else f"pagina's {first}–{last}"


def is_pdf(data: bytes) -> bool:
    """True if the bytes start like a PDF."""
    return PDF_MAGIC in data[:MAGIC_WINDOW]


# --- Opening ---------------------------------------------------------------------------


def open_pdf(data: bytes, limits: PdfLimits) -> pdfium.PdfDocument:
    """The document, after the size, type, encryption and page-count checks."""
    if len(data) > limits.max_bytes:
        raise PdfError(
            f"Te groot bestand ({len(data):,} bytes; maximaal {limits.max_bytes:,})".replace(
                ",", "."
            )
        )
    if not data:
        raise PdfError("Lege pdf: het bestand is leeg")
    if not is_pdf(data):
        raise PdfError("Geen pdf: het bestand begint niet met %PDF-")
    try:
        # No password: a PDF encrypted with an empty user password (only the owner's
        # permissions restricted) opens; one that needs a password to open does not.
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        raise PdfError(_open_reason(error, data)) from error
    count = len(document)
    if count == 0:
        document.close()
        raise PdfError("Lege pdf: het document heeft geen pagina's")
    if count > limits.max_pages:
        document.close()
        raise PdfError(f"Te veel pagina's ({count}; maximaal {limits.max_pages})")
    return document


def _open_reason(error: pdfium.PdfiumError, data: bytes) -> str:
    """Why PDFium could not open the document.

    PDFium's error code is global and left as it was when a load fails without setting
    one (a page tree without pages), so a password error counts only if the document has
    an /Encrypt entry (in plain text even where the rest is compressed).
    """
    code = getattr(error, "err_code", None)
    if b"/Encrypt" in data:
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            return "Versleutelde pdf: het document vraagt een wachtwoord om te openen"
        if code == pdfium_c.FPDF_ERR_SECURITY:
            return "Versleutelde pdf: de beveiliging van het document wordt niet ondersteund"
    return "Beschadigde pdf: het document kan niet worden gelezen"


# --- The text layer --------------------------------------------------------------------


@dataclass
class _Line:
    left: float
    right: float
    bottom: float
    top: float
    parts: list[str]


def _same_line(line: _Line, left: float, bottom: float, top: float) -> bool:
    """A piece continues a line when it overlaps it vertically and lies to its right."""
    return _overlaps(line, bottom, top) and left >= line.right - 1


def layer_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> str:
    """The page's text layer as lines, with tabs for column gaps and indents.

    The letterhead column in the right margin first, in the order the PDF draws it; then
    the rest top to bottom, each line left to right (Word draws a floating header table
    after the text beside or below it, and a table's columns one after the other).
    """
    pieces = text_pieces(textpage)
    split = MARGIN_COLUMN * page.get_width()
    margin = [piece for piece in pieces if piece.left > split]
    body = reading_order([piece for piece in pieces if piece.left <= split])
    return format_lines(join_pieces(margin) + join_pieces(body))


def text_pieces(textpage: pdfium.PdfTextPage) -> list[_Line]:
    """PDFium's runs of text (part of one line each), in drawing order."""
    pieces = []
    for index in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(index)
        text = textpage.get_text_bounded(left, bottom, right, top)
        text = CONTROL_RE.sub("", text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
        if text.strip():
            pieces.append(_Line(left, right, bottom, top, [text]))
    return pieces


def reading_order(pieces: list[_Line]) -> list[_Line]:
    """Pieces top to bottom, and those of one line left to right."""
    rows: list[list[_Line]] = []
    for piece in sorted(pieces, key=lambda piece: -piece.top):
        row = rows[-1] if rows else None
        if row is not None and _overlaps(row[0], piece.bottom, piece.top):
            row.append(piece)
        else:
            rows.append([piece])
    return [piece for row in rows for piece in sorted(row, key=lambda piece: piece.left)]


def _overlaps(line: _Line, bottom: float, top: float) -> bool:
    """Do they overlap vertically by half the smaller height?"""
    overlap = min(line.top, top) - max(line.bottom, bottom)
    height = min(line.top - line.bottom, top - bottom)
    return height > 0 and overlap > 0.5 * height


def join_pieces(pieces: list[_Line]) -> list[_Line]:
    """Pieces joined into lines: a piece to the right of the last one on its line joins it."""
    lines: list[_Line] = []
    for piece in pieces:
        text = piece.parts[0]
        line = lines[-1] if lines else None
        if line is not None and _same_line(line, piece.left, piece.bottom, piece.top):
            line.parts.append(_joint(line, piece.left, piece.top - piece.bottom, text))
            line.right = piece.right
            line.top, line.bottom = max(line.top, piece.top), min(line.bottom, piece.bottom)
        else:
            lines.append(_Line(piece.left, piece.right, piece.bottom, piece.top, [text.lstrip()]))
    for line in lines:
        line.parts[-1] = line.parts[-1].rstrip()
    return lines


def _joint(line: _Line, left: float, height: float, piece: str) -> str:
    """A piece as it continues a line: after a tab (a column gap), a space, or nothing.

    Gaps are measured in the line's height: a hyphen's own box is only a sliver high.
    """
    height = max(height, line.top - line.bottom)
    gap = left - line.right
    if gap > COLUMN_GAP * height and not LIST_MARKER_RE.match("".join(line.parts)):
        line.parts[-1] = line.parts[-1].rstrip()
        return "\t" + piece.strip()
    if line.parts[-1].endswith(" "):
        return piece.lstrip()
    if gap > 0.2 * height and not piece.startswith(" "):
        return " " + piece
    return piece


def format_lines(lines: list[_Line]) -> str:
    """Lines as text: a paragraph's wrapped lines joined, a blank line between paragraphs.

    A line continues the one before when it starts at the same left edge, right below it,
    the line before reaches (nearly) to the column's right edge, and it does not start a
    list item or an agenda item. Lines indented far right of the page's margin (a table's
    wrapped value, the letterhead column) start with a tab and are never joined.
    """
    if not lines:
        return ""
    margin = min(line.left for line in lines)
    column_right = max(line.right for line in lines if line.left - margin <= INDENT_POINTS)
    out: list[str] = []
    previous: _Line | None = None
    for line in lines:
        text = "".join(line.parts)
        if not text.strip():
            continue
        indented = line.left - margin > INDENT_POINTS
        if previous is not None:
            height = max(line.top - line.bottom, previous.top - previous.bottom)
            gap = previous.bottom - line.top
            if gap > PARAGRAPH_GAP * height or gap < -height:
                # A paragraph's space, or a jump up the page (another column).
                out.append("")
            elif not indented and _wraps(previous, line, margin, column_right, text):
                out[-1] += " " + text
                previous = line
                continue
        out.append(("\t" if indented else "") + text)
        previous = line
    return "\n".join(out)


def _wraps(previous: _Line, line: _Line, margin: float, column_right: float, text: str) -> bool:
    """Is `line` the wrapped rest of `previous`'s paragraph?"""
    width = column_right - margin
    return (
        abs(line.left - previous.left) < 2
        and previous.right >= column_right - WRAP_SLACK * width
        and "\t" not in text
        and "\t" not in "".join(previous.parts)
        and not ITEM_START_RE.match(text)
    )


def usable(text: str) -> bool:
    """Does a text layer hold real text (not empty, not a few stray glyphs or garbage)?"""
    visible = [char for char in text if not char.isspace()]
    letters = sum(char.isalnum() for char in visible)
    return letters >= MIN_USABLE_CHARS and letters >= MIN_USABLE_RATIO * len(visible)


def looks_scanned(page: pdfium.PdfPage) -> bool:
    """Does the page hold something to read besides its text layer?

    An image (a scan), or many paths (text turned into outlines, as some redaction tools
    leave it); a page with neither is blank, or holds only rules and boxes.
    """
    kinds = [pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH]
    for count, obj in enumerate(page.get_objects(filter=kinds, max_depth=3), start=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE or count >= OUTLINE_PATHS:
            return True
    return False


# --- OCR -------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def ocr_unavailable(language: str) -> str | None:
    """Why OCR cannot run here (no tesseract, or no model for the language), or None."""
    binary = shutil.which("tesseract")
    if binary is None:
        return "tesseract is niet geïnstalleerd"
    try:
        result = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"tesseract start niet: {error}"
    languages = set(result.stdout.split())
    if language not in languages:
        return f"het taalmodel '{language}' van tesseract ontbreekt"
    return None


def render_page(page: pdfium.PdfPage):
    """(image, pixels per point): the page in greyscale at 300 dpi (fewer if it is enormous)."""
    width, height = page.get_size()
    scale = OCR_DPI / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    return page.render(scale=scale, grayscale=True).to_pil().convert("L"), scale


def invert_boxes(image):
    """Invert black boxes (burnt-in redactions), so the code printed on them reads black.

    Tesseract reads black on white and skips a black box, code and all. Boxes are found
    on a coarse grid (cells of BOX_CELL pixels that are mostly black; a run of them at
    least two cells high and three wide: print on white never makes that), then each box's
    exact rectangle is found from its rows' and columns' darkness and inverted once.
    """
    from PIL import Image, ImageChops, ImageDraw

    grid = image.reduce(BOX_CELL)
    width = grid.width
    dark = {i for i, value in enumerate(grid.get_flattened_data()) if value < BOX_DARK}
    if not dark:
        return image
    mask = Image.new("L", image.size, 0)
    draw = ImageDraw.Draw(mask)
    boxes = 0
    for cells in _components(dark, width):
        columns = [cell % width for cell in cells]
        rows = [cell // width for cell in cells]
        if max(rows) - min(rows) < 1 or max(columns) - min(columns) < 2:
            continue
        left, right = min(columns) * BOX_CELL, (max(columns) + 1) * BOX_CELL
        top, bottom = min(rows) * BOX_CELL, (max(rows) + 1) * BOX_CELL
        rectangle = _box_extent(image, left, top, right, bottom)
        if rectangle is not None:
            draw.rectangle(rectangle, fill=255)
            boxes += 1
    if not boxes:
        return image
    return Image.composite(ImageChops.invert(image), image, mask)


def _components(cells: set[int], width: int) -> list[list[int]]:
    """Connected runs (4-neighbours) of grid cells."""
    seen: set[int] = set()
    components = []
    for start in cells:
        if start in seen:
            continue
        seen.add(start)
        stack, component = [start], []
        while stack:
            cell = stack.pop()
            component.append(cell)
            x = cell % width
            neighbours = [cell - width, cell + width]
            neighbours += [cell - 1] if x > 0 else []
            neighbours += [cell + 1] if x < width - 1 else []
            for neighbour in neighbours:
                if neighbour in cells and neighbour not in seen:
                    seen.add(neighbour)
                    stack.append(neighbour)
        components.append(component)
    return components


def _dark_run(means: list[float], inside: int, gap: int) -> tuple[int, int] | None:
    """The dark run around `inside` (start, end inclusive), across light gaps up to `gap`.

    A box's white print makes light columns inside it (the stem of a "1"); the box goes on
    where dark resumes within `gap` positions.
    """
    darks = [index for index, value in enumerate(means) if value < 128]
    if not darks:
        return None
    nearest = min(darks, key=lambda index: abs(index - inside))
    if abs(nearest - inside) > gap:
        return None
    start = end = nearest
    for index in reversed(darks):
        if index < start and start - index <= gap:
            start = index
    for index in darks:
        if index > end and index - end <= gap:
            end = index
    return start, end


def _box_extent(image, left: int, top: int, right: int, bottom: int):
    """The exact rectangle of the black box found in the cells (left, top)-(right, bottom)."""
    from PIL import Image

    pad = BOX_CELL
    x0, y0 = max(0, left - pad), max(0, top - pad)
    x1, y1 = min(image.width, right + pad), min(image.height, bottom + pad)
    # Rows: their darkness across the box's columns; then columns across the box's rows.
    band = image.crop((left, y0, right, y1)).resize((1, y1 - y0), Image.BOX)
    rows = _dark_run(list(band.get_flattened_data()), (top + bottom) // 2 - y0, 2)
    if rows is None:
        return None
    box_top, box_bottom = y0 + rows[0], y0 + rows[1]
    band = image.crop((x0, box_top, x1, box_bottom + 1)).resize((x1 - x0, 1), Image.BOX)
    columns = _dark_run(list(band.get_flattened_data()), (left + right) // 2 - x0, pad)
    if columns is None:
        return None
    return (x0 + columns[0], box_top, x0 + columns[1], box_bottom)


def ocr_page(page: pdfium.PdfPage, number: int, limits: PdfLimits) -> str:
    """Tesseract's reading of one rendered page, within the time limit."""
    image, scale = render_page(page)
    image = invert_boxes(image)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    command = [
        "tesseract", "stdin", "stdout", "-l", limits.ocr_language,
        "tsv",
    ]  # fmt: skip
    # One thread: the import runs next to other work; Tesseract's OpenMP would take all cores.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            command,
            input=buffer.getvalue(),
            capture_output=True,
            timeout=limits.ocr_timeout,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfError(
            f"OCR van pagina {number} duurde langer dan {limits.ocr_timeout:g} seconden"
        ) from error
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PdfError(f"OCR van pagina {number} is mislukt ({message[0]})")
    return ocr_text(result.stdout.decode("utf-8", "replace"), image.width, scale)


def ocr_text(tsv: str, page_width: int, scale: float) -> str:
    """Tesseract's words (its TSV output) as lines, laid out like a text layer's.

    Words become lines (`format_lines` joins wrapped lines and marks column gaps as the text
    layer's reading does), in points (`scale` pixels each). Blocks in the right margin
    (the Rijkshuisstijl's letterhead column) come first, as Word draws them; Tesseract
    reads them last.
    """
    lines: dict[tuple[int, int, int], _Line] = {}
    for row in tsv.split("\n")[1:]:
        fields = row.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        block, paragraph, line_number = (int(value) for value in fields[2:5])
        left, top, width, height = (int(value) / scale for value in fields[6:10])
        # Image rows grow downwards; a text layer's y grows upwards.
        word = _Line(left, left + width, -(top + height), -top, [fields[11]])
        key = (block, paragraph, line_number)
        line = lines.get(key)
        if line is None:
            lines[key] = word
        else:
            line.parts.append(_joint(line, word.left, line.top - line.bottom, " " + word.parts[0]))
            line.right = word.right
            line.top, line.bottom = max(line.top, word.top), min(line.bottom, word.bottom)
    block_left: dict[int, float] = {}
    for (block, _, _), line in lines.items():
        block_left[block] = min(block_left.get(block, line.left), line.left)
    margin_blocks = {
        block for block, left in block_left.items() if left > MARGIN_COLUMN * page_width / scale
    }
    ordered = sorted(lines.items(), key=lambda item: item[0][0] not in margin_blocks)
    return format_lines([line for _, line in ordered])


# --- Reading ---------------------------------------------------------------------------


def read_pdf(
    data: bytes,
    limits: PdfLimits,
    progress: Callable[[int, int], None] | None = None,
) -> PdfText:
    """Every page's text: the text layer, or OCR where a scanned page has none.

    Raise `PdfError` for bytes that are no PDF, too large, encrypted with a password,
    corrupt, without pages, with more pages than allowed, with a scanned page while OCR is
    off or unavailable, an OCR page over its time limit, or no text on any page.
    `progress(pages_done, total)` is called after each page.
    """
    document = open_pdf(data, limits)
    try:
        total = len(document)
        pages: list[PdfPage] = []
        ocr_done = 0
        for index in range(total):
            page = read_page(document, index, limits, ocr_allowed=_ocr_left(limits, ocr_done))
            ocr_done += page.ocr
            pages.append(page)
            if progress is not None:
                progress(index + 1, total)
    finally:
        document.close()
    if not any(page.text.strip() for page in pages):
        raise PdfError("Lege pdf: op geen enkele pagina staat tekst")
    return PdfText(pages=tuple(pages), page_count=total)


def _ocr_left(limits: PdfLimits, done: int) -> bool:
    return limits.max_ocr_pages is None or done < limits.max_ocr_pages


def read_page(
    document: pdfium.PdfDocument, index: int, limits: PdfLimits, *, ocr_allowed: bool = True
) -> PdfPage:
    number = index + 1
    try:
        page = document[index]
    except pdfium.PdfiumError as error:
        raise PdfError(f"Beschadigde pdf: pagina {number} kan niet worden gelezen") from error
    try:
        textpage = page.get_textpage()
        try:
            text = layer_text(page, textpage)
        finally:
            textpage.close()
        if usable(text) or not looks_scanned(page):
            return PdfPage(number, text, ocr=False)
        if not limits.ocr:
            raise PdfError(f"Pagina {number} heeft geen tekstlaag en OCR staat uit")
        if not ocr_allowed:
            raise PdfError(
                f"Pagina {number} heeft geen tekstlaag, en hier mogen niet meer pagina's met "
                f"OCR worden gelezen (ten hoogste {limits.max_ocr_pages} voor deze pdf); lees "
                "deze pdf in met manage.py import_minutes"
            )
        reason = ocr_unavailable(limits.ocr_language)
        if reason:
            raise PdfError(
                f"Pagina {number} heeft geen tekstlaag en OCR is niet beschikbaar ({reason})"
            )
        return PdfPage(number, ocr_page(page, number, limits), ocr=True)
    except (pdfium.PdfiumError, ValueError) as error:
        # PDFium refusing a page's text or its rendering.
        raise PdfError(f"Beschadigde pdf: pagina {number} kan niet worden gelezen") from error
    except OSError as error:
        raise PdfError(f"OCR van pagina {number} mislukte: {error.strerror or error}") from error
    finally:
        page.close()


# --- Splitting -------------------------------------------------------------------------


def starts_minutes(text: str) -> bool:
    """Does this page's top hold the start of minutes: a header table with a meeting date?

    The header table ("Vergaderdatum en -tijd 19 januari 2021, …") is the parser's own
    (`parse_table`); failing that, a page numbered "Pagina 1 van N" on which the parser's
    `find_meeting_date` finds a meeting date (a "vergadering van …" phrase, a Datum row
    among Tijd and Plaats rows). A letterhead's Datum alone never counts: it is the date
    of the letter.
    """
    lines = text.split("\n")[:TOP_LINES]
    fields, _start, _end = parse_table(lines)
    when = fields.get("when", "")
    if when and find_meeting_date(when, [])[0] is not None:
        return True
    if PAGE_ONE_RE.search("\n".join(lines)):
        return find_meeting_date("", lines)[0] is not None
    return False


def split_documents(text: PdfText) -> list[PdfDocument]:
    """The PDF's pages as documents: one per meeting, in page order.

    Pages before the first meeting (a Woo decision letter, an inventory) come first as one
    document with `meeting=False`; the import names them ("pagina 1–3: geen verslag")
    rather than parse them. A PDF in which no page starts minutes is one document with
    `meeting=True` (a single meeting whose header the rules did not recognise): the parser
    decides, and gives its reason if it cannot.
    """
    starts = [index for index, page in enumerate(text.pages) if starts_minutes(page.text)]
    if not starts:
        return [_document(text.pages, meeting=True)]
    documents = []
    if starts[0] > 0:
        documents.append(_document(text.pages[: starts[0]], meeting=False))
    for first, following in zip(starts, [*starts[1:], len(text.pages)], strict=True):
        documents.append(_document(text.pages[first:following], meeting=True))
    return documents


def _document(pages: tuple[PdfPage, ...], meeting: bool) -> PdfDocument:
    return PdfDocument(
        first_page=pages[0].number,
        last_page=pages[-1].number,
        text="\n\n".join(page.text for page in pages),
        ocr_pages=tuple(page.number for page in pages if page.ocr),
        meeting=meeting,
    )


# --- In a child process, within a time limit --------------------------------------------


def read_pdf_in_child(data: bytes, limits: PdfLimits, seconds: float) -> PdfText:
    """`read_pdf` in a child process that is killed after `seconds`.

    PDFium reads and renders in-process, bounded in size but not in time; where someone
    waits for the answer (an upload in the admin) a crafted page must not hold the
    request, so the reading runs apart and is stopped at the limit. No progress is
    reported: the caller waits for the whole PDF.
    """
    settings = json.dumps(dataclasses.asdict(limits))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "minutes.pdf", settings],
            input=data,
            capture_output=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise PdfError(
            f"Het lezen van deze pdf duurde langer dan {seconds:g} seconden; lees hem in met "
            "manage.py import_minutes"
        ) from error
    try:
        answer = json.loads(done.stdout)
    except ValueError as error:
        raise PdfError("Beschadigde pdf: het lezen ervan brak af") from error
    if "error" in answer:
        raise PdfError(answer["error"])
    pages = tuple(PdfPage(number, text, ocr) for number, text, ocr in answer["pages"])
    return PdfText(pages=pages, page_count=answer["page_count"])


def _child(settings: str) -> None:
    """The child's side: the PDF on stdin, its pages (or the reason) as JSON on stdout."""
    limits = PdfLimits(**json.loads(settings))
    try:
        text = read_pdf(sys.stdin.buffer.read(), limits)
    except PdfError as error:
        answer: dict = {"error": str(error)}
    else:
        pages = [[page.number, page.text, page.ocr] for page in text.pages]
        answer = {"pages": pages, "page_count": text.page_count}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _child(sys.argv[1])
