"""Parse SGO minutes ("verslagen") from text files into plain dataclasses.

Pure: bytes in, dataclasses out. No database, no Django. The import service turns
the result into model rows; `manage.py parse_minutes` prints it as JSON.

The input is the text of Woo releases, and it is messy in known ways:

- more than one encoding (UTF-8, UTF-8 with BOM, cp1252) and CRLF line ends;
- a letterhead (sender, "Datum", "Onze referentie") and a tab-separated header table
  (Omschrijving, Vergaderdatum en -tijd, Vergaderplaats, Aanwezig, Afwezig);
- running page headers (letterhead name, Datum, Onze referentie, Pagina x van y)
  that land anywhere, including in the middle of a sentence, sometimes bold
  (`**`), sometimes glued to the neighbouring word;
- ministries written several ways (J&V, JenV, Justitie en Veiligheid);
- names replaced by Woo redaction codes such as 5.1.2e, which must be kept as is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time

from minutes.ministries import CANONICAL_ORDER, default_alias_table


class ParseError(ValueError):
    """The file cannot be read as minutes; the message says why."""


DECISION_KINDS = ("adopted", "consented", "decided", "agreed")


@dataclass(frozen=True)
class SubItem:
    """A lettered sub-item (a, b, c) of an agenda item."""

    letter: str
    title: str
    body: str = ""


@dataclass(frozen=True)
class Contribution:
    """What one ministry brought up in the rondvraag."""

    ministry: str  # canonical abbreviation
    label: str  # the heading as written: "J&V:", "EZK", "Fin:"
    text: str


@dataclass(frozen=True)
class AgendaItem:
    """A numbered (or inserted, "ingelast") agenda item."""

    number: str  # "1", "5" or "ingelast"
    title: str
    body: str
    subitems: tuple[SubItem, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    ministries_mentioned: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """A sentence in which the SGO itself settles something."""

    item: str  # number label of the top-level agenda item
    text: str
    kind: str  # one of DECISION_KINDS
    item_index: int = 0  # position in ParsedMeeting.agenda_items ("ingelast" can repeat)


@dataclass(frozen=True)
class ParsedMeeting:
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
    agenda_items: tuple[AgendaItem, ...]
    decisions: tuple[Decision, ...]
    ministries_present: tuple[str, ...]
    ministries_mentioned: tuple[str, ...]
    redaction_codes: tuple[str, ...]
    withheld_passages: int
    body: str
    text: str  # the whole decoded text, line ends normalised
    warnings: tuple[str, ...] = field(default=())

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
            "agenda_items": [
                {
                    "number": item.number,
                    "title": item.title,
                    "body": item.body,
                    "subitems": [{"letter": s.letter, "title": s.title} for s in item.subitems],
                }
                for item in self.agenda_items
            ],
            "decisions": [{"item": d.item, "text": d.text, "kind": d.kind} for d in self.decisions],
            "ministries_mentioned": list(self.ministries_mentioned),
            "ministries_present": list(self.ministries_present),
            "redaction_codes": list(self.redaction_codes),
            "body": self.body,
        }


def _fmt_time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


# --------------------------------------------------------------------------- text


MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
# Tables sometimes abbreviate the month ("3 mrt. 2020"). Full names come first in the
# alternation, so "januari" is never read as "jan" followed by junk.
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
    "sep": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip
MONTH_PATTERN = "|".join([*MONTHS, *(rf"{abbr}\.?" for abbr in MONTH_ABBREVIATIONS)])
WEEKDAYS = "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag"
DATE_WORDS_RE = re.compile(
    rf"(?:(?:{WEEKDAYS})\s+)?(\d{{1,2}})\s+({MONTH_PATTERN})\s+(\d{{4}})", re.IGNORECASE
)
DATE_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
# A pattern for a date as written in a running header (any Dutch date).
DATE_PATTERN = rf"\d{{1,2}}\s+(?:{MONTH_PATTERN})\s+\d{{4}}"

TIME_RANGE_RE = re.compile(
    r"(\d{1,2})[.:](\d{2})\s*(?:u(?:ur)?\.?\s*)?(?:-|–|—|tot(?:\s+en\s+met)?)\s*(\d{1,2})[.:](\d{2})"
)
TIME_SINGLE_RE = re.compile(r"(?<![\d.:])(\d{1,2})[.:](\d{2})(?:\s*uur)?(?![\d])")

# Woo grounds (5.1.1c, 5.1.2e, 5.2.1 ...) and the older Wob grounds (10.2.e, 11.1).
# A dot counts as part of the code only before its letter ("5.1.2.e"): in "zie 5.2.1."
# the dot ends the sentence.
REDACTION_RE = re.compile(r"(?<![\w.])(?:5\.[12]\.\d(?:\.?[a-i])?|10\.[12]\.?[a-g]|11\.1)(?![\w])")
WITHHELD_RE = re.compile(r"buiten\s+(?:het\s+)?verzoek", re.IGNORECASE)

BOLD = "**"


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise ParseError for empty or binary input."""
    if not data or not data.strip():
        raise ParseError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ParseError(f"broken UTF-16 text: {exc}") from exc
    if b"\x00" in data:
        raise ParseError("binary content (NUL bytes): not a text file")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ParseError(f"not UTF-8 or cp1252 text: {exc.reason} at byte {exc.start}") from exc
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    if controls > max(3, len(text) // 100):
        raise ParseError("binary content (control characters): not a text file")
    return text, encoding


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u200b", "")
    return unicodedata.normalize("NFC", text)


CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def clean_inline(text: str) -> str:
    """One line of clean text: no bold markers or control characters, single spaces.

    Control characters never carry meaning in minutes; dropping them also keeps the
    web pages' highlight markers (which are control characters) unambiguous.
    """
    text = CONTROL_RE.sub("", text).replace(BOLD, "")
    return re.sub(r"[ \t]+", " ", text).strip()


def clean_block(text: str) -> str:
    """Clean multi-line text: strip bold markers and stray spaces, keep paragraphs."""
    lines = [clean_inline(line) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def parse_date(text: str) -> date | None:
    match = DATE_WORDS_RE.search(text)
    try:
        if match:
            day, month, year = match.groups()
            key = month.lower().rstrip(".")
            return date(int(year), MONTHS.get(key) or MONTH_ABBREVIATIONS[key], int(day))
        match = DATE_NUMERIC_RE.search(text)
        if match:
            day, month, year = match.groups()
            return date(int(year), int(month), int(day))
    except ValueError:
        return None
    return None


def parse_times(text: str) -> tuple[time | None, time | None]:
    def make(h: str, m: str) -> time | None:
        try:
            return time(int(h), int(m))
        except ValueError:
            return None

    # Ignore the date part so "19-01-2021" is never read as a time.
    text = DATE_NUMERIC_RE.sub(" ", DATE_WORDS_RE.sub(" ", text))
    match = TIME_RANGE_RE.search(text)
    if match:
        return make(*match.group(1, 2)), make(*match.group(3, 4))
    match = TIME_SINGLE_RE.search(text)
    if match:
        return make(*match.group(1, 2)), None
    return None, None


# ----------------------------------------------------------------- ministries


class MinistryMatcher:
    """Find ministries in text, in any spelling the alias table knows."""

    def __init__(self, aliases: Mapping[str, str]):
        self.aliases = dict(aliases)
        # Longest first, so "Binnenlandse Zaken en Koninkrijksrelaties" wins over
        # "Binnenlandse Zaken", and "EZK" over "EZ".
        names = sorted(self.aliases, key=len, reverse=True)
        alternation = "|".join(_alias_pattern(name) for name in names)
        # Case-sensitive on purpose: "Financiën" is the ministry, "financiën" and
        # "financiële" are words; "AZ" is the ministry, "az" is nothing.
        self.pattern = re.compile(rf"(?<![\w&])({alternation})(?![\w&])")
        self.by_key = {_alias_key(name): abbr for name, abbr in self.aliases.items()}

    def find(self, text: str) -> list[str]:
        found = {self.by_key[_alias_key(m.group(1))] for m in self.pattern.finditer(text)}
        return order_ministries(found)

    def resolve(self, token: str) -> str | None:
        """The canonical abbreviation for a token that is exactly an alias."""
        return self.by_key.get(_alias_key(token.strip()))


def _alias_pattern(name: str) -> str:
    # Multi-word names may be broken over a line or spaced oddly.
    return r"\s+".join(re.escape(part) for part in name.split())


def _alias_key(name: str) -> str:
    return " ".join(name.split())


def order_ministries(abbreviations: Iterable[str]) -> list[str]:
    rank = {abbr: i for i, abbr in enumerate(CANONICAL_ORDER)}
    return sorted(set(abbreviations), key=lambda a: (rank.get(a, len(rank)), a))


def ministries_present(attendees: str, matcher: MinistryMatcher) -> list[str]:
    """Ministries from the tags on the Aanwezig line: "(AZ, vz)", "(FIN, plv.)".

    A tag may carry a role around the ministry ("(plv. SG FIN)"), so each tag is
    searched rather than matched whole. Only where no tag names a ministry ("SG AZ (vz),
    SG BZK") do the words outside the brackets count.
    """
    found = [abbr for tag in re.findall(r"\(([^()]*)\)", attendees) for abbr in matcher.find(tag)]
    if not found:
        found = matcher.find(re.sub(r"\([^()]*\)", " ", attendees))
    return order_ministries(found)


# -------------------------------------------------------------- page headers

HEADER_LABELS = ("Datum", "Onze referentie", "Ons kenmerk", "Kenmerk", "Referentie")
SEP = r"(?:[ \t\n]|\*\*)*"


def _letterhead_names(lines: list[str]) -> list[str]:
    """Sender lines at the top of the letterhead ("Kabinet Minister-President").

    Running page headers repeat them, and only by knowing them can we tell a
    header's first line from the sentence fragment the header interrupted.
    """
    names = []
    for raw in lines:
        line = clean_inline(raw)
        if not line:
            continue
        if re.match(r"^(?:Contactpersoon|Datum|Onze referentie|Postbus|Bezoekadres)\b", line):
            break
        if re.search(r"\d{4}\s?[A-Z]{2}\b|www\.|@|^\d", line):
            break
        if len(line) <= 80 and not line.endswith((".", ":", ";", ",")):
            names.append(line)
    # Generic sender names are headers in any ministry's template.
    return names


def page_header_regex(
    names: Iterable[str], document_date: str | None, reference: str | None
) -> re.Pattern[str]:
    name_alts = [re.escape(n) for n in sorted(set(names), key=len, reverse=True)]
    name_alts.append(r"(?:Ministerie van|Kabinet|Directoraat-[Gg]eneraal|Directie) [^\n*]{3,60}?")
    date_alt = re.escape(document_date) if document_date else DATE_PATTERN
    # The letterhead's own reference first (it may hold letters); any number after it,
    # since a header on a later page can carry another reference than the letterhead.
    ref_alt = rf"{re.escape(reference)}|\d[\d./-]*" if reference else r"\d[\d./-]*"
    labels = "|".join(re.escape(label) for label in HEADER_LABELS)
    field_alt = (
        rf"(?:Datum{SEP}(?:{date_alt}|{DATE_PATTERN})"
        rf"|(?:{labels}){SEP}(?:{ref_alt})"
        rf"|Pagina{SEP}\d+{SEP}van{SEP}\d+)"
    )
    name_part = rf"(?:(?:{'|'.join(name_alts)}){SEP})*"
    return re.compile(rf"{SEP}{name_part}{field_alt}(?:{SEP}{field_alt})*{SEP}")


def remove_page_headers(text: str, pattern: re.Pattern[str]) -> str:
    """Cut running page headers out and rejoin the text around each one.

    Where the header sat between two paragraphs the paragraph break stays; where it
    cut a sentence (or sat between two sentences of one paragraph) the two sides
    are joined with a single space.
    """

    def join(match: re.Match[str]) -> str:
        before = text[: match.start()].rstrip(" \t*")
        after = text[match.end() :].lstrip(" \t*")
        if not before or not after:
            return "\n"
        gap = match.group(0)
        ends_sentence = before[-1] in ".!?:;"
        paragraph_gap = gap.startswith("\n") or gap.lstrip(" \t*").startswith("\n")
        starts_block = bool(re.match(r"[-•*A-Z0-9]", after)) or after[0].isupper()
        if ends_sentence and paragraph_gap and starts_block and "\n" in gap.rstrip(" \t*")[-2:]:
            return "\n\n"
        return " "

    return pattern.sub(join, text)


# ---------------------------------------------------------------- the table

TABLE_LABELS = {
    "omschrijving": "description",
    "vergaderdatum en -tijd": "when",
    "vergaderdatum en tijd": "when",
    "vergaderdatum": "when",
    "datum vergadering": "when",
    "datum en tijd": "when",
    "datum en tijdstip": "when",
    "tijd": "time",
    "vergadertijd": "time",
    "tijdstip": "time",
    "aanvang": "time",
    "vergaderplaats": "place",
    "locatie": "place",
    "plaats": "place",
    "aanwezig": "present",
    "aanwezigen": "present",
    "afwezig": "absent",
    "afwezigen": "absent",
    "afgemeld": "absent",
}
TABLE_ROW_RE = re.compile(
    r"^(?:\*\*)?("
    + "|".join(re.escape(k) for k in sorted(TABLE_LABELS, key=len, reverse=True))
    + r")(?:\*\*)?(?:[ \t]*\t[ \t]*|[ \t]*:[ \t]*|[ \t]{2,}|[ \t]*$)(.*)$",
    re.IGNORECASE,
)


def parse_table(lines: list[str]) -> tuple[dict[str, str], int, int]:
    """Read the header table. Return (fields, first line index, index after it)."""
    fields: dict[str, str] = {}
    first = end = -1
    current: str | None = None
    for index, raw in enumerate(lines):
        match = TABLE_ROW_RE.match(raw.strip(" "))
        if match and (first < 0 or index - end <= 2):
            key = TABLE_LABELS[match.group(1).lower()]
            if key in fields and key != "time":
                break
            fields[key] = clean_inline(match.group(2))
            current = key
            first = index if first < 0 else first
            end = index + 1
            continue
        if current and raw[:1] in "\t " and raw.strip() and index == end:
            # A tab-indented continuation line (a long Aanwezig list).
            fields[current] = f"{fields[current]} {clean_inline(raw)}".strip()
            end = index + 1
            continue
        if first >= 0 and raw.strip() and index - end > 1:
            break
        current = None if raw.strip() else current
    return fields, first, end


def letterhead_field(lines: list[str], label: str) -> str | None:
    """The value after a letterhead label: on the same line or the next non-empty one."""
    for index, raw in enumerate(lines):
        line = clean_inline(raw)
        if line == label and index + 1 < len(lines):
            for following in lines[index + 1 : index + 4]:
                value = clean_inline(following)
                if value:
                    return value
        elif line.startswith(label + " ") or line.startswith(label + ":"):
            value = line[len(label) :].lstrip(" :")
            if value:
                return value
    return None


# ------------------------------------------------------------------ agenda

# "3. Titel", "**3.** Titel", "Agendapunt 3: Titel", and "3<TAB>Titel" (some exports
# drop the dot and keep the tab stop).
ITEM_RE = re.compile(
    r"^[ \t]*(?:\*\*)?[ \t]*(?:Agendapunt[ \t]+)?(\d{1,2})(?:[ \t]*[.):](?:\*\*)?[ \t]+|\t+)"
    r"(?:\*\*)?(.+?)$",
    re.IGNORECASE,
)
INSERTED_RE = re.compile(
    r"^[ \t]*(?:\*\*)?[ \t]*Ingelast(?:e)?(?:[ \t]+agendapunt)?(?:\*\*)?"
    r"[ \t]*[:.\-–]?[ \t]*(?:\*\*)?(.*?)$",
    re.IGNORECASE,
)
# "a. Titel", "a)\tTitel", and with the item's number in front: "3a. Titel", "3.b) Titel".
SUBITEM_RE = re.compile(
    r"^[ \t]*(?:\*\*)?(?:(\d{1,2})\.?)?([a-z])[ \t]*[.)](?:\*\*)?[ \t]+(?:\*\*)?(.+?)$"
)


@dataclass
class _ItemDraft:
    number: str
    title: str
    lines: list[str] = field(default_factory=list)
    subitems: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def current_lines(self) -> list[str]:
        return self.subitems[-1][2] if self.subitems else self.lines


def _title(raw: str) -> str:
    return clean_inline(raw).rstrip(" :")


def _looks_like_title(title: str, strict: bool) -> bool:
    if not title or title.endswith((",", ";")):
        return False
    return len(title) <= (300 if strict else 150)


def _reads_as_list_entry(raw_title: str, is_bold: bool, bold_headings: bool) -> bool:
    """Whether a numbered line that carries on a list in the body is a list entry.

    Where a list inside item 1 runs "1. ...", "2. ..." the list's "2." and the next
    agenda item "2." share a number; a list entry reads as a sentence or clause (ends in
    punctuation, starts in lower case) or lacks the bold the headings have.
    """
    title = clean_inline(raw_title)
    if not title:
        return False
    return title.endswith((".", ";", ",")) or title[0].islower() or (bold_headings and not is_bold)


def _restarts_after_agenda_list(items: list[_ItemDraft], number: int) -> bool:
    """True when numbering starts over after items that have no text at all."""
    if len(items) < 2 or not items[0].number.isdigit() or number != int(items[0].number):
        return False
    return all(not any(line.strip() for line in it.lines) and not it.subitems for it in items)


def split_items(text: str) -> tuple[str, list[_ItemDraft]]:
    """Split the agenda text into (preamble, item drafts) by their headings."""
    preamble: list[str] = []
    items: list[_ItemDraft] = []
    last_number = 0
    # The number that would carry on a numbered list seen inside the current item
    # ("1. ...", "2. ..."), and whether every heading so far was bold.
    list_next = 0
    bold_headings = True
    for line in text.split("\n"):
        inserted = INSERTED_RE.match(line)
        if inserted and not ITEM_RE.match(line):
            items.append(_ItemDraft("ingelast", _title(inserted.group(1)) or "Ingelast agendapunt"))
            list_next = 0
            continue
        match = ITEM_RE.match(line)
        if match:
            number = int(match.group(1))
            title = _title(match.group(2))
            # Numbers must run on (a gap of one or two is a withheld item); this keeps
            # numbered lists inside a body from being read as agenda items.
            strict = number == last_number + 1
            is_bold = line.lstrip().startswith(BOLD)
            if (
                (strict or last_number < number <= last_number + 3)
                and _looks_like_title(title, strict)
                and not (
                    number == list_next
                    and _reads_as_list_entry(match.group(2), is_bold, bold_headings)
                )
            ):
                items.append(_ItemDraft(str(number), title))
                last_number = number
                list_next = 0
                bold_headings = bold_headings and is_bold
                continue
            if _restarts_after_agenda_list(items, number):
                # The items so far were the agenda listed up front ("Agenda: 1. …
                # 2. …") with no text of their own; the minutes proper start here.
                preamble.extend(f"{it.number}. {it.title}" for it in items)
                items = [_ItemDraft(str(number), title)]
                last_number, list_next = number, 0
                bold_headings = line.lstrip().startswith(BOLD)
                continue
            if items:
                list_next = number + 1
        if not items:
            preamble.append(line)
            continue
        item = items[-1]
        sub = SUBITEM_RE.match(line)
        if sub and sub.group(1) in (None, item.number):
            expected = chr(ord("a") + len(item.subitems))
            title = _title(sub.group(3))
            if sub.group(2) == expected and _looks_like_title(title, strict=False):
                item.subitems.append((expected, title, []))
                continue
        item.current_lines.append(line)
    return "\n".join(preamble), items


# ---------------------------------------------------------------- decisions

ABBREVIATIONS = {
    "mw", "dhr", "mevr", "c.q", "a.s", "o.a", "i.v.m", "plv", "vz", "d.d", "nr", "bijv",
    "e.d", "m.b.t", "t.a.v", "i.o.m", "z.s.m", "n.a.v", "m.n", "evt", "ca", "resp", "jl",
    "j.l", "incl", "excl", "o.l.v", "t.b.v", "i.p.v", "e.e.a", "d.w.z", "dr", "mr", "ir",
    "drs", "prof", "vs", "st",
}  # fmt: skip


# Exports that wrap paragraphs do so at 60 to 100 characters; headings are shorter.
WRAPPED_LINE_LENGTH = 55
LIST_MARKER_RE = re.compile(r"^(?:[-•–]\s*|\d{1,2}[.)]\s+|[a-z][.)]\s+)")


def _text_units(text: str) -> list[str]:
    """Paragraphs and list entries, with soft line wraps undone.

    Some exports wrap a paragraph over several lines. A line carries on the one before
    unless it opens a list entry, or the line before ends a sentence or clause. A line
    opening with a capital carries on only a long line (a wrap, not a heading such as
    "EZK" or "Conclusies van de werkgroep").
    """
    units: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text):
        current = previous = ""
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            wraps = (
                bool(current)
                and not LIST_MARKER_RE.match(line)
                and current[-1] not in ".!?:;"
                and (not line[0].isupper() or len(previous) >= WRAPPED_LINE_LENGTH)
            )
            if wraps:
                current = f"{current} {line}"
            else:
                if current:
                    units.append(current)
                current = line
            previous = line
        if current:
            units.append(current)
    return units


def split_sentences(text: str) -> list[str]:
    """Split clean text into sentences; bullets and paragraphs are separate units."""
    sentences: list[str] = []
    for unit in _text_units(text):
        block = LIST_MARKER_RE.sub("", unit)
        if not block:
            continue
        start = 0
        for match in re.finditer(r"[.!?](?=\s+[\"'‘“(]?[A-Z0-9])", block):
            word = re.search(r"([\w.]+)$", block[start : match.start()])
            if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
                continue
            sentences.append(block[start : match.end()].strip())
            start = match.end()
        rest = block[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


SUBJECT = (
    r"(?:het\s+sgo|de\s+sg['’]s|de\s+sg-en|de\s+secretarissen-generaal"
    r"|de\s+leden(?:\s+van\s+het\s+sgo)?|het\s+overleg)"
)
SUBJECT_FIRST_RE = re.compile(rf"^(?:[^,]{{0,80}},\s*)?{SUBJECT}\b", re.IGNORECASE)
VERB_FIRST_RE = re.compile(
    r"\b(?:stemt|stemmen|besluit|besluiten|gaat|gaan|spreekt|spreken|stelt|stellen|"
    r"bevestigt|bevestigen|onderschrijft|onderschrijven|komt|komen|neemt|nemen|is|zijn|heeft|hebben)"
    rf"\s+{SUBJECT}\b",
    re.IGNORECASE,
)
NOT_A_DECISION_RE = re.compile(
    r"\baangehouden\b|\bneemt\s+kennis\b|\bnemen\s+kennis\b|\bkennis\s+genomen\b"
    r"|\bkennisgenomen\b|\bvastgesteld\s+dat\b|\bvast\s+dat\b"
    r"|\bvastgesteld\s+(?:wordt|werd|is|kan\s+worden)\s+dat\b"
    r"|\b(?:moet|moeten|kan|kunnen|zal|zullen|dient|dienen)\s+(?:\w+\s+){0,4}?worden\s+vastgesteld"
    # Asked to decide, or going to decide later, is not deciding.
    r"|\b(?:wordt|worden|werd|werden)\s+(?:\w+\s+){0,2}?(?:gevraagd|verzocht)\b"
    r"|\b(?:zal|zullen|wil|willen)\s+(?:\w+\s+){0,6}?"
    r"(?:besluiten|instemmen|vaststellen|afspreken|akkoord\s+gaan)\b"
    r"|\b(?:informeert|vraagt|verzoekt)\b|\bof\s+" + SUBJECT + r"\b"
    r"|\b(?:meldt|melden|meldde|gemeld|bericht|geeft\s+aan)\s+(?:\w+\s+){0,3}?dat\b",
    re.IGNORECASE,
)
OTHER_BODY_RE = re.compile(
    r"^(?:[^,]{0,80},\s*)?(?:de\s+|het\s+)?(?:\(r\)mr|rmr|mr|ministerraad|rijksministerraad|kabinet"
    r"|tweede\s+kamer|eerste\s+kamer|kamer|icbr|onderraad|minister|staatssecretaris)\b",
    re.IGNORECASE,
)
ADOPTED_RE = re.compile(
    r"\bverslag(?:en)?\b.*\b(?:is|wordt|werd|zijn|worden|werden)\b.*\bvastgesteld\b"
    r"|\b(?:wordt|werd|is|worden|zijn)\s+(?:\w+\s+){0,3}?(?:het|de)\s+verslag(?:en)?\b.*\bvastgesteld\b"
    r"|\bstel(?:t|len|de|den)\b.*\bverslag(?:en)?\b.*\bvast\b",
    re.IGNORECASE,
)
CONSENTED_RE = re.compile(
    r"\b(?:stemt|stemmen|stemde|stemden)\b.*\bin\b|\binstemmen\b|\binstemming\b"
    r"|\bingestemd\b",
    re.IGNORECASE,
)
DECIDED_RE = re.compile(
    r"\b(?:besluit|besluiten|besloot|besloten)\b|\bstel(?:t|len|de|den)\b.*\bvast\b",
    re.IGNORECASE,
)
AGREED_RE = re.compile(
    r"\b(?:gaat|gaan|ging|gingen|is|zijn)\b.*\bakkoord\b|\bakkoord\s+(?:met|gegaan)\b"
    r"|\b(?:spreekt|spreken|sprak|spraken)\b.*\baf\b|\bafgesproken\b"
    r"|\b(?:komt|komen|kwam|kwamen)\b.*\bovereen\b"
    r"|\b(?:bevestigt|bevestigen|bevestigde|bevestigden|onderschrijft|onderschrijven)\b",
    re.IGNORECASE,
)
PASSIVE_DECISION_RE = re.compile(
    r"^(?:[^,]{0,80},\s*)?(?:er\s+)?(?:wordt|werd)\s+(?:\w+\s+){0,3}?"
    r"(besloten|ingestemd|afgesproken)\b"
    r"|^(?:[^,]{0,80},\s*)?(besloten|ingestemd|afgesproken)\s+(?:wordt|werd)\b",
    re.IGNORECASE,
)


# "Het SGO neemt kennis van X en stemt in met Y": the taking note is no decision, the
# verb after "en" may be one.
NOTED_THEN_RE = re.compile(
    r"\b(?:neemt|nemen)\s+kennis\s+van\b.*?\ben\s+"
    r"(?=(?:stemt|stemmen|besluit|besluiten|gaat|gaan|spreekt|spreken|stelt|stellen)\b)",
    re.IGNORECASE,
)
# A verslag adopted in a clause without a subject: "Vastgesteld.", "Verslag vastgesteld.",
# "Vastgesteld met een wijziging van SG BZK."
BARE_ADOPTED_RE = re.compile(
    r"^(?:(?:het\s+)?(verslag(?:en)?)\s+(?:is\s+|zijn\s+|wordt\s+|worden\s+)?)?"
    r"(?:ongewijzigd\s+|conform\s+|akkoord\s+en\s+)?vastgesteld\b",
    re.IGNORECASE,
)


def classify_decision(sentence: str, item_title: str) -> str | None:
    """The decision kind of a sentence, or None when the SGO settles nothing in it."""
    text = NOTED_THEN_RE.sub("", clean_inline(sentence))
    if NOT_A_DECISION_RE.search(text):
        return None
    bare = BARE_ADOPTED_RE.match(text)
    if bare:
        # A bare "Vastgesteld." counts only under an item about the previous minutes.
        names_minutes = bool(bare.group(1)) or re.search(r"\bverslag", item_title, re.I)
        return "adopted" if names_minutes else None
    if OTHER_BODY_RE.search(text):
        return None
    if ADOPTED_RE.search(text):
        return "adopted"
    sgo_is_subject = bool(SUBJECT_FIRST_RE.search(text) or VERB_FIRST_RE.search(text))
    if sgo_is_subject:
        if CONSENTED_RE.search(text):
            return "consented"
        if DECIDED_RE.search(text):
            return "decided"
        if AGREED_RE.search(text):
            return "agreed"
        return None
    passive = PASSIVE_DECISION_RE.search(text)
    if passive:
        verb = (passive.group(1) or passive.group(2)).lower()
        return {"besloten": "decided", "ingestemd": "consented", "afgesproken": "agreed"}[verb]
    return None


# ------------------------------------------------------------------ rondvraag


def split_contributions(lines: list[str], matcher: MinistryMatcher) -> list[Contribution]:
    """Group rondvraag lines under their ministry headings ("EZK", "J&V:", "Fin:")."""
    contributions: list[tuple[str, str, list[str]]] = []
    for raw in lines:
        # A heading may itself be a bullet ("- EZK: Meldt ..."); the label is without it.
        line = re.sub(r"^[-•–]\s*", "", clean_inline(raw))
        heading = re.match(r"^(?:SG\s+)?([^:]{1,45}?)\s*:?\s*$", line)
        inline = re.match(r"^(?:SG\s+)?([^:]{1,45}?)\s*:\s+(.+)$", line)
        if heading and matcher.resolve(heading.group(1)):
            contributions.append((matcher.resolve(heading.group(1)), line, []))
            continue
        if inline and matcher.resolve(inline.group(1)):
            label = line[: line.index(":") + 1]
            contributions.append((matcher.resolve(inline.group(1)), label, [inline.group(2)]))
            continue
        if contributions:
            contributions[-1][2].append(raw)
    return [
        Contribution(ministry=abbr, label=label, text=clean_block("\n".join(body)))
        for abbr, label, body in contributions
    ]


# -------------------------------------------------------------------- main


def parse_minutes(data: bytes, aliases: Mapping[str, str] | None = None) -> ParsedMeeting:
    """Parse one file of minutes. `aliases` maps spellings to ministry abbreviations."""
    raw_text, encoding = decode(data)
    text = normalise(raw_text)
    matcher = MinistryMatcher(aliases if aliases is not None else default_alias_table())
    lines = text.split("\n")

    fields, table_start, table_end = parse_table(lines)
    when = fields.get("when", "")
    meeting_date = parse_date(when) if when else None
    if table_start >= 0:
        letterhead_lines, agenda_lines = lines[:table_start], lines[table_end:]
    else:
        letterhead_lines, agenda_lines = _split_without_table(lines)
    if meeting_date is None:
        # Only text above the first agenda item: a date in an item title ("2. Verslag van
        # de vergadering van 25 februari 2020") is another meeting's.
        preamble_lines = _until_first_item(lines)[:80]
        meeting_date = _date_from_preamble("\n".join(preamble_lines))
        if meeting_date is None:
            datum_row = _meeting_datum_row(preamble_lines)
            if datum_row is not None:
                meeting_date = parse_date(lines[datum_row])
                # That row is the meeting's, so it cannot also be the document date.
                letterhead_lines = [
                    "" if index == datum_row else line
                    for index, line in enumerate(letterhead_lines)
                ]
    if meeting_date is None:
        raise ParseError(
            "no meeting date found (expected a 'Vergaderdatum en -tijd' line with a date)"
        )
    start_time, end_time = parse_times(when + " " + fields.get("time", ""))

    document_date_text = letterhead_field(letterhead_lines, "Datum")
    document_date = parse_date(document_date_text) if document_date_text else None
    reference = letterhead_field(letterhead_lines, "Onze referentie") or letterhead_field(
        letterhead_lines, "Ons kenmerk"
    )
    if reference and not re.fullmatch(r"[\w./-]{1,40}", reference):
        reference = None

    header_re = page_header_regex(
        _letterhead_names(letterhead_lines),
        clean_inline(document_date_text) if document_date_text else None,
        reference,
    )
    agenda_text = remove_page_headers("\n".join(agenda_lines), header_re)
    _preamble, drafts = split_items(agenda_text)

    items, decisions = [], []
    for index, draft in enumerate(drafts):
        item, item_decisions = _build_item(draft, matcher, index)
        items.append(item)
        decisions.extend(item_decisions)

    body = clean_block(agenda_text)
    attendees = fields.get("present", "")
    warnings = []
    if not items:
        warnings.append("no numbered agenda items found")
    if document_date and document_date < meeting_date:
        warnings.append("document date is before the meeting date")
    return ParsedMeeting(
        meeting_date=meeting_date,
        start_time=start_time,
        end_time=end_time,
        place=fields.get("place") or None,
        reference=reference,
        document_date=document_date,
        encoding=encoding,
        description=fields.get("description") or None,
        attendees_text=attendees,
        absentees_text=fields.get("absent", ""),
        agenda_items=tuple(items),
        decisions=tuple(decisions),
        ministries_present=tuple(ministries_present(attendees, matcher)),
        ministries_mentioned=tuple(matcher.find(agenda_text.replace(BOLD, ""))),
        redaction_codes=tuple(dict.fromkeys(REDACTION_RE.findall(text.replace(BOLD, "")))),
        withheld_passages=len(WITHHELD_RE.findall(text)),
        body=body,
        text=text,
        warnings=tuple(warnings),
    )


def _split_without_table(lines: list[str]) -> tuple[list[str], list[str]]:
    """Without a header table, the letterhead ends where the first agenda item starts."""
    for index, line in enumerate(lines):
        match = ITEM_RE.match(line)
        if match and int(match.group(1)) <= 2:
            return lines[:index], lines[index:]
    return [], lines


def _until_first_item(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines):
        if ITEM_RE.match(line) or INSERTED_RE.match(line):
            return lines[:index]
    return lines


MEETING_ROW_RE = re.compile(
    r"^(?:\*\*)?(?:tijd|tijdstip|aanvang|plaats|locatie|vergaderplaats|aanwezig|aanwezigen"
    r"|afwezig|afwezigen|voorzitter|notulist)(?:\*\*)?[ \t]*[:\t]",
    re.IGNORECASE,
)
DATUM_ROW_RE = re.compile(r"^(?:\*\*)?Datum(?:\*\*)?[ \t]*[:\t][ \t]*\S", re.IGNORECASE)


def _meeting_datum_row(lines: list[str]) -> int | None:
    """The index of a "Datum: 3 maart 2020" row among the meeting's own rows.

    Other templates give the meeting date as "Datum:" next to "Tijd:" and "Plaats:".
    A letterhead's Datum is the document date, never the meeting's; it stands apart
    from such rows (next to "Onze referentie"), so only a Datum row with a meeting row
    right above or below it counts.
    """
    filled = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    for pos, (index, line) in enumerate(filled):
        if not (DATUM_ROW_RE.match(line) and parse_date(line)):
            continue
        neighbours = [filled[p][1] for p in (pos - 1, pos + 1) if 0 <= p < len(filled)]
        if any(MEETING_ROW_RE.match(neighbour) for neighbour in neighbours):
            return index
    return None


def _date_from_preamble(text: str) -> date | None:
    """Another template's way of giving the meeting date ("vergadering van 3 maart 2020")."""
    match = re.search(
        rf"(?:gehouden\s+op|vergadering\s+van|vergaderd\s+op|datum\s+vergadering:?)\s+"
        rf"((?:(?:{WEEKDAYS})\s+)?{DATE_PATTERN})",
        text,
        re.IGNORECASE,
    )
    return parse_date(match.group(1)) if match else None


def _build_item(
    draft: _ItemDraft, matcher: MinistryMatcher, index: int
) -> tuple[AgendaItem, list[Decision]]:
    # Sub-items that are only headings ("a. RMR en MR", "b. Voorportalen", then
    # "Besproken.") share the text that follows them: it belongs to the item itself.
    own_text = [segment for _, _, segment in draft.subitems[:-1] if clean_block("\n".join(segment))]
    if draft.subitems and not own_text:
        body_lines = draft.lines + draft.subitems[-1][2]
        subitems = [SubItem(letter, title) for letter, title, _ in draft.subitems]
    else:
        body_lines = draft.lines
        subitems = [
            SubItem(letter, title, clean_block("\n".join(segment)))
            for letter, title, segment in draft.subitems
        ]
    body = clean_block("\n".join(body_lines))
    contributions: list[Contribution] = []
    if re.search(r"rondvraag", draft.title, re.IGNORECASE):
        contributions = split_contributions(body_lines, matcher)

    searchable = "\n".join([draft.title, body, *(f"{s.title}\n{s.body}" for s in subitems)])
    item = AgendaItem(
        number=draft.number,
        title=draft.title,
        body=body,
        subitems=tuple(subitems),
        contributions=tuple(contributions),
        ministries_mentioned=tuple(matcher.find(searchable)),
    )
    decisions = []
    for text in [body, *(s.body for s in subitems)]:
        for sentence in split_sentences(text):
            kind = classify_decision(sentence, draft.title)
            if kind:
                decisions.append(Decision(draft.number, sentence, kind, item_index=index))
    return item, decisions
