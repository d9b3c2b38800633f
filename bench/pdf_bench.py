"""PDF text extraction benchmark (issue 13): extractors compared, read_pdf and OCR timed.

    .venv/bin/python -m bench.pdf_bench                       # read_pdf: text layer and OCR
    .venv/bin/python -m bench.pdf_bench --compare             # every extractor installed
    .venv/bin/python -m bench.pdf_bench --compare --real DIR  # ... also on the PDFs in DIR

The PDFs: the two SGO samples laid out as a Woo release (tests/pdf_samples.py: letterhead
column, header table, running headers, page numbers, redaction boxes), with a text layer
and as 200 dpi scans; with `--real DIR` also every *.pdf in DIR (real minutes; not in the
repository). Each workload is timed `--runs` times; medians are reported with the load
average before and after.

`--compare` runs every extractor that is installed: PDFium (pypdfium2) raw and through
`minutes.pdf.read_pdf`, pypdf (plain and layout mode), pdfminer.six, pdfplumber and
Poppler's pdftotext (a subprocess per PDF). Only pypdfium2 is a dependency of the archive:
install the others by hand to rerun the comparison (`pip install pypdf pdfminer.six
pdfplumber`). For each it reports pages/s and, on the SGO samples, whether the text parses
(`minutes.parsing.parse_minutes`) to the same agenda items, decisions and ministries as the
sample's .txt file.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from minutes.parsing import ParseError, parse_minutes
from minutes.pdf import PdfLimits, read_pdf, split_documents
from tests.pdf_samples import (
    printed_words,
    sample_pages,
    scanned_pdf,
    text_pdf,
    word_accuracy,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [ROOT / "sample_data" / "sgo-2021-01-19.txt", ROOT / "sample_data" / "sgo-2020-09-09.txt"]
LIMITS = PdfLimits(max_bytes=200_000_000, max_pages=5000, ocr=True, ocr_timeout=120)

Extractor = Callable[[bytes], list[str]]


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def pdfium_raw(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    pages = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    document.close()
    return pages


def pdfium_read_pdf(data: bytes) -> list[str]:
    return [page.text for page in read_pdf(data, LIMITS).pages]


def pypdf_plain(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def pypdf_layout(data: bytes) -> list[str]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text(extraction_mode="layout") for page in reader.pages]


def pdfminer_six(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data)).split("\f")


def pdfplumber_text(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def pdftotext(data: bytes, layout: bool = False) -> list[str]:
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    result = subprocess.run(command, input=data, capture_output=True, timeout=120, check=True)
    return result.stdout.decode("utf-8").split("\f")[:-1]


def extractors() -> dict[str, Extractor]:
    """Every extractor that can run here."""
    found: dict[str, Extractor] = {"pypdfium2 (raw)": pdfium_raw, "read_pdf": pdfium_read_pdf}
    for name, module, function in [
        ("pypdf", "pypdf", pypdf_plain),
        ("pypdf (layout)", "pypdf", pypdf_layout),
        ("pdfminer.six", "pdfminer", pdfminer_six),
        ("pdfplumber", "pdfplumber", pdfplumber_text),
    ]:
        try:
            __import__(module)
        except ImportError:
            continue
        found[name] = function
    if shutil.which("pdftotext"):
        found["pdftotext"] = pdftotext
        found["pdftotext -layout"] = lambda data: pdftotext(data, layout=True)
    return found


def same_minutes(text: str, source: Path) -> str:
    """Does the text parse to the .txt file's items, decisions and ministries? ("yes" or why not)"""
    expected = parse_minutes(source.read_bytes())
    try:
        got = parse_minutes(text.encode("utf-8"))
    except ParseError as error:
        return f"no: {error}"
    differences = [
        name
        for name, a, b in [
            (
                "items",
                [i.title for i in expected.agenda_items],
                [i.title for i in got.agenda_items],
            ),
            ("decisions", [d.text for d in expected.decisions], [d.text for d in got.decisions]),
            ("present", expected.ministries_present, got.ministries_present),
            ("mentioned", expected.ministries_mentioned, got.ministries_mentioned),
        ]
        if a != b
    ]
    return "yes" if not differences else "no: " + ", ".join(differences)


def time_pages(function: Callable[[bytes], object], pdfs: list[bytes], pages: int, runs: int):
    """Median pages/s over `runs` passes over all PDFs."""
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for data in pdfs:
            function(data)
        rates.append(pages / (time.perf_counter() - start))
    return statistics.median(rates), min(rates), max(rates)


def compare(runs: int, real: Path | None) -> None:
    generated = [text_pdf(sample_pages(path)) for path in SAMPLES]
    generated_pages = sum(len(read_pdf(data, LIMITS).pages) for data in generated)
    real_pdfs = sorted(real.glob("*.pdf")) if real else []
    real_data = [path.read_bytes() for path in real_pdfs]
    real_pages = sum(read_pdf(data, LIMITS).page_count for data in real_data)
    print(f"load before: {loadavg()}")
    print(f"generated: {len(generated)} PDFs, {generated_pages} pages; real: {real_pages} pages")
    print("| extractor | pages/s generated (min–max) | pages/s real (min–max) | parses like .txt |")
    print("|---|---|---|---|")
    for name, function in extractors().items():
        rate = time_pages(function, generated, generated_pages, runs)
        real_rate = time_pages(function, real_data, real_pages, runs) if real_data else None
        verdicts = [
            same_minutes("\n".join(function(data)), path)
            for data, path in zip(generated, SAMPLES, strict=True)
        ]
        real_cell = (
            f"{real_rate[0]:.0f} ({real_rate[1]:.0f}–{real_rate[2]:.0f})" if real_rate else "–"
        )
        print(
            f"| {name} | {rate[0]:.0f} ({rate[1]:.0f}–{rate[2]:.0f}) | {real_cell} | "
            f"{'; '.join(verdicts)} |"
        )
    print(f"load after: {loadavg()}")


def bench(runs: int) -> None:
    """read_pdf on text-layer and scanned PDFs: pages/s, OCR word accuracy, parse check."""
    print(f"load before: {loadavg()}")
    text_pdfs = [text_pdf(sample_pages(path)) for path in SAMPLES]
    pages = sum(read_pdf(data, LIMITS).page_count for data in text_pdfs)
    # Twenty copies of each sample in one PDF: 120 pages in one read_pdf call.
    import pypdfium2 as pdfium

    big = pdfium.PdfDocument.new()
    for _ in range(20):
        for data in text_pdfs:
            big.import_pages(pdfium.PdfDocument(data))
    buffer = io.BytesIO()
    big.save(buffer)
    rate = time_pages(lambda data: read_pdf(data, LIMITS), text_pdfs, pages, runs)
    big_rate = time_pages(
        lambda data: read_pdf(data, LIMITS), [buffer.getvalue()], 20 * pages, runs
    )
    print(f"text layer, 2 samples ({pages} pages): {rate[0]:.0f} pages/s (min {rate[1]:.0f})")
    print(
        f"text layer, one {20 * pages}-page PDF: {big_rate[0]:.0f} pages/s (min {big_rate[1]:.0f})"
    )
    print(f"load: {loadavg()}")
    for path in SAMPLES:
        layout = sample_pages(path)
        scan = scanned_pdf(layout)
        timings, result = [], None
        for _ in range(runs):
            start = time.perf_counter()
            result = read_pdf(scan, LIMITS)
            timings.append(time.perf_counter() - start)
        text = "\n".join(page.text for page in result.pages)
        accuracy = word_accuracy(printed_words(layout), text)
        document = split_documents(result)[0]
        print(
            f"OCR {path.name}: {len(result.pages)} pages, "
            f"{len(result.pages) / statistics.median(timings):.2f} pages/s "
            f"(median of {runs}; {statistics.median(timings):.1f} s), word accuracy "
            f"{accuracy:.1%}, codes 5.1.2e {text.count('5.1.2e')} of "
            f"{sum(run.text.count('5.1.2e') for page in layout for run in page.runs)}, "
            f"parses like .txt: {same_minutes(document.text, path)}"
        )
    print(f"load after: {loadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compare", action="store_true", help="compare the extractors")
    parser.add_argument("--real", type=Path, help="a folder of real PDFs for --compare")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.compare:
        compare(args.runs, args.real)
    else:
        bench(args.runs)


if __name__ == "__main__":
    main()
