"""What the parser hands out: frozen dataclasses, no ORM.

The names say "Parsed" so they never collide with the models they become
(`minutes.models.AgendaItem`, `Decision`, `MinistryMention`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from minutes.parsing.decisions import DecisionKind
from minutes.parsing.text import ParseWarning

INSERTED = "ingelast"  # the number of an item inserted at the meeting, which has none


def item_label(number: str, letter: str = "") -> str:
    """An agenda item as a reader cites it: "5", "5a", "Ingelast".

    The one label rule: the models, pages, exports, feeds and the import preview
    all use it.
    """
    if number == INSERTED:
        return f"Ingelast {letter}".strip()
    return f"{number}{letter}"


def list_label(number: str, letter: str = "") -> str:
    """The label in front of a title in a list: "5.", "5a.", "Ingelast" (no dot)."""
    label = item_label(number, letter)
    return label if number == INSERTED else f"{label}."


@dataclass(frozen=True)
class ParsedSubitem:
    """A lettered sub-item (a, b, c) of an agenda item."""

    letter: str
    title: str
    body: str = ""


@dataclass(frozen=True)
class ParsedContribution:
    """What one ministry brought up in the rondvraag."""

    ministry: str  # canonical abbreviation
    label: str  # the heading as written: "J&V:", "EZK", "Fin:"
    text: str


@dataclass(frozen=True)
class ParsedItem:
    """A numbered (or inserted, "ingelast") agenda item."""

    number: str  # "1", "5" or "ingelast"
    title: str
    body: str
    subitems: tuple[ParsedSubitem, ...] = ()
    contributions: tuple[ParsedContribution, ...] = ()
    ministries_mentioned: tuple[str, ...] = ()

    @property
    def list_label(self) -> str:
        return list_label(self.number)


@dataclass(frozen=True)
class ParsedDecision:
    """A sentence in which the SGO itself settles something."""

    item: str  # number label of the top-level agenda item
    text: str
    kind: DecisionKind
    item_index: int = 0  # position in ParsedMeeting.agenda_items ("ingelast" can repeat)

    @property
    def item_label(self) -> str:
        return item_label(self.item)


def _fmt_time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


@dataclass(frozen=True)
class ParsedMeeting:
    """One file of minutes as the parser understood it."""

    meeting_date: date
    start_time: time | None
    end_time: time | None
    place: str | None
    reference: str | None
    document_date: date | None
    encoding: str
    description: str | None
    attendees_text: str
    absentees_text: str
    agenda_items: tuple[ParsedItem, ...]
    decisions: tuple[ParsedDecision, ...]
    ministries_present: tuple[str, ...]
    ministries_mentioned: tuple[str, ...]
    redaction_codes: tuple[str, ...]
    withheld_passages: int
    body: str
    text: str  # the whole decoded text, line ends normalised
    warnings: tuple[ParseWarning, ...] = field(default=())
    # The series as the document names it ("SGO", "Technisch Overleg Digikoppeling"),
    # or None when it names none the parser recognises.
    series: str | None = None
    # Which rules read it: "sgo" (the SGO template's exact rules) or "generic".
    template: str = "sgo"

    def as_json(self) -> dict:
        """The documented JSON shape of `manage.py parse_minutes`."""
        return {
            "meeting_date": self.meeting_date.isoformat(),
            "start_time": _fmt_time(self.start_time),
            "end_time": _fmt_time(self.end_time),
            "place": self.place,
            "reference": self.reference,
            "document_date": self.document_date.isoformat() if self.document_date else None,
            "encoding": self.encoding,
            "series": self.series,
            "template": self.template,
            "agenda_items": [
                {
                    "number": item.number,
                    "title": item.title,
                    "body": item.body,
                    "subitems": [{"letter": s.letter, "title": s.title} for s in item.subitems],
                }
                for item in self.agenda_items
            ],
            "decisions": [
                {"item": d.item, "text": d.text, "kind": str(d.kind)} for d in self.decisions
            ],
            "ministries_mentioned": list(self.ministries_mentioned),
            "ministries_present": list(self.ministries_present),
            "redaction_codes": list(self.redaction_codes),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "body": self.body,
        }
