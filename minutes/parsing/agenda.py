"""Splitting the minutes' text into numbered, inserted ("ingelast") and lettered items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from minutes.parsing.records import INSERTED
from minutes.parsing.text import BOLD, clean_inline

# The indent in front of a heading: blanks, maybe a bold marker, more blanks. Each run
# is read once (possessive): what follows is a digit or a word, never a blank, so
# giving blanks back cannot help, and `[ \t]*(?:\*\*)?[ \t]*` would try every way to
# split a long run of blanks in two, which takes quadratic time.
INDENT = r"[ \t]*+(?:\*\*[ \t]*+)?"
# "3. Titel", "**3.** Titel", "Agendapunt 3: Titel", and "3<TAB>Titel" (some exports
# drop the dot and keep the tab stop).
ITEM_RE = re.compile(
    rf"^{INDENT}(?:Agendapunt[ \t]++)?(\d{{1,2}})(?:[ \t]*+[.):](?:\*\*)?[ \t]+|\t+)"
    r"(?:\*\*)?(.+?)$",
    re.IGNORECASE,
)
INSERTED_RE = re.compile(
    rf"^{INDENT}Ingelast(?:e)?(?:[ \t]+agendapunt)?(?:\*\*)?"
    r"[ \t]*[:.\-–]?[ \t]*(?:\*\*)?(.*?)$",
    re.IGNORECASE,
)
# "a. Titel", "a)\tTitel", and with the item's number in front: "3a. Titel", "3.b) Titel".
SUBITEM_RE = re.compile(
    r"^[ \t]*+(?:\*\*)?(?:(\d{1,2})\.?)?([a-z])[ \t]*+[.)](?:\*\*)?[ \t]+(?:\*\*)?(.+?)$"
)


def split_without_table(lines: list[str]) -> tuple[list[str], list[str]]:
    """Without a header table, the letterhead ends where the first agenda item starts."""
    for index, line in enumerate(lines):
        match = ITEM_RE.match(line)
        if match and int(match.group(1)) <= 2:
            return lines[:index], lines[index:]
    return [], lines


def until_first_item(lines: list[str]) -> list[str]:
    """The lines above the first agenda item (numbered or inserted)."""
    for index, line in enumerate(lines):
        if ITEM_RE.match(line) or INSERTED_RE.match(line):
            return lines[:index]
    return lines


@dataclass
class ItemDraft:
    """An agenda item being read: its heading, its own lines and its sub-items' lines."""

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


def _restarts_after_agenda_list(items: list[ItemDraft], number: int) -> bool:
    """True when numbering starts over after items that have no text at all."""
    if len(items) < 2 or not items[0].number.isdigit() or number != int(items[0].number):
        return False
    return all(not any(line.strip() for line in it.lines) and not it.subitems for it in items)


def split_items(text: str) -> tuple[str, list[ItemDraft]]:
    """Split the agenda text into (preamble, item drafts) by their headings."""
    preamble: list[str] = []
    items: list[ItemDraft] = []
    last_number = 0
    # The number that would carry on a numbered list seen inside the current item
    # ("1. ...", "2. ..."), and whether every heading so far was bold.
    list_next = 0
    bold_headings = True
    for line in text.split("\n"):
        inserted = INSERTED_RE.match(line)
        if inserted and not ITEM_RE.match(line):
            items.append(ItemDraft(INSERTED, _title(inserted.group(1)) or "Ingelast agendapunt"))
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
                items.append(ItemDraft(str(number), title))
                last_number = number
                list_next = 0
                bold_headings = bold_headings and is_bold
                continue
            if _restarts_after_agenda_list(items, number):
                # The items so far were the agenda listed up front ("Agenda: 1. …
                # 2. …") with no text of their own; the minutes proper start here.
                preamble.extend(f"{it.number}. {it.title}" for it in items)
                items = [ItemDraft(str(number), title)]
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
