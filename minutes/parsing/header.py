"""The letterhead, the header table and the running page headers.

The letterhead carries the sender, "Datum" (the document date) and "Onze referentie";
the tab-separated header table below it carries the meeting's description, date and
time, place and attendees. Running page headers repeat letterhead lines on every page
and land anywhere in the text, so they are cut out before the agenda is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from minutes.parsing.dates import DATE_PATTERN
from minutes.parsing.text import clean_inline

# The header table's row labels, each mapped to the field it fills.
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
    # Each field as its row's value and its continuation lines, joined at the end.
    parts: dict[str, list[str]] = {}
    first = end = -1
    current: str | None = None
    for index, raw in enumerate(lines):
        match = TABLE_ROW_RE.match(raw.strip(" "))
        if match and (first < 0 or index - end <= 2):
            key = TABLE_LABELS[match.group(1).lower()]
            if key in parts and key != "time":
                break
            parts[key] = [clean_inline(match.group(2))]
            current = key
            first = index if first < 0 else first
            end = index + 1
            continue
        if current and raw[:1] in "\t " and raw.strip() and index == end:
            # A tab-indented continuation line (a long Aanwezig list).
            parts[current].append(clean_inline(raw))
            end = index + 1
            continue
        if first >= 0 and raw.strip() and index - end > 1:
            break
        current = None if raw.strip() else current
    fields = {key: " ".join(part for part in values if part) for key, values in parts.items()}
    return fields, first, end


def letterhead_field(lines: list[str], label: str) -> str | None:
    """The value after a letterhead label: on the same line or the next non-empty one."""
    return field_in_clean_lines([clean_inline(raw) for raw in lines], label)


def field_in_clean_lines(lines: list[str], label: str) -> str | None:
    """`letterhead_field` of lines that `clean_inline` has cleaned already."""
    for index, line in enumerate(lines):
        if line == label and index + 1 < len(lines):
            for value in lines[index + 1 : index + 4]:
                if value:
                    return value
        elif line.startswith(label + " ") or line.startswith(label + ":"):
            value = line[len(label) :].lstrip(" :")
            if value:
                return value
    return None


# Running page headers: letterhead lines and fields repeated on every page.
HEADER_LABELS = ("Datum", "Onze referentie", "Ons kenmerk", "Kenmerk", "Referentie")
# What may stand between a header's parts: white space and bold markers. Possessive:
# what follows it (a name, a field, a date, a number) never starts with either, so
# giving any back could never help, and a long run of blanks is read once.
SEP = r"(?:[ \t\n]|\*\*)*+"


CONTACT_BLOCK_RE = re.compile(r"^(?:Contactpersoon|Datum|Onze referentie|Postbus|Bezoekadres)\b")
ADDRESS_RE = re.compile(r"\d{4}\s?[A-Z]{2}\b|www\.|@|^\d")


def letterhead_names(lines: list[str]) -> list[str]:
    """Sender lines at the top of the letterhead ("Kabinet Minister-President").

    Running page headers repeat them, and only by knowing them can we tell a
    header's first line from the sentence fragment the header interrupted.
    """
    return names_in_clean_lines([clean_inline(raw) for raw in lines])


def names_in_clean_lines(lines: list[str]) -> list[str]:
    """`letterhead_names` of lines that `clean_inline` has cleaned already."""
    names = []
    for line in lines:
        if not line:
            continue
        if CONTACT_BLOCK_RE.match(line):
            break
        if ADDRESS_RE.search(line):
            break
        if len(line) <= 80 and not line.endswith((".", ":", ";", ",")):
            names.append(line)
    return names


# Generic sender names are headers in any ministry's template: one of these words, a
# space, and 3 to 60 characters of name (shortest first).
GENERIC_NAMES = ("Ministerie van", "Kabinet", "Directoraat-[Gg]eneraal", "Directie")
GENERIC_NAME_RE = re.compile(rf"(?:{'|'.join(GENERIC_NAMES)}) ")
GENERIC_NAME_CHARS = (3, 60)
SEP_RE = re.compile(SEP)


class PageHeaderPattern:
    """One running page header of a document: sender names, then its fields.

    What the pattern `(?:NAME SEP)* FIELD (?:SEP FIELD)* SEP` would match, where NAME is
    one of the letterhead's names or a generic sender name of 3 to 60 characters
    (shortest first), tried in the order a regular expression tries them. As a regular
    expression it backtracks exponentially: in "Kabinet Kabinet Kabinet ..." each
    generic name can end at any of 58 places, and when no field follows every way to
    cut the run into names is tried (twenty "Kabinet"s took seconds). Here the names
    are walked in the same order, but a position from which no header can be finished
    is remembered and never tried again, so each position is read a bounded number of
    times and the first header found is the one the regular expression would find.
    """

    def __init__(self, names: list[str], fields: HeaderFields, starts: re.Pattern[str]):
        self.names = names
        self.fields = fields
        self.starts = starts

    def _steps(self, text: str, position: int) -> Iterator[int]:
        """Where one name and the separator after it can end, in the order tried."""
        for name in self.names:
            if text.startswith(name, position):
                yield SEP_RE.match(text, position + len(name)).end()
        generic = GENERIC_NAME_RE.match(text, position)
        if generic:
            shortest, longest = GENERIC_NAME_CHARS
            for length in range(1, longest + 1):
                index = generic.end() + length - 1
                if index >= len(text) or text[index] in "\n*":
                    break
                if length >= shortest:
                    yield SEP_RE.match(text, index + 1).end()

    def _match_at(self, text: str, start: int, dead: set[int]) -> int | None:
        """The end of the header starting at `start`, if one does."""
        if start in dead:
            return None
        stack = [(start, self._steps(text, start))]
        while stack:
            position, steps = stack[-1]
            following = next(steps, None)
            if following is not None:
                if following not in dead:
                    stack.append((following, self._steps(text, following)))
                continue
            # Another name does not lead to a header; the fields may start here.
            fields_end = self.fields.match_end(text, position)
            if fields_end is not None:
                return fields_end
            dead.add(position)
            stack.pop()
        return None

    def finditer(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each header, left to right, as `re.finditer` would give them."""
        dead: set[int] = set()
        position = 0
        while True:
            start = self.starts.search(text, position)
            if start is None:
                return
            end = self._match_at(text, start.start(), dead)
            if end is None:
                position = start.start() + 1
                continue
            yield start.start(), end
            position = end


HEADER_LABELS_RE = "|".join(re.escape(label) for label in HEADER_LABELS)
DATUM_FIELD_RE = re.compile(rf"Datum{SEP}")
LABEL_FIELD_RE = re.compile(rf"(?:{HEADER_LABELS_RE}){SEP}")
HEADER_DATE_RE = re.compile(DATE_PATTERN)
HEADER_NUMBER_RE = re.compile(r"\d[\d./-]*")
PAGE_FIELD_RE = re.compile(rf"Pagina{SEP}\d+{SEP}van{SEP}\d+")


class HeaderFields:
    r"""The fields of a running page header, one after the other, and the blanks after.

    What this pattern matches (`DATE` any Dutch date, `DOCUMENT_DATE` and `REFERENCE`
    this document's own, as written; each only where the document has one):

        FIELD (?:SEP FIELD)* SEP, where FIELD is
        Datum SEP (?:DOCUMENT_DATE|DATE) | LABEL SEP (?:REFERENCE|\d[\d./-]*)
        | Pagina SEP \d+ SEP van SEP \d+

    Once one field has matched, the rest of the pattern cannot fail, so a regular
    expression never goes back on the choice it made for a field: the fields are the
    first alternative that matches, each one after the other as long as one does.
    Read that way, with patterns compiled once for every document and the document's
    own date and reference compared as plain text, no pattern is compiled per document.
    """

    def __init__(self, document_date: str | None, reference: str | None):
        self.document_date = document_date or None
        self.reference = reference or None

    def _field_end(self, text: str, position: int) -> int | None:
        """The end of the field that starts at `position`, if one does."""
        datum = DATUM_FIELD_RE.match(text, position)
        if datum:
            at = datum.end()
            if self.document_date is not None and text.startswith(self.document_date, at):
                return at + len(self.document_date)
            date = HEADER_DATE_RE.match(text, at)
            if date:
                return date.end()
        label = LABEL_FIELD_RE.match(text, position)
        if label:
            at = label.end()
            if self.reference is not None and text.startswith(self.reference, at):
                return at + len(self.reference)
            number = HEADER_NUMBER_RE.match(text, at)
            if number:
                return number.end()
        page = PAGE_FIELD_RE.match(text, position)
        return page.end() if page else None

    def match_end(self, text: str, position: int) -> int | None:
        """The end of the fields (and the blanks after them) from `position`, if any."""
        end = self._field_end(text, position)
        if end is None:
            return None
        while True:
            following = self._field_end(text, SEP_RE.match(text, end).end())
            if following is None:
                return SEP_RE.match(text, end).end()
            end = following


@lru_cache(maxsize=256)
def _header_starts(names: tuple[str, ...]) -> re.Pattern[str]:
    """Where a header may start: a sender name, a generic one, a field's first word.

    The letterhead names are the same in every document of a sender's template, so
    the pattern is compiled once per set of names, not once per document.
    """
    # Only where a header starts counts, not which alternative found it; written as one
    # flat alternation, every alternative starts with a plain character, and a search
    # skips every position whose character starts none of them.
    generic = (f"{name} " for name in GENERIC_NAMES)
    firsts = [*(re.escape(name) for name in names), *generic, "Datum"]
    return re.compile("|".join([*firsts, HEADER_LABELS_RE, "Pagina"]))


def page_header_pattern(
    names: Iterable[str], document_date: str | None, reference: str | None
) -> PageHeaderPattern:
    """The running page headers of this document.

    `names` are the letterhead's sender lines, `document_date` and `reference` its
    Datum and Onze referentie as written (clean, as `clean_inline` gives them); a
    header is any run of those, with bold markers and line breaks between them.

    A header is found from its first word: the blanks and bold markers in front of it
    belong to it too, but `remove_page_headers` takes them by walking back. A pattern
    that started with them would be tried again from every position inside a long run
    of blanks, which takes quadratic time.
    """
    explicit = sorted(set(names), key=len, reverse=True)
    # The letterhead's own date and reference first (the reference may hold letters);
    # any date or number after it, since a header on a later page can carry others.
    fields = HeaderFields(document_date, reference)
    return PageHeaderPattern(explicit, fields, _header_starts(tuple(explicit)))


def _separator_start(text: str, end: int, floor: int) -> int:
    """Where the run of blanks and bold markers ending at `end` starts, not before `floor`.

    The same run as `SEP` read forwards: white space, and asterisks in pairs (of an odd
    run the first one is left, as `SEP` cannot take a lone asterisk).
    """
    start = end
    while start > floor:
        char = text[start - 1]
        if char in " \t\n":
            start -= 1
        elif char == "*" and start - 2 >= floor and text[start - 2] == "*":
            start -= 2
        else:
            break
    return start


def _last_kept(text: str, end: int) -> int:
    """The index of the last character before `end` that is no blank or asterisk, or -1."""
    index = end - 1
    while index >= 0 and text[index] in " \t*":
        index -= 1
    return index


def _first_kept(text: str, start: int) -> int:
    """The index of the first character from `start` on that is no blank or asterisk."""
    index, size = start, len(text)
    while index < size and text[index] in " \t*":
        index += 1
    return index


BLOCK_START_RE = re.compile(r"[-•*A-Z0-9]")


def remove_page_headers(text: str, pattern: PageHeaderPattern) -> str:
    """Cut running page headers out and rejoin the text around each one.

    Where the header sat between two paragraphs the paragraph break stays; where it
    cut a sentence (or sat between two sentences of one paragraph) the two sides
    are joined with a single space.

    Each header is cut with the blanks and bold markers around it. The text beside a
    header is looked at only up to its nearest kept character, so the time grows with
    the length of the text, not with the number of headers times that length.
    """
    out: list[str] = []
    position = 0
    for first, end in pattern.finditer(text):
        start = _separator_start(text, first, position)
        before, after = _last_kept(text, start), _first_kept(text, end)
        out.append(text[position:start])
        if before < 0 or after >= len(text):
            out.append("\n")
        else:
            gap = text[start:end]
            ends_sentence = text[before] in ".!?:;"
            paragraph_gap = gap.startswith("\n") or gap.lstrip(" \t*").startswith("\n")
            first = text[after]
            starts_block = bool(BLOCK_START_RE.match(first)) or first.isupper()
            if ends_sentence and paragraph_gap and starts_block and "\n" in gap.rstrip(" \t*")[-2:]:
                out.append("\n\n")
            else:
                out.append(" ")
        position = end
    out.append(text[position:])
    return "".join(out)
