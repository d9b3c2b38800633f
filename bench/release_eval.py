"""Real PDFs of other bodies through the import's own reading: read_pdf, split, parse.

    python -m bench.release_eval PDF_FOLDER TEXT_FOLDER EXPECTED.csv

`bench.generic_eval` judges the parser on text (Markdown, or PDFs turned into text by
`pdftotext`); this judges what the import does with the PDFs themselves. Each PDF is
matched to its text version in TEXT_FOLDER (the one sharing most of its first 150 words,
as `pdftotext` reads it; Poppler's pdftotext must be installed), whose expected meeting
date EXPECTED.csv gives (`file,expected_date,note`, as for generic_eval). Then the PDF goes
through `minutes.pdf.read_pdf` (text layer only, OCR off), `split_documents` and
`parse_minutes`, and the first meeting's date and agenda items are compared.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import os
import subprocess
from collections import Counter
from pathlib import Path


def first_words(text: str) -> list[str]:
    return text.split()[:150]


def closest(layer: str, texts: dict[str, str]) -> tuple[str, float]:
    """The text version most like a PDF's text, and how alike (0–1)."""
    words = first_words(layer)
    scores = {
        name: difflib.SequenceMatcher(None, words, first_words(text)).ratio()
        for name, text in texts.items()
    }
    best = max(scores, key=scores.__getitem__)
    return best, scores[best]


def judge(pdf: Path, expected: str) -> tuple[str, str]:
    from minutes.parsing import ParseError, parse_minutes
    from minutes.pdf import PdfError, PdfLimits, read_pdf, split_documents

    limits = PdfLimits(max_bytes=10**8, max_pages=1000, ocr=False, ocr_timeout=60)
    try:
        documents = [d for d in split_documents(read_pdf(pdf.read_bytes(), limits)) if d.meeting]
        parsed = parse_minutes(documents[0].text.encode())
    except PdfError as exc:
        return "pdf refused", str(exc)
    except ParseError as exc:
        return ("rejected" if expected else "rejected rightly"), str(exc)
    found = parsed.meeting_date.isoformat()
    if found != expected:
        return "wrong date", found
    return ("right" if parsed.agenda_items else "right, no items"), found


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")
    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", type=Path)
    parser.add_argument("texts", type=Path)
    parser.add_argument("expected", type=Path)
    args = parser.parse_args()
    with args.expected.open(newline="") as handle:
        expected = {row["file"]: row["expected_date"] for row in csv.DictReader(handle)}
    texts = {
        name: (args.texts / name).read_text(errors="replace")
        for name in expected
        if (args.texts / name).exists()
    }
    totals: Counter[str] = Counter()
    for pdf in sorted(args.pdfs.glob("*.pdf")):
        layer = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=False
        ).stdout
        name, likeness = closest(layer, texts)
        verdict, detail = judge(pdf, expected[name])
        totals[verdict] += 1
        print(f"{pdf.name}\t{name}\t{likeness:.2f}\t{expected[name] or '-'}\t{verdict}\t{detail}")
    print(dict(totals))


if __name__ == "__main__":
    main()
