"""The entry point: one file of minutes in, a `ParsedMeeting` out.

The stages run in order: decode the bytes (`text`), read the header table and the
letterhead (`header`), find the meeting's date and times (`dates`), cut the running
page headers out (`header`), split the agenda into items (`agenda`), and per item find
its decisions (`decisions`), rondvraag contributions (`rondvraag`) and the ministries
it names (`ministries`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from minutes.ministries import default_alias_table
from minutes.parsing.agenda import ItemDraft, split_items, split_without_table, until_first_item
from minutes.parsing.dates import find_meeting_date, meeting_times, parse_date
from minutes.parsing.decisions import classify_decision, split_sentences
from minutes.parsing.generic import is_markdown, parse_generic
from minutes.parsing.header import (
    field_in_clean_lines,
    names_in_clean_lines,
    page_header_pattern,
    parse_table,
    remove_page_headers,
)
from minutes.parsing.ministries import MinistryMatcher, matcher_for, ministries_present
from minutes.parsing.records import (
    ParsedContribution,
    ParsedDecision,
    ParsedItem,
    ParsedMeeting,
    ParsedSubitem,
)
from minutes.parsing.rondvraag import split_contributions
from minutes.parsing.series import SGO_RE, find_series
from minutes.parsing.text import (
    BOLD,
    MAX_BYTES,
    MAX_LINE_CHARS,
    ParseError,
    ParseWarning,
    check_lines,
    check_size,
    clean_block,
    clean_inline,
    decode,
    normalise,
    redaction_codes,
    withheld_passages,
)

RONDVRAAG_RE = re.compile(r"rondvraag", re.IGNORECASE)
REFERENCE_RE = re.compile(r"[\w./-]{1,40}")


def build_item(
    draft: ItemDraft, matcher: MinistryMatcher, index: int
) -> tuple[ParsedItem, list[ParsedDecision]]:
    """One agenda item with its sub-items and contributions, and the decisions in it."""
    # Sub-items that are only headings ("a. RMR en MR", "b. Voorportalen", then
    # "Besproken.") share the text that follows them: it belongs to the item itself.
    # Each segment cleaned once: the test and the sub-items' bodies read the same text.
    segments = [clean_block("\n".join(segment)) for _, _, segment in draft.subitems[:-1]]
    own_text = [segment for segment in segments if segment]
    if draft.subitems and not own_text:
        body_lines = draft.lines + draft.subitems[-1][2]
        subitems = [ParsedSubitem(letter, title) for letter, title, _ in draft.subitems]
    else:
        body_lines = draft.lines
        if draft.subitems:
            segments.append(clean_block("\n".join(draft.subitems[-1][2])))
        subitems = [
            ParsedSubitem(letter, title, body)
            for (letter, title, _), body in zip(draft.subitems, segments, strict=True)
        ]
    body = clean_block("\n".join(body_lines))
    contributions: list[ParsedContribution] = []
    if RONDVRAAG_RE.search(draft.title):
        contributions = split_contributions(body_lines, matcher)

    searchable = "\n".join([draft.title, body, *(f"{s.title}\n{s.body}" for s in subitems)])
    item = ParsedItem(
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
                decisions.append(ParsedDecision(draft.number, sentence, kind, item_index=index))
    return item, decisions


def try_generic(text: str, encoding: str, matcher: MinistryMatcher) -> ParsedMeeting | None:
    """The generic rules' reading, or None when they find no date."""
    try:
        return parse_generic(text, encoding, matcher)
    except ParseError:
        return None


def sgo_series(description: str, title_lines: list[str]) -> str | None:
    """The series of minutes the SGO rules read: the SGO's when the header table's
    description names it ("Omschrijving SGO, verslag"), else the body a title line names
    ("Verslag Stuurgroep Informatiehuishouding": other councils share the template),
    else None (the import files them under the SGO)."""
    if SGO_RE.search(description):
        return "SGO"
    return find_series([clean_inline(line) for line in title_lines])


def parse_minutes(
    data: bytes,
    *,
    aliases: Mapping[str, str] | None = None,
    max_bytes: int = MAX_BYTES,
    max_line_chars: int = MAX_LINE_CHARS,
) -> ParsedMeeting:
    """Parse one file of minutes. `aliases` maps spellings to ministry abbreviations.

    Raise `ParseError` when the file is larger than `max_bytes` or has a line longer
    than `max_line_chars` characters, when the bytes are no text (or broken text), or
    when the text gives no meeting date. Every stage takes time in proportion to the
    length of the text, so the caps bound the time one file can take.
    """
    check_size(data, max_bytes)
    raw_text, encoding = decode(data)
    text = normalise(raw_text)
    lines = text.split("\n")
    check_lines(lines, max_line_chars)
    matcher = matcher_for(aliases if aliases is not None else default_alias_table())
    if is_markdown(text):
        # Markdown headings and tables: another body's minutes, and the SGO rules would
        # read a "## 1. Opening" as no item and a date in the body as the preamble's.
        return parse_generic(text, encoding, matcher)

    fields, table_start, table_end = parse_table(lines)
    when = fields.get("when", "")
    if table_start >= 0:
        letterhead_lines, agenda_lines = lines[:table_start], lines[table_end:]
    else:
        letterhead_lines, agenda_lines = split_without_table(lines)
    meeting_date, datum_row = find_meeting_date(when, until_first_item(lines)[:80])
    if meeting_date is None:
        # Not the SGO template's ways of giving the date: another body's minutes.
        return parse_generic(text, encoding, matcher)
    if datum_row is not None:
        # That row is the meeting's, so it cannot also be the document date.
        letterhead_lines = [
            "" if index == datum_row else line for index, line in enumerate(letterhead_lines)
        ]
    warnings: list[ParseWarning] = []
    start_time, end_time, time_warning = meeting_times(when + " " + fields.get("time", ""))
    if time_warning:
        warnings.append(time_warning)

    letterhead = [clean_inline(line) for line in letterhead_lines]
    document_date_text = field_in_clean_lines(letterhead, "Datum")
    document_date = parse_date(document_date_text) if document_date_text else None
    reference = field_in_clean_lines(letterhead, "Onze referentie") or field_in_clean_lines(
        letterhead, "Ons kenmerk"
    )
    if reference and not REFERENCE_RE.fullmatch(reference):
        reference = None

    headers = page_header_pattern(
        names_in_clean_lines(letterhead),
        clean_inline(document_date_text) if document_date_text else None,
        reference,
    )
    agenda_text = remove_page_headers("\n".join(agenda_lines), headers)
    _preamble, drafts = split_items(agenda_text)

    items, decisions = [], []
    for index, draft in enumerate(drafts):
        item, item_decisions = build_item(draft, matcher, index)
        items.append(item)
        decisions.extend(item_decisions)

    body = clean_block(agenda_text)
    attendees = fields.get("present", "")
    if not items:
        warnings.append(ParseWarning("no_agenda_items"))
    if document_date and document_date < meeting_date:
        warnings.append(ParseWarning("document_before_meeting"))
    if not items and not SGO_RE.search(fields.get("description", "")):
        # Markdown minutes whose rows the SGO rules read, but not their headings: the
        # generic rules take them when they find the same date and items.
        generic = try_generic(text, encoding, matcher)
        if generic is not None and generic.meeting_date == meeting_date and generic.agenda_items:
            return generic
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
        redaction_codes=redaction_codes(text),
        withheld_passages=withheld_passages(text),
        body=body,
        text=text,
        warnings=tuple(warnings),
        series=sgo_series(fields.get("description", ""), letterhead_lines + lines[table_end:][:3]),
        template="sgo",
    )
