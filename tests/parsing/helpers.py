"""Shared helpers for the parser tests: reading fixtures and comparing outlines."""

from __future__ import annotations

from pathlib import Path

from minutes.parsing import ParsedItem, ParsedMeeting, parse_minutes

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "sample_data"
FIXTURES = ROOT / "tests" / "fixtures"

ALL_TWELVE = (
    "AZ", "BZ", "BZK", "DEF", "EZK", "FIN", "IenW", "JenV", "LNV", "OCW", "SZW", "VWS",
)  # fmt: skip


def parse_sample(name: str) -> ParsedMeeting:
    return parse_minutes((SAMPLES / name).read_bytes())


def parse_fixture(name: str) -> ParsedMeeting:
    return parse_minutes((FIXTURES / name).read_bytes())


def outline(meeting: ParsedMeeting) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Items as (number, title, [(letter, title), ...]) for exact comparison."""
    return [
        (item.number, item.title, [(s.letter, s.title) for s in item.subitems])
        for item in meeting.agenda_items
    ]


def decisions(meeting: ParsedMeeting) -> list[tuple[str, str, str]]:
    return [(d.item, d.text, d.kind) for d in meeting.decisions]


def item(meeting: ParsedMeeting, number: str) -> ParsedItem:
    [found] = [i for i in meeting.agenda_items if i.number == number]
    return found


def item_at(meeting: ParsedMeeting, index: int) -> ParsedItem:
    """By position: "ingelast" can occur more than once."""
    return meeting.agenda_items[index]


def contributions(agenda_item: ParsedItem) -> list[tuple[str, str]]:
    return [(c.label, c.ministry) for c in agenda_item.contributions]


def all_text(meeting: ParsedMeeting) -> list[str]:
    """Every piece of extracted text a reader sees: top-level body, bodies, sub-items."""
    texts = [meeting.body]
    for agenda_item in meeting.agenda_items:
        texts.append(agenda_item.title)
        texts.append(agenda_item.body)
        texts.extend(s.title for s in agenda_item.subitems)
        texts.extend(s.body for s in agenda_item.subitems)
        texts.extend(c.text for c in agenda_item.contributions)
    return texts


def assert_no_page_header(meeting: ParsedMeeting, *fragments: str) -> None:
    for text in all_text(meeting):
        for fragment in fragments:
            assert fragment not in text, (fragment, text)


def flat(text: str) -> str:
    """Text with its line wrapping undone, for comparing sentences."""
    return " ".join(text.split())
