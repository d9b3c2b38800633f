"""Woo release PDFs (issue 13): real PDFs made in the test from the fixture texts.

A text-layer PDF (fpdf2) and a scanned one (pages drawn with Pillow, wrapped by img2pdf)
of each SGO sample, laid out as a release: letterhead column, header table, running
headers, page numbers, redaction codes burnt in white on black and black on grey.
"""

from __future__ import annotations

import difflib
import io
import os
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from minutes.parsing import parse_minutes
from minutes.pdf import (
    PdfError,
    PdfLimits,
    PdfPage,
    PdfText,
    invert_boxes,
    is_pdf,
    ocr_unavailable,
    read_pdf,
    read_pdf_in_child,
    render_page,
    split_documents,
)
from tests.conftest import FIXTURES, SAMPLES
from tests.pdf_samples import (
    decision_letter,
    font_path,
    letter_pages,
    printed_words,
    sample_pages,
    scanned_pdf,
    text_pdf,
    word_accuracy,
)

SAMPLE_NAMES = ["sgo-2021-01-19", "sgo-2020-09-09"]
LIMITS = PdfLimits(max_bytes=20_000_000, max_pages=200, ocr=True, ocr_timeout=120)
NO_OCR = PdfLimits(max_bytes=20_000_000, max_pages=200, ocr=False, ocr_timeout=120)


def _require(found: bool, what: str, install: str) -> None:
    """Skip (or, in CI, fail: .ci/run installs it) when a system package is missing."""
    if found:
        return
    message = f"{what} is not installed ({install})"
    if os.environ.get("CI"):
        pytest.fail(message + ": .ci/run must install it")
    pytest.skip(message)


@pytest.fixture(scope="module", autouse=True)
def fonts() -> None:
    try:
        font_path()
    except FileNotFoundError:
        _require(False, "a TrueType font", "apt-get install fonts-dejavu-core")


@pytest.fixture(scope="module")
def tesseract() -> None:
    reason = ocr_unavailable("nld")
    _require(reason is None, f"OCR ({reason})", "apt-get install tesseract-ocr-nld")


def source(name: str) -> Path:
    return SAMPLES / f"{name}.txt"


@pytest.fixture(scope="module")
def text_pdfs() -> dict[str, bytes]:
    return {name: text_pdf(sample_pages(source(name))) for name in SAMPLE_NAMES}


@pytest.fixture(scope="module")
def scanned(tesseract) -> dict[str, tuple[bytes, PdfText]]:
    """Each sample scanned, and read back through OCR (once: OCR takes seconds a page)."""
    out = {}
    for name in SAMPLE_NAMES:
        data = scanned_pdf(sample_pages(source(name)))
        out[name] = (data, read_pdf(data, LIMITS))
    return out


def meeting_text(text: PdfText) -> str:
    documents = split_documents(text)
    assert [document.meeting for document in documents] == [True]
    return documents[0].text


# --- The text layer --------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_text_layer_parses_like_the_text_file(text_pdfs, name):
    expected = parse_minutes(source(name).read_bytes())
    text = read_pdf(text_pdfs[name], NO_OCR)
    assert text.ocr_pages == ()
    assert text.page_count == len(sample_pages(source(name))) > 1
    got = parse_minutes(meeting_text(text).encode("utf-8"))

    assert got.meeting_date == expected.meeting_date
    assert (got.start_time, got.end_time) == (expected.start_time, expected.end_time)
    assert [(i.number, i.title) for i in got.agenda_items] == [
        (i.number, i.title) for i in expected.agenda_items
    ]
    assert [(d.item, d.text, d.kind) for d in got.decisions] == [
        (d.item, d.text, d.kind) for d in expected.decisions
    ]
    assert got.ministries_present == expected.ministries_present
    assert got.ministries_mentioned == expected.ministries_mentioned
    assert got.redaction_codes == expected.redaction_codes == ("5.1.2e",)


def test_text_layer_keeps_the_header_table_and_running_headers(text_pdfs):
    text = read_pdf(text_pdfs["sgo-2020-09-09"], NO_OCR)
    first, second = text.pages[0].text, text.pages[1].text
    # The header table's label and value, apart as in the text file's tab-separated table.
    assert "Vergaderdatum en -tijd\t9 september 2020, 16.30 - 18.00" in first
    # The running header stays in the page's text; the SGO parser removes it.
    assert "Pagina 2 van 3" in second
    assert "Onze referentie" in second


def test_progress_is_called_after_every_page(text_pdfs):
    calls: list[tuple[int, int]] = []
    text = read_pdf(text_pdfs["sgo-2021-01-19"], NO_OCR, progress=lambda *a: calls.append(a))
    total = text.page_count
    assert calls == [(page, total) for page in range(1, total + 1)]


def test_is_pdf(text_pdfs):
    assert is_pdf(text_pdfs["sgo-2021-01-19"])
    assert not is_pdf((FIXTURES / "binary.png").read_bytes())
    assert not is_pdf(source("sgo-2021-01-19").read_bytes())


# --- Splitting -------------------------------------------------------------------------


def test_a_release_is_split_into_its_meetings(text_pdfs):
    """A decision letter, then two sets of minutes: two meetings and the letter apart."""
    letter = decision_letter()
    first = sample_pages(source("sgo-2020-09-09"))
    second = sample_pages(source("sgo-2021-01-19"))
    release = read_pdf(text_pdf(letter + first + second), NO_OCR)

    documents = split_documents(release)
    ranges = [(d.first_page, d.last_page, d.meeting) for d in documents]
    one, two = len(letter), len(letter) + len(first)
    assert ranges == [
        (1, one, False),
        (one + 1, two, True),
        (two + 1, two + len(second), True),
    ]
    assert documents[0].label == "pagina 1"
    assert "Besluit op uw verzoek" in documents[0].text
    dates = [parse_minutes(d.text.encode()).meeting_date for d in documents[1:]]
    expected = [parse_minutes(source(n).read_bytes()).meeting_date for n in SAMPLE_NAMES[::-1]]
    assert dates == expected
    # Each meeting's text parses to the same agenda as its own PDF.
    alone = parse_minutes(meeting_text(read_pdf(text_pdfs["sgo-2021-01-19"], NO_OCR)).encode())
    assert parse_minutes(documents[2].text.encode()).agenda_items == alone.agenda_items


def test_a_scanned_release_is_split_into_its_meetings(scanned):
    """The same split on OCR'd pages: the header table's columns come back as a tab."""
    letter = read_pdf(scanned_pdf(decision_letter()), LIMITS)
    first, second = scanned["sgo-2020-09-09"][1].pages, scanned["sgo-2021-01-19"][1].pages
    pages = [*letter.pages, *first, *second]
    release = PdfText(
        pages=tuple(PdfPage(n, p.text, p.ocr) for n, p in enumerate(pages, start=1)),
        page_count=len(pages),
    )
    documents = split_documents(release)
    one, two = len(letter.pages), len(letter.pages) + len(first)
    assert [(d.first_page, d.last_page, d.meeting) for d in documents] == [
        (1, one, False),
        (one + 1, two, True),
        (two + 1, len(pages), True),
    ]
    assert documents[1].ocr_pages == tuple(range(one + 1, two + 1))


def test_a_letter_alone_is_one_document_for_the_parser_to_judge():
    letter = read_pdf(text_pdf(decision_letter()), NO_OCR)
    documents = split_documents(letter)
    assert [(d.first_page, d.last_page, d.meeting) for d in documents] == [(1, 1, True)]


# --- OCR -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_scanned_pdf_is_read_by_ocr(scanned, name):
    _data, text = scanned[name]
    assert text.ocr_pages == tuple(range(1, text.page_count + 1))
    expected = parse_minutes(source(name).read_bytes())
    got = parse_minutes(meeting_text(text).encode("utf-8"))
    assert got.meeting_date == expected.meeting_date
    assert [i.number for i in got.agenda_items] == [i.number for i in expected.agenda_items]
    for got_item, expected_item in zip(got.agenda_items, expected.agenda_items, strict=True):
        similarity = difflib.SequenceMatcher(None, got_item.title, expected_item.title).ratio()
        assert similarity > 0.9, (got_item.title, expected_item.title)
    assert len(got.decisions) == len(expected.decisions)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_ocr_word_accuracy(scanned, name):
    _data, text = scanned[name]
    printed = printed_words(sample_pages(source(name)))
    accuracy = word_accuracy(printed, "\n".join(page.text for page in text.pages))
    assert accuracy >= 0.95


def test_word_accuracy_counts_missing_and_wrong_words():
    assert word_accuracy(["a", "b", "c", "d"], "a b c d") == 1.0
    assert word_accuracy(["a", "b", "c", "d"], "a x c") == 0.5


def test_redaction_codes_on_black_and_on_grey_are_read(tesseract):
    line = "Aanwezig: 5.1.2e (AZ), 5.1.2e (BZ), 5.1.2e (FIN), 5.1.2e (JenV) en 5.1.2e."
    pages = letter_pages("Verslag", [line, "Besproken met 5.1.2e en 5.1.2e."])
    printed = sum(run.text.count("5.1.2e") for run in pages[0].runs)
    text = read_pdf(scanned_pdf(pages), LIMITS)
    assert text.ocr_pages == (1,)
    assert text.pages[0].text.count("5.1.2e") == printed == 7


def test_black_boxes_are_inverted_before_ocr():
    pages = letter_pages("Verslag", ["Aanwezig: 5.1.2e (AZ) en verder niemand."])
    document = pdfium.PdfDocument(scanned_pdf(pages))
    image, _scale = render_page(document[0])
    inverted = invert_boxes(image)
    changed = [
        (x, y)
        for x in range(0, image.width, 4)
        for y in range(0, image.height, 4)
        if image.getpixel((x, y)) != inverted.getpixel((x, y))
    ]
    assert changed, "the black box was not inverted"
    xs, ys = [x for x, _ in changed], [y for _, y in changed]
    # Only the box changed: a small area (one code on one line), now mostly light.
    assert max(ys) - min(ys) < 80 and max(xs) - min(xs) < 300
    assert sum(inverted.getpixel(point) > 128 for point in changed) > 0.6 * len(changed)


def test_ocr_off_rejects_a_scanned_page(text_pdfs):
    scan = scanned_pdf(decision_letter())
    with pytest.raises(PdfError, match=r"^Pagina 1 heeft geen tekstlaag en OCR staat uit$"):
        read_pdf(scan, NO_OCR)


def test_ocr_without_the_language_model_is_named():
    scan = scanned_pdf(decision_letter())
    limits = PdfLimits(20_000_000, 200, ocr=True, ocr_timeout=60, ocr_language="xyz")
    message = r"^Pagina 1 heeft geen tekstlaag en OCR is niet beschikbaar \(.*'xyz'.*\)$"
    if shutil.which("tesseract") is None:
        message = r"^Pagina 1 heeft geen tekstlaag en OCR is niet beschikbaar \(tesseract"
    with pytest.raises(PdfError, match=message):
        read_pdf(scan, limits)


def test_ocr_without_tesseract_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr_unavailable.cache_clear()
    try:
        with pytest.raises(PdfError, match=r"OCR is niet beschikbaar \(tesseract is niet"):
            read_pdf(scanned_pdf(decision_letter()), LIMITS)
    finally:
        ocr_unavailable.cache_clear()


def test_ocr_over_its_time_limit_is_rejected(tesseract):
    limits = PdfLimits(20_000_000, 200, ocr=True, ocr_timeout=0.01)
    with pytest.raises(PdfError, match=r"^OCR van pagina 1 duurde langer dan 0.01 seconden$"):
        read_pdf(scanned_pdf(decision_letter()), limits)


# --- Bad input -------------------------------------------------------------------------


def minimal_pdf(kids: int, count: int) -> bytes:
    """A hand-written PDF whose page tree names one blank page `kids` times, claiming `count`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Count {count} /Kids [{' '.join(['3 0 R'] * kids)}] >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    return out + f"startxref\n{xref}\n%%EOF\n".encode()


def encrypted_pdf(user_password: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.text(20, 20, "Verslag van de vergadering, met tekst genoeg om te lezen.")
    pdf.set_encryption(owner_password="eigenaar", user_password=user_password)
    return bytes(pdf.output())


def blank_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


@pytest.mark.parametrize(
    ("make", "limits", "reason"),
    [
        (lambda pdf: b"", NO_OCR, r"^Lege pdf: het bestand is leeg$"),
        (lambda pdf: b"Verslag SGO\n", NO_OCR, r"^Geen pdf: "),
        (lambda pdf: (FIXTURES / "binary.png").read_bytes(), NO_OCR, r"^Geen pdf: "),
        (lambda pdf: pdf[: len(pdf) // 2], NO_OCR, r"^Beschadigde pdf: "),
        (lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 40, NO_OCR, r"^Beschadigde pdf: "),
        (lambda pdf: encrypted_pdf("geheim"), NO_OCR, r"^Versleutelde pdf: .*wachtwoord"),
        (lambda pdf: blank_pdf(), NO_OCR, r"^Lege pdf: op geen enkele pagina staat tekst$"),
        (lambda pdf: minimal_pdf(1, 10**9), NO_OCR, r"^Lege pdf: op geen enkele pagina"),
        (lambda pdf: minimal_pdf(0, 0), NO_OCR, r"^Beschadigde pdf: "),
        (
            lambda pdf: minimal_pdf(100_000, 100_000),
            NO_OCR,
            r"^Te veel pagina's \(100000; maximaal 200\)$",
        ),
        (
            lambda pdf: pdf,
            PdfLimits(max_bytes=200_000, max_pages=2, ocr=False, ocr_timeout=1),
            r"^Te veel pagina's \(3; maximaal 2\)$",
        ),
        (
            lambda pdf: pdf,
            PdfLimits(max_bytes=1_000, max_pages=200, ocr=False, ocr_timeout=1),
            r"^Te groot bestand \([\d.]+ bytes; maximaal 1\.000\)$",
        ),
    ],
    ids=[
        "empty-file",
        "text",
        "png",
        "truncated",
        "garbage",
        "password",
        "blank-page",
        "count-lie",
        "no-pages",
        "page-bomb",
        "too-many-pages",
        "too-large",
    ],
)
def test_bad_pdfs_are_rejected_with_a_reason(text_pdfs, make, limits, reason):
    with pytest.raises(PdfError, match=reason):
        read_pdf(make(text_pdfs["sgo-2020-09-09"]), limits)


def test_an_empty_user_password_is_no_obstacle():
    """Encrypted for permissions only (anyone may open it): read like any other PDF."""
    text = read_pdf(encrypted_pdf(""), NO_OCR)
    assert "Verslag van de vergadering" in text.pages[0].text


def test_pdfs_glued_by_pdfium_are_read_whole(text_pdfs):
    """A release put together from separate PDFs (as a Woo release is) reads page by page."""
    merged = pdfium.PdfDocument.new()
    for name in SAMPLE_NAMES:
        merged.import_pages(pdfium.PdfDocument(text_pdfs[name]))
    buffer = io.BytesIO()
    merged.save(buffer)
    documents = split_documents(read_pdf(buffer.getvalue(), NO_OCR))
    assert [d.meeting for d in documents] == [True, True]
    assert documents[0].last_page + 1 == documents[1].first_page


def test_a_broken_pdf_after_an_encrypted_one_is_called_broken():
    """PDFium's error code outlives a failed load; a later broken PDF is not 'encrypted'."""
    with pytest.raises(PdfError, match=r"^Versleutelde pdf"):
        read_pdf(encrypted_pdf("geheim"), NO_OCR)
    with pytest.raises(PdfError, match=r"^Beschadigde pdf"):
        read_pdf(minimal_pdf(0, 0), NO_OCR)


def test_a_scan_with_a_text_layer_is_read_from_its_layer():
    """A scanner's PDF that was OCR'd before (image plus invisible text) needs no OCR."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    from tests.pdf_samples import page_image

    image = page_image(decision_letter()[0], dpi=100)
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.image(image, x=0, y=0, w=210, h=297)
    pdf.set_font("helvetica", size=10)
    pdf.text_mode = TextMode.INVISIBLE
    pdf.text(20, 22, "Besluit op uw verzoek op grond van de Wet open overheid")
    text = read_pdf(bytes(pdf.output()), NO_OCR)
    assert text.ocr_pages == ()
    assert text.pages[0].text == "Besluit op uw verzoek op grond van de Wet open overheid"


def test_a_pdf_read_in_a_child_process_gives_the_same_pages(text_pdfs):
    data = text_pdfs["sgo-2021-01-19"]
    assert read_pdf_in_child(data, NO_OCR, 60) == read_pdf(data, NO_OCR)
    with pytest.raises(PdfError, match=r"^Beschadigde pdf: "):
        read_pdf_in_child(data[: len(data) // 2], NO_OCR, 60)
