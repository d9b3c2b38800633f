"""Minutes of other bodies: what the SGO template's rules do not read.

Other Dutch minutes (a Logius Technisch Overleg, a steering group, a municipal
"Besluitenlijst") come as Markdown, as the text of a Rijkshuisstijl PDF, or as plain
text. This module reads from them what can be found reliably:

- the meeting date, only from a place that gives the meeting's own date: a
  "Vergaderdatum (en tijd)" or "Datum vergadering" label (value on the same line or
  the next), the title block ("Verslag Technisch Overleg 24-03-2022", "# Technisch
  Overleg X" with "8 december 2022" below it, "dd 24-11-2020"), or a "Datum:" row in
  a header block that says it is a meeting's (a title with "Verslag", "Notulen",
  "Vergadering", or an "Aanwezig"/"Tijd" row beside it). A letterhead's "Datum" (no
  colon, or beside "Kenmerk") is the document date. No date found: `ParseError`;
- times, place, attendees and absentees as text, from their labels;
- numbered agenda items (`1.`, `1)`, `Agendapunt 1`, `1<TAB>Opening`, `## 1. Opening`,
  Word numbering that came out as "1." before every item), else Markdown headings;
- decisions (`classify_other_decision`) and action items, also rows of a table under
  an "Actiepunten" or "Actielijst" heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from minutes.parsing.agenda import ITEM_RE, ItemDraft, split_items
from minutes.parsing.dates import (
    DATED_RE,
    LEADING_DATE_RE,
    MEETING_DATE_LABEL_RE,
    MEETING_ROW_RE,
    meeting_times,
    parse_date,
    parse_title_date,
)
from minutes.parsing.decisions import DecisionKind, classify_other_decision, split_sentences
from minutes.parsing.header import (
    TABLE_LABELS,
    field_in_clean_lines,
    names_in_clean_lines,
    page_header_pattern,
    remove_page_headers,
)
from minutes.parsing.ministries import MinistryMatcher, ministries_present
from minutes.parsing.records import ParsedDecision, ParsedItem, ParsedMeeting, ParsedSubitem
from minutes.parsing.series import find_series
from minutes.parsing.text import (
    BOLD,
    ParseError,
    ParseWarning,
    clean_block,
    clean_inline,
    redaction_codes,
    withheld_passages,
)

# How far down a header reaches: a PDF's letterhead and attendee table can be long.
HEADER_LINES = 150
TITLE_BLOCK_LINES = 4
MAX_SUBTITLE = 60

# --------------------------------------------------------------------------- Markdown

# Possessive: a long run of blanks is read once (a megabyte of them must parse in
# linear time).
MD_RULE_RE = re.compile(
    r"^\s*+(?:\|?+\s*+:?+-{3,}+:?+\s*+)++\|?+\s*+$|^\s*+(?:={3,}+|-{3,}+|(?:\*\s*+){3,}+)\s*+$"
)
MD_PREFIX_RE = re.compile(r"^\s{0,3}(?:>\s?)*(?:#{1,6}\s+|#{1,6}(?=\d))?")
BREAK_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
# "1\. Titel" (escaped), "1.  Titel", "1   Titel" (Word numbering kept as spaces).
ESCAPED_NUMBER_RE = re.compile(r"^(\s*(?:\*\*)?\d{1,2})\\\.")
SPACED_NUMBER_RE = re.compile(r"^(\s*(?:\*\*)?\d{1,2})(?: {2,}|\t+)(?=\S)")
TITLE_WORDS_RE = re.compile(
    r"verslag|notulen|besluitenlijst|vergadering|overleg|bijeenkomst|werkgroep|stuurgroep|agenda|sessie"
    r"|klankbord|commissie|college|raad\b|ICBR|SGO",
    re.IGNORECASE,
)
RECORD_WORDS_RE = re.compile(r"verslag|notulen|besluitenlijst|vergadering", re.IGNORECASE)
LETTERHEAD_LABEL_RE = re.compile(
    r"^(?:kenmerk|onze\s+referentie|ons\s+kenmerk|uw\s+kenmerk|contactpersoon|inlichtingen)",
    re.IGNORECASE,
)
DATUM_COLON_RE = re.compile(r"^datum\s*:\s*(\S.*)$", re.IGNORECASE)


# Any of Markdown's marks that `plain_line` takes out; a line without one is plain.
MARKS_RE = re.compile(r"[#>|*\\<]|---|===")


def plain_line(raw: str) -> str:
    """A line without Markdown's marks: quotes, heading hashes, table pipes, bold, breaks."""
    if not MARKS_RE.search(raw):
        return raw.rstrip()
    if MD_RULE_RE.match(raw):
        return ""
    line = MD_PREFIX_RE.sub("", raw)
    line = ESCAPED_NUMBER_RE.sub(r"\1.", line)
    if "|" in line:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        line = "\t".join(cell for cell in cells if cell)
    line = BREAK_RE.sub(", ", line)
    return line.replace(BOLD, "").rstrip()


AGENDAPUNT_RE = re.compile(r"^(\s*)Agendapunt\s+(\d{1,2})\s+(?=[A-Z])")


# A line that is wholly bold or italic ("**1 Welkom**", "_2 Introductie_") or a Markdown
# heading ("## 1 Welkom") with a number, one space and a title: a heading by its marks.
MARKED_NUMBER_RE = re.compile(
    r"^\s{0,3}(?:#{1,6}\s*|\*\*|_)(\d{1,2})\.?\s+([^\W\d_][^*_]{0,100}?)\s*(?:\*\*|_)?\s*$"
)


# "**Agendapunt 1**" alone on its line, the subject on the lines below.
LONE_AGENDAPUNT_RE = re.compile(r"^\s*(?:\*\*|_)?Agendapunt\s+(\d{1,2})\s*:?\s*(?:\*\*|_)?\s*$")


def item_line(raw: str) -> str:
    """`plain_line`, with "1   Titel" and "Agendapunt 1 Titel" written "1. Titel" so the
    item splitter reads them."""
    first = raw.lstrip()[:1]
    if not (first.isdigit() or first in "#*_A>"):
        return plain_line(raw)
    lone = LONE_AGENDAPUNT_RE.match(raw)
    if lone:
        return f"{lone.group(1)}. Agendapunt {lone.group(1)}"
    marked = MARKED_NUMBER_RE.match(raw)
    if marked:
        return f"{marked.group(1)}. {marked.group(2)}"
    line = plain_line(raw)
    if not line:
        return line
    return AGENDAPUNT_RE.sub(r"\1\2. ", SPACED_NUMBER_RE.sub(r"\1. ", line))


MARKDOWN_RE = re.compile(r"^#{1,6}\s+\S|^\|.*\|[ \t]*$", re.MULTILINE)


def is_markdown(text: str) -> bool:
    """Whether the text has Markdown headings or tables: the SGO template has neither."""
    return MARKDOWN_RE.search(text) is not None


def renumber_word_lists(lines: list[str]) -> list[str]:
    """Word numbering that came out as "1." before every item: numbered in order.

    Only when at least three item headings say "1." and none says "2.": then the
    numbers are the list's, not the writer's.
    """
    numbers = [m.group(1) for m in map(ITEM_RE.match, lines) if m]
    if numbers.count("1") < 3 or "2" in numbers:
        return lines
    out, count = [], 0
    for line in lines:
        match = ITEM_RE.match(line)
        if match and match.group(1) == "1":
            count += 1
            line = line[: match.start(1)] + str(count) + line[match.end(1) :]
        out.append(line)
    return out


# --------------------------------------------------------------------------- the date


@dataclass(frozen=True)
class FoundDate:
    """The meeting's date, the text that gave it (for the times) and its line's index."""

    day: date
    text: str
    index: int
    from_datum_row: bool = False


def labelled_date(lines: list[str]) -> FoundDate | None:
    """A "Vergaderdatum (en tijd)" or "Datum vergadering" label and its date."""
    for index, line in enumerate(lines):
        match = MEETING_DATE_LABEL_RE.match(line.strip())
        if not match:
            continue
        rest = match.group(1).strip()
        if rest:
            found = (
                parse_title_date(rest) if LEADING_DATE_RE.match(rest) or rest[0].isdigit() else None
            )
            if found:
                return FoundDate(found, rest, index)
            continue
        following = [
            (i, text)
            for i, text in enumerate(lines[index + 1 : index + 6], index + 1)
            if text.strip()
        ]
        if following and (day := parse_title_date(following[0][1])):
            # The time may stand on the line after the date ("10:00-12:00 uur").
            times = " ".join(text for _, text in following[:2])
            return FoundDate(day, times, following[0][0])
    return None


def is_subtitle(line: str) -> bool:
    """A short line without digits, colon or label ("Kennisplatform API's")."""
    if len(line) > MAX_SUBTITLE or ":" in line or any(ch.isdigit() for ch in line):
        return False
    return not (LABEL_RE.match(line) or LETTERHEAD_LABEL_RE.match(line))


# A line that names another moment than the meeting: a title's date is never taken
# from it ("Vastgesteld door de stuurgroep op 14 april 2021", "Agenda volgende overleg:
# …", "Concept, versie van 2 mei 2021"), unless it says it is the record itself
# ("Verslag bijeenkomst 29-5-2020 Concept").
OTHER_MOMENT_RE = re.compile(
    r"\b(?:vastgesteld|volgende|vorige|versie|concept|verzonden|gewijzigd|bijgewerkt)\b",
    re.IGNORECASE,
)


def title_block(lines: list[str]) -> list[tuple[int, str]]:
    """The title and the lines that carry it on (a subtitle, a date line, "dd ...")."""
    filled = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    if not filled or not TITLE_WORDS_RE.search(filled[0][1]):
        return []
    block = [filled[0]]
    skipped = False
    for index, line in filled[1:TITLE_BLOCK_LINES]:
        if OTHER_MOMENT_RE.search(line) and not RECORD_WORDS_RE.search(line):
            break
        carries_on = TITLE_WORDS_RE.search(line) and not MEETING_DATE_LABEL_RE.match(line)
        if LEADING_DATE_RE.match(line) or DATED_RE.match(line) or carries_on:
            block.append((index, line))
        elif skipped or not is_subtitle(line):
            break
        else:
            # One short subtitle without digits ("Kennisplatform API's") may stand
            # between the title and its date line; it is no part of the block.
            skipped = True
    return block


def title_date(block: list[tuple[int, str]]) -> FoundDate | None:
    """The date a title block gives: in a title line, on a date line, or after "dd"."""
    for index, line in block:
        if DATUM_COLON_RE.match(line):
            continue
        found = parse_title_date(line)
        if found:
            return FoundDate(found, line, index)
    return None


def datum_row_date(lines: list[str], block: list[tuple[int, str]]) -> FoundDate | None:
    """A "Datum: ..." row in the header block of a meeting's record.

    It counts when the title says it records a meeting ("Verslag", "Notulen",
    "Vergadering") or a meeting's row ("Aanwezig", "Tijd", "Plaats") stands beside it,
    and never beside a letterhead's labels ("Kenmerk", "Onze referentie").
    """
    says_record = any(RECORD_WORDS_RE.search(line) for _, line in block)
    filled = [(index, line.strip()) for index, line in enumerate(lines) if line.strip()]
    for pos, (index, line) in enumerate(filled[:12]):
        match = DATUM_COLON_RE.match(line)
        day = parse_date(match.group(1)) if match else None
        if day is None:
            continue
        neighbours = [filled[p][1] for p in (pos - 1, pos + 1) if 0 <= p < len(filled)]
        if any(LETTERHEAD_LABEL_RE.match(n) for n in neighbours):
            continue
        if says_record or any(MEETING_ROW_RE.match(n) for n in neighbours):
            return FoundDate(day, match.group(1), index, from_datum_row=True)
    return None


def find_generic_date(lines: list[str]) -> tuple[FoundDate, list[tuple[int, str]]]:
    """The meeting's date from the header lines; `ParseError` when none is sure."""
    block = title_block(lines)
    found = labelled_date(lines) or title_date(block) or datum_row_date(lines, block)
    if found is None:
        letterhead = field_in_clean_lines([clean_inline(line) for line in lines], "Datum")
        if letterhead and parse_date(letterhead):
            raise ParseError("document_date_only", date=clean_inline(letterhead))
        raise ParseError("no_meeting_date")
    return found, block


# --------------------------------------------------------------------------- labels

# The header table's labels of the SGO template (one vocabulary), but its date rows,
# and the ones other templates add; each maps to the field it fills.
FIELD_LABELS = {
    **{
        label: key
        for label, key in TABLE_LABELS.items()
        if key in ("time", "place", "present", "absent")
    },
    "deelnemers": "participants",
    "present": "present",
    "verhinderd": "absent",
    "gast": "guests",
    "gasten": "guests",
    "notulist": "secretary",
    "voorzitter": "chair",
}
LABEL_RE = re.compile(
    r"^("
    + "|".join(re.escape(label) for label in sorted(FIELD_LABELS, key=len, reverse=True))
    + r")(?:\s*\([^)]{0,60}\))?(?:\s*:|\t|\s{2,}|$)\s*(.*)$",
    re.IGNORECASE,
)
STOP_RE = re.compile(r"^(?:#|\d{1,2}[.)]\s|agenda\b|verslag\b|opening\b)", re.IGNORECASE)
MAX_LIST_LINES = 60


def labelled_fields(raw_lines: list[str], plain: list[str]) -> dict[str, str]:
    """Each label's text: after the label on its line, or the lines below it up to a gap.

    A table's rule rows and header row ("| Naam | Organisatie |") are no part of it.
    """
    fields: dict[str, str] = {}
    for index, line in enumerate(plain):
        match = LABEL_RE.match(line.strip())
        key = FIELD_LABELS[match.group(1).lower()] if match else ""
        if not match or key in fields:
            continue
        same_line = match.group(2).strip()
        value = [same_line] if same_line else []
        below = index + 1
        while not same_line and below < len(plain):
            raw, text = raw_lines[below], plain[below].strip()
            below += 1
            if MD_RULE_RE.match(raw) or (
                ROW_RE.match(raw) and below < len(raw_lines) and MD_RULE_RE.match(raw_lines[below])
            ):
                continue
            if not text:
                if value:
                    break
                continue
            row = ROW_RE.match(raw)
            if (LABEL_RE.match(text) and not row) or STOP_RE.match(raw.strip()):
                break
            if len(value) >= MAX_LIST_LINES:
                break
            value.append(text.lstrip("-•* ").strip())
        fields[key] = clean_inline(", ".join(part for part in value if part))
    return fields


# --------------------------------------------------------------------------- items

HEADING_RE = re.compile(r"^\s{0,3}(#{1,6})\s+(\S.*)$")
SETEXT_RE = re.compile(r"^\s*+(=++|-++)\s*+$")
NOT_AN_ITEM_RE = re.compile(
    r"^(?:aanwezig(?:en)?|deelnemers|afwezig(?:en)?|afgemeld|gast(?:en)?|agenda(?:/verslag)?"
    r"|verslag(?:\s+per\s+agendapunt)?|inhoud|notulen)\b",
    re.IGNORECASE,
)
ACTIONS_HEADING_RE = re.compile(
    r"actiepunten|actielijst|acties\b|actie-\s*en\s+besluitenlijst", re.IGNORECASE
)


def markdown_headings(raw_lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, title) of each Markdown heading ("## X", or X over "---")."""
    headings: list[tuple[int, int, str]] = []
    for index, raw in enumerate(raw_lines):
        match = HEADING_RE.match(raw)
        if match:
            headings.append((index, len(match.group(1)), match.group(2)))
        elif index and SETEXT_RE.match(raw) and raw_lines[index - 1].strip():
            level = 1 if raw.strip().startswith("=") else 2
            if not MD_RULE_RE.match(raw_lines[index - 1]):
                headings.append((index - 1, level, raw_lines[index - 1].strip()))
    return headings


def is_label_heading(title: str) -> bool:
    """A heading that names a part of the header ("Aanwezig", "Agenda"), no item."""
    return bool(NOT_AN_ITEM_RE.match(clean_inline(plain_line(title))))


def first_section_index(raw_lines: list[str]) -> int:
    """The line of the first Markdown heading below the title that is no header label."""
    title = next((i for i, raw in enumerate(raw_lines) if raw.strip()), 0)
    for index, _level, text in markdown_headings(raw_lines):
        if index > title and not is_label_heading(text):
            return index
    return len(raw_lines)


def heading_items(raw_lines: list[str]) -> tuple[list[ItemDraft], int]:
    """Markdown headings as items, numbered by position, and the first one's line.

    For minutes that number no items. The level used is the highest below the title
    that holds two headings or more (else the highest there is); headings that name a
    part of the header ("Aanwezig", "Agenda") are no items.
    """
    title = next((i for i, raw in enumerate(raw_lines) if raw.strip()), 0)
    headings = [h for h in markdown_headings(raw_lines) if h[0] > title or h[1] > 1]
    if headings and headings[0][1] == 1 and sum(1 for h in headings if h[1] == 1) == 1:
        headings = headings[1:]  # the title
    headings = [h for h in headings if not is_label_heading(h[2])]
    levels = sorted({level for _, level, _ in headings})
    level = next((lv for lv in levels if sum(1 for h in headings if h[1] == lv) >= 2), None)
    if level is None:
        if not levels:
            return [], len(raw_lines)
        level = levels[0]  # one section only
    chosen = [h for h in headings if h[1] == level]
    drafts: list[ItemDraft] = []
    bounds = [h[0] for h in chosen] + [len(raw_lines)]
    for number, ((index, _, title), end) in enumerate(zip(chosen, bounds[1:], strict=True), 1):
        body = [item_line(raw) for raw in raw_lines[index + 1 : end]]
        drafts.append(ItemDraft(str(number), clean_inline(plain_line(title)).rstrip(" :"), body))
    return drafts, (chosen[0][0] if chosen else len(raw_lines))


def item_decisions(item: ParsedItem, index: int, action_rows: list[str]) -> list[ParsedDecision]:
    """The decisions and action items of one item."""
    found = [
        ParsedDecision(item.number, row, DecisionKind.ACTION, item_index=index)
        for row in action_rows
    ]
    for text in [item.body, *(s.body for s in item.subitems)]:
        for sentence in split_sentences(text):
            kind = classify_other_decision(sentence, item.title)
            if kind:
                found.append(ParsedDecision(item.number, sentence, kind, item_index=index))
    return found


ROW_RE = re.compile(r"^\s*\|(.+)\|\s*$")
HEADER_CELL_RE = re.compile(
    r"^(?:nr\.?|nummer|#|actie(?:punt)?|wie|wat|eigenaar|status|deadline|datum|gereed|actiehouder|omschrijving)$",
    re.IGNORECASE,
)


def split_action_rows(title: str, lines: list[str]) -> tuple[list[str], list[str]]:
    """(action rows as text, the other lines) of an item: rows of a table (pipes or tabs)
    under an actions heading, or in an item whose title names actions."""
    in_actions = bool(ACTIONS_HEADING_RE.search(title))
    rows: list[str] = []
    rest: list[str] = []
    for line in lines:
        stripped = line.strip()
        heading = HEADING_RE.match(line)
        short_line = stripped and stripped[0] != "|" and "\t" not in stripped
        if heading or (short_line and len(stripped) < 60 and not stripped.endswith(".")):
            in_actions = bool(ACTIONS_HEADING_RE.search(stripped))
        cells = []
        if in_actions and (ROW_RE.match(line) or "\t" in stripped):
            cells = [c.strip() for c in stripped.strip("|").split("|" if "|" in stripped else "\t")]
            cells = [clean_inline(c) for c in cells if c.strip()]
        if cells and MD_RULE_RE.match(line):
            continue
        if len(cells) >= 2 and not all(HEADER_CELL_RE.match(c) for c in cells):
            rows.append(" – ".join(c for c in cells if not re.fullmatch(r"\d{1,3}\.?", c)))
            continue
        if cells and all(HEADER_CELL_RE.match(c) for c in cells):
            continue
        rest.append(line)
    return rows, rest


def build_items(
    drafts: list[ItemDraft], matcher: MinistryMatcher
) -> tuple[list[ParsedItem], list[ParsedDecision]]:
    items, decisions = [], []
    for index, draft in enumerate(drafts):
        rows, body_lines = split_action_rows(draft.title, draft.lines)
        body = clean_block("\n".join(plain_line(line) for line in body_lines))
        subitems = tuple(
            ParsedSubitem(letter, title, clean_block("\n".join(map(plain_line, lines))))
            for letter, title, lines in draft.subitems
        )
        searchable = "\n".join(
            [draft.title, body, *rows, *(f"{s.title}\n{s.body}" for s in subitems)]
        )
        item = ParsedItem(
            number=draft.number,
            title=draft.title,
            body=body,
            subitems=subitems,
            ministries_mentioned=tuple(matcher.find(searchable)),
        )
        items.append(item)
        decisions.extend(item_decisions(item, index, rows))
    return items, decisions


def split_generic_items(raw_lines: list[str]) -> tuple[list[ItemDraft], bool]:
    """(item drafts, whether they are numbered by position because the text numbers none).

    Numbered items, unless Markdown headings come before the first of them: then the
    numbers are a list's inside a section, and the headings are the items.
    """
    lines = renumber_word_lists(
        [item_line(raw) if not ROW_RE.match(raw) else raw for raw in raw_lines]
    )
    preamble, drafts = split_items("\n".join(lines))
    headings, first_heading = heading_items(raw_lines)
    first_numbered = preamble.count("\n") + 1 if preamble else 0
    if drafts and (not headings or first_numbered <= first_heading):
        return drafts, False
    return headings, bool(headings)


# --------------------------------------------------------------------------- the whole


def first_item_index(raw_lines: list[str]) -> int:
    """The line of the first agenda item numbered 1 or 2 (not a table's row)."""
    for index, raw in enumerate(raw_lines):
        if ROW_RE.match(raw):
            continue
        match = ITEM_RE.match(item_line(raw))
        if match and int(match.group(1)) <= 2:
            return index
    return len(raw_lines)


def parse_generic(text: str, encoding: str, matcher: MinistryMatcher) -> ParsedMeeting:
    """Minutes in another template than the SGO's, as `ParsedMeeting` (template "generic")."""
    raw_lines = text.split("\n")
    plain = [plain_line(raw) for raw in raw_lines]
    header_end = min(first_item_index(raw_lines), first_section_index(raw_lines), HEADER_LINES)
    found, block = find_generic_date(plain[:header_end] or plain[:HEADER_LINES])

    warnings: list[ParseWarning] = []
    fields = labelled_fields(raw_lines[:header_end], plain[:header_end])
    when = found.text + " " + fields.get("time", "")
    start_time, end_time, time_warning = meeting_times(when)
    if time_warning:
        warnings.append(time_warning)

    letterhead = [clean_inline(line) for line in plain[: found.index]]
    document_date_text = None if found.from_datum_row else field_in_clean_lines(letterhead, "Datum")
    document_date = parse_date(document_date_text) if document_date_text else None
    reference = field_in_clean_lines(letterhead, "Kenmerk") or field_in_clean_lines(
        letterhead, "Onze referentie"
    )
    if reference and not re.fullmatch(r"[\w./-]{1,40}", reference):
        reference = None
    headers = page_header_pattern(names_in_clean_lines(letterhead), document_date_text, reference)
    # Without a numbered item the whole text is the body (its headings are the items).
    body_start = header_end if header_end < len(plain) else 0
    body_text = remove_page_headers("\n".join(raw_lines[body_start:]), headers)
    body_lines = body_text.split("\n")

    drafts, by_position = split_generic_items(body_lines)
    if by_position and drafts:
        warnings.append(ParseWarning("numbered_by_position"))
    items, decisions = build_items(drafts, matcher)
    if not items:
        warnings.append(ParseWarning("no_agenda_items"))
    if document_date and document_date < found.day:
        warnings.append(ParseWarning("document_before_meeting"))
    attendees = fields.get("present") or fields.get("participants", "")
    title = [line for _, line in block] + [
        line for line in letterhead if line and not LETTERHEAD_LABEL_RE.match(line)
    ]
    agenda_plain = "\n".join(plain_line(line) for line in body_lines)
    return ParsedMeeting(
        meeting_date=found.day,
        start_time=start_time,
        end_time=end_time,
        place=fields.get("place") or None,
        reference=reference,
        document_date=document_date,
        encoding=encoding,
        description=clean_inline(block[0][1]) if block else None,
        attendees_text=attendees,
        absentees_text=fields.get("absent", ""),
        agenda_items=tuple(items),
        decisions=tuple(decisions),
        ministries_present=tuple(ministries_present(attendees, matcher)),
        ministries_mentioned=tuple(matcher.find(agenda_plain)),
        redaction_codes=redaction_codes(text),
        withheld_passages=withheld_passages(text),
        body=clean_block(agenda_plain),
        text=text,
        warnings=tuple(warnings),
        series=find_series(title),
        template="generic",
    )
