"""Redactions as records: each redaction code and each withheld passage of a meeting,
with where it stands, its ground (the code normalised) and the law it cites.

Pure: a parsed meeting (or the texts a stored meeting holds, `Section`s) in, frozen
records out. The import service stores them with the meeting (minutes.models.Redaction);
a data migration makes them from the stored text of meetings imported before.

What is recorded, in reading order (the attendee and absentee lists, then the agenda
items in their stored order, each item's title before its text):

- every redaction code as released ("5.1.2e", "5.1.2.e", "10.2.e", "11.1"): kind CODE;
- every passage that is nothing but "buiten (het) verzoek" (a title, a line, a list
  entry; a sentence that merely contains the words is text, not a passage): kind
  OUTSIDE, ground `OUTSIDE_REQUEST`;
- in an agenda item whose whole title is a withheld marker ("3. 5.1.2i", "4. buiten
  verzoek"), both of the above in its title and text are kind ITEM: the item is
  withheld as a whole.

A code standing in a "buiten verzoek" line ("10.2.e - buiten verzoek") is recorded too:
the release withheld a name there, and the passage besides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from minutes.parsing.records import ParsedMeeting
from minutes.parsing.text import REDACTION_RE, WITHHELD_RE, withheld_parts

# The ground key of a passage outside the request: not a ground of the law, but what
# the release says of it. Also the `grond` filter's value for it.
OUTSIDE_REQUEST = "buiten-verzoek"


class Kind(StrEnum):
    CODE = "code"  # a code in the text: a name or a passage withheld on that ground
    OUTSIDE = "buiten-verzoek"  # a passage "buiten verzoek"
    ITEM = "punt"  # a marker in an agenda item withheld as a whole


class Law(StrEnum):
    WOO = "woo"  # Wet open overheid (since 1 May 2022)
    WOB = "wob"  # Wet openbaarheid van bestuur, its predecessor
    NONE = ""  # "buiten verzoek": no ground of either law


class Part(StrEnum):
    ATTENDEES = "aanwezig"
    ABSENTEES = "afwezig"
    TITLE = "titel"
    BODY = "tekst"


_WOO_RE = re.compile(r"^(5\.[12]\.\d)\.?([a-i])$")
_WOB_RE = re.compile(r"^(10\.[12])\.?([a-g])$")


def normalise(code: str) -> str:
    """A code's ground key: "5.1.2.e" and "5.1.2e" are "5.1.2e" (the Woo's way), "10.2e"
    and "10.2.e" are "10.2.e" (the Wob's), "11.1" and "5.2.1" stay as they are."""
    if found := _WOO_RE.match(code):
        return found.group(1) + found.group(2)
    if found := _WOB_RE.match(code):
        return f"{found.group(1)}.{found.group(2)}"
    return code


def law(key: str) -> Law:
    """The law a ground key cites: Woo codes start with 5, Wob codes with 10 or 11."""
    if key == OUTSIDE_REQUEST:
        return Law.NONE
    return Law.WOO if key.startswith("5.") else Law.WOB


@dataclass(frozen=True)
class Section:
    """One text of a meeting in which redactions are looked for.

    `item`: the agenda item's position in its meeting (as stored: tops and their
    sub-items in reading order), None outside the agenda (attendees, absentees).
    `item_withheld`: the item's title is nothing but a withheld marker.
    """

    part: Part
    text: str
    item: int | None = None
    item_withheld: bool = False


@dataclass(frozen=True)
class FoundRedaction:
    """One redaction code or withheld passage: `position` orders it in its meeting,
    `offset` is where it starts in its section's text (`part` of item `item`)."""

    position: int
    item: int | None
    part: Part
    offset: int
    code: str  # as released; "" for a "buiten verzoek" passage
    ground: str  # normalised key, or OUTSIDE_REQUEST
    law: Law
    kind: Kind


def item_sections(position: int, title: str, body: str) -> list[Section]:
    """An agenda item's title and text, marked withheld when its title is a marker."""
    whole = withheld_parts(title) is not None
    return [
        Section(Part.TITLE, title, position, whole),
        Section(Part.BODY, body, position, whole),
    ]


def meeting_sections(
    attendees: str, absentees: str, items: Iterable[tuple[int, str, str]]
) -> list[Section]:
    """The sections of a meeting: its lists, then each (position, title, body) item
    in the order given (sort them by position)."""
    sections = [Section(Part.ATTENDEES, attendees), Section(Part.ABSENTEES, absentees)]
    for position, title, body in items:
        sections += item_sections(position, title, body)
    return sections


def parsed_sections(parsed: ParsedMeeting) -> list[Section]:
    """The sections of a parsed meeting, its items at the positions the import stores
    them at (minutes.batches.item_drafts: a top, then its sub-items)."""
    items: list[tuple[int, str, str]] = []
    position = 0
    for item in parsed.agenda_items:
        items.append((position, item.title[:500], item.body))
        for offset, sub in enumerate(item.subitems, start=1):
            items.append((position + offset, sub.title[:500], sub.body))
        position += 1 + len(item.subitems)
    return meeting_sections(parsed.attendees_text, parsed.absentees_text, items)


def _in_section(section: Section) -> Iterable[tuple[int, str, Kind]]:
    """(offset, code or "", kind) of each redaction in one section, in text order."""
    start = 0
    for line in section.text.split("\n"):
        found = []
        parts = withheld_parts(line)
        if parts is not None and parts[0]:
            found += [(start + m.start(), "", Kind.OUTSIDE) for m in WITHHELD_RE.finditer(line)]
        found += [(start + m.start(), m.group(0), Kind.CODE) for m in REDACTION_RE.finditer(line)]
        for offset, code, kind in sorted(found):
            yield offset, code, Kind.ITEM if section.item_withheld else kind
        start += len(line) + 1


def find_redactions(sections: Iterable[Section]) -> tuple[FoundRedaction, ...]:
    """Every redaction in these sections, numbered in reading order."""
    found = []
    for section in sections:
        for offset, code, kind in _in_section(section):
            key = normalise(code) if code else OUTSIDE_REQUEST
            found.append(
                FoundRedaction(
                    len(found), section.item, section.part, offset, code, key, law(key), kind
                )
            )
    return tuple(found)


def redactions(parsed: ParsedMeeting) -> tuple[FoundRedaction, ...]:
    """Every redaction code and withheld passage of a parsed meeting."""
    return find_redactions(parsed_sections(parsed))


def grounds(title: str, body: str) -> list[str]:
    """The ground keys (OUTSIDE_REQUEST for a passage outside the request) of one agenda
    item's text, each once, sorted: what the search index files the item under."""
    found = find_redactions(item_sections(0, title, body))
    return sorted({redaction.ground for redaction in found})
