"""Real PDFs made from the fixture texts, laid out like a Woo release of SGO minutes.

One layout, two renderers: a PDF with a text layer (fpdf2) and a scanned one (each page
drawn with Pillow at 200 dpi and wrapped into an image-only PDF by img2pdf). The layout
is the Rijkshuisstijl letter: the letterhead in a narrow right column, the header table as
label and value columns, the body in the left column, a running header (sender, Datum,
Onze referentie, "Pagina n van N") at the top of the right column on every later page.
Redaction codes (5.1.2e) are printed on black boxes in white, the way releases burn them
in, and some on grey in black.

Used by tests/test_pdf.py and bench/pdf_bench.py; never by the application.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)
PAGE_W, PAGE_H = 210.0, 297.0  # mm, A4
BODY_X, BODY_W = 20.0, 112.0
VALUE_X = 68.0  # the header table's value column
RIGHT_X = 145.0
TOP, BOTTOM = 22.0, 275.0
BODY_PT, SMALL_PT = 10.0, 7.5
LINE_MM, SMALL_LINE_MM = 5.0, 3.6
PT_MM = 25.4 / 72
REDACTION = "5.1.2e"


@lru_cache(maxsize=1)
def font_path() -> str:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise FileNotFoundError(
        "no TrueType font found (apt-get install fonts-dejavu-core): " + ", ".join(FONT_CANDIDATES)
    )


@lru_cache(maxsize=4)
def _measure_font(size_pt: float):
    from PIL import ImageFont

    # Measured at 10x for precision; lengths are divided back.
    return ImageFont.truetype(font_path(), int(size_pt * 10))


def text_width_mm(text: str, size_pt: float) -> float:
    return _measure_font(size_pt).getlength(text) / 10 * PT_MM


@dataclass
class Run:
    """One line of text at a position (mm, baseline) on a page."""

    x: float
    y: float
    text: str
    size: float = BODY_PT


@dataclass
class Page:
    runs: list[Run] = field(default_factory=list)


@dataclass
class Source:
    """A fixture text cut into the parts of the letter."""

    letterhead: list[str]
    table: list[tuple[str, str]]
    body: list[str]
    header: list[str]  # the running page header's lines (without the page number)


def split_source(text: str) -> Source:
    """Letterhead (above the table), table rows (label<TAB>value), body paragraphs."""
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Omschrijving\t"))
    end = start
    while end < len(lines) and "\t" in lines[end]:
        end += 1
    letterhead = [line.strip() for line in lines[:start] if line.strip()]
    table = [tuple(line.split("\t", 1)) for line in lines[start:end]]
    body = [line.strip() for line in lines[end:]]
    # The running header repeats the sender, Datum and Onze referentie.
    sender = next(line for line in letterhead if line)
    datum = letterhead[letterhead.index("Datum") + 1]
    reference = letterhead[letterhead.index("Onze referentie") + 1]
    header = [sender, "Datum", datum, "Onze referentie", reference]
    return Source(letterhead, table, body, header)


def wrap(text: str, width_mm: float, size_pt: float) -> list[str]:
    """Greedy word wrap to a column width."""
    words, lines, current = text.split(" "), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width_mm(candidate, size_pt) > width_mm:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def layout(source: Source) -> list[Page]:
    """The pages of one letter; each page's runs in reading order (header first)."""
    pages: list[Page] = []

    def new_page() -> tuple[Page, float]:
        page = Page()
        pages.append(page)
        y = TOP
        lines = source.letterhead if len(pages) == 1 else source.header
        for line in lines:
            page.runs.append(Run(RIGHT_X, y, line, SMALL_PT))
            y += SMALL_LINE_MM
        page.runs.append(Run(RIGHT_X, y + SMALL_LINE_MM, "Pagina {page} van {pages}", SMALL_PT))
        return page, TOP

    page, y = new_page()
    for label, value in source.table:
        parts = wrap(value, BODY_X + BODY_W - VALUE_X, BODY_PT) if value else [""]
        page.runs.append(Run(BODY_X, y, label))
        for part in parts:
            if part:
                page.runs.append(Run(VALUE_X, y, part))
            y += LINE_MM
    y += LINE_MM
    for paragraph in source.body:
        if not paragraph:
            y += LINE_MM / 2
            continue
        for part in wrap(paragraph, BODY_W, BODY_PT):
            if y > BOTTOM:
                page, y = new_page()
            page.runs.append(Run(BODY_X, y, part))
            y += LINE_MM
    for number, page in enumerate(pages, start=1):
        for run in page.runs:
            run.text = run.text.replace("{page}", str(number)).replace("{pages}", str(len(pages)))
    return pages


def letter_pages(title: str, paragraphs: list[str]) -> list[Page]:
    """A plain letter (a Woo decision, an inventory) with no meeting in it."""
    page, y = Page(), TOP
    for line in ["Ministerie van Algemene Zaken", "Datum", "3 maart 2022", "Pagina 1 van 1"]:
        page.runs.append(Run(RIGHT_X, y, line, SMALL_PT))
        y += SMALL_LINE_MM
    y = TOP
    page.runs.append(Run(BODY_X, y, title))
    y += 2 * LINE_MM
    for paragraph in paragraphs:
        for part in wrap(paragraph, BODY_W, BODY_PT):
            page.runs.append(Run(BODY_X, y, part))
            y += LINE_MM
        y += LINE_MM / 2
    return [page]


def decision_letter() -> list[Page]:
    return letter_pages(
        "Besluit op uw verzoek op grond van de Wet open overheid",
        [
            "Geachte 5.1.2e,",
            "U heeft verzocht om openbaarmaking van de verslagen van het SGO. Bij dit besluit "
            "treft u de documenten aan die openbaar worden gemaakt, met de inventarislijst.",
            "Inventarislijst: 1. Verslag SGO van 9 september 2020, deels openbaar; "
            "2. Verslag SGO van 19 januari 2021, deels openbaar.",
            "Hoogachtend, de minister van Algemene Zaken, namens deze, 5.1.2e",
        ],
    )


def _redaction_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(REDACTION)
    while start >= 0:
        spans.append((start, start + len(REDACTION)))
        start = text.find(REDACTION, start + 1)
    return spans


def _segments(run: Run) -> list[tuple[float, str, bool]]:
    """(x offset mm, text, redacted) pieces of a run."""
    out, position = [], 0
    for start, end in _redaction_spans(run.text):
        if start > position:
            offset = text_width_mm(run.text[:position], run.size)
            out.append((offset, run.text[position:start], False))
        out.append((text_width_mm(run.text[:start], run.size), run.text[start:end], True))
        position = end
    if position < len(run.text):
        out.append((text_width_mm(run.text[:position], run.size), run.text[position:], False))
    return out


def text_pdf(pages: list[Page]) -> bytes:
    """A PDF with a text layer; redaction codes white on black (every second one on grey)."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("Sans", "", font_path())
    for page in pages:
        pdf.add_page()
        boxes = 0
        for run in page.runs:
            pdf.set_font("Sans", size=run.size)
            for offset, text, redacted in _segments(run):
                x = run.x + offset
                if redacted:
                    grey = boxes % 2 == 1
                    boxes += 1
                    width = text_width_mm(text, run.size)
                    height = run.size * PT_MM * 1.15
                    pdf.set_fill_color(190 if grey else 0)
                    pdf.rect(x - 0.3, run.y - height * 0.8, width + 0.6, height, style="F")
                    pdf.set_text_color(0 if grey else 255)
                    pdf.text(x, run.y, text)
                    pdf.set_text_color(0)
                else:
                    pdf.text(x, run.y, text)
    return bytes(pdf.output())


def page_image(page: Page, dpi: int = 200):
    """One page as a greyscale scan (Pillow)."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 25.4
    image = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), 255)
    draw = ImageDraw.Draw(image)
    boxes = 0
    for run in page.runs:
        font = ImageFont.truetype(font_path(), round(run.size * PT_MM * scale))
        for offset, text, redacted in _segments(run):
            x, y = (run.x + offset) * scale, run.y * scale
            if redacted:
                grey = boxes % 2 == 1
                boxes += 1
                left, top, right, bottom = draw.textbbox((x, y), text, font=font, anchor="ls")
                draw.rectangle((left - 4, top - 4, right + 4, bottom + 4), fill=190 if grey else 0)
                draw.text((x, y), text, font=font, fill=0 if grey else 255, anchor="ls")
            else:
                draw.text((x, y), text, font=font, fill=0, anchor="ls")
    return image


def scanned_pdf(pages: list[Page], dpi: int = 200) -> bytes:
    """An image-only PDF: no text layer at all, as a scanner makes it."""
    import img2pdf

    images = []
    for page in pages:
        buffer = io.BytesIO()
        page_image(page, dpi).save(buffer, format="PNG", dpi=(dpi, dpi))
        images.append(buffer.getvalue())
    return img2pdf.convert(images)


def sample_pages(path: Path) -> list[Page]:
    return layout(split_source(path.read_text(encoding="utf-8-sig")))


def printed_words(pages: list[Page]) -> list[str]:
    """The words printed on the pages, in reading order."""
    return [word for page in pages for run in page.runs for word in run.text.split()]


def word_accuracy(expected: list[str], read: str) -> float:
    """The share of the printed words that the reading has, in order (difflib's matching)."""
    from difflib import SequenceMatcher

    got = read.split()
    matcher = SequenceMatcher(None, expected, got, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / len(expected) if expected else 1.0
