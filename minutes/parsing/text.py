"""Plain text: decoding the bytes, normalising line ends, clean lines and blocks.

Also the patterns for what the text holds as is: Woo redaction codes and
"buiten verzoek" passages.
"""

from __future__ import annotations

import re
import unicodedata

# Why a file cannot be read as minutes: each reason's stable code and its Dutch
# message, the one place these words live. The import log, the upload preview and the
# command all show these messages; tests and callers test the code.
PARSE_ERRORS: dict[str, str] = {
    "too_large": "bestand te groot: {size} bytes, de grens is {limit} bytes",
    "line_too_long": "regel {line} is te lang: {length} tekens, de grens is {limit} tekens",
    "empty": "leeg bestand",
    "broken_utf8": "beschadigde UTF-8-tekst na een UTF-8-bytevolgordeteken, bij byte {byte}",
    "broken_utf16": "beschadigde UTF-16-tekst, bij byte {byte}",
    "unknown_encoding": "geen UTF-8- of cp1252-tekst: onleesbare byte bij byte {byte}",
    "not_text": "geen tekstbestand: het bevat NUL-bytes",
    "control_characters": "geen tekstbestand: het bevat te veel stuurtekens",
    "no_meeting_date": (
        "geen vergaderdatum gevonden (verwacht een regel ‘Vergaderdatum en -tijd’ met een datum)"
    ),
    "document_date_only": (
        "geen vergaderdatum gevonden: de ‘Datum’ {date} is de datum van het document, "
        "niet die van de vergadering"
    ),
}


class ParseError(ValueError):
    """The file cannot be read as minutes: `code` (a key of `PARSE_ERRORS`) says why,
    `params` fill in its message (a decoding error keeps Python's own `reason` there
    too, for whoever debugs it), and `str()` is that Dutch message."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(PARSE_ERRORS[code].format(**params))

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from the code and parameters, not from the message.
        return (_parse_error, (self.code, self.params))

    @property
    def message(self) -> str:
        return str(self)


def _parse_error(code: str, params: dict[str, object]) -> ParseError:
    return ParseError(code, **params)


# What the parser noticed in a file it did read: each warning's stable code and its
# Dutch message, beside the errors' table and kept the same way. The upload preview,
# the meeting in the admin and the command show these messages; tests test the code.
PARSE_WARNINGS: dict[str, str] = {
    "end_before_start": (
        "eindtijd {end} uur ligt vóór de begintijd {start} uur; de eindtijd is weggelaten"
    ),
    "no_agenda_items": "geen genummerde agendapunten gevonden",
    "numbered_by_position": (
        "agendapunten genummerd naar hun volgorde: het verslag nummert ze niet"
    ),
    "document_before_meeting": "de datum van het verslag ligt vóór de vergaderdatum",
}


class ParseWarning:
    """Something the parser noticed in a file it read: `code` (a key of
    `PARSE_WARNINGS`) says what, `params` fill in its message, and `str()` is that
    Dutch message. Equal warnings have equal codes and parameters."""

    __slots__ = ("code", "params")

    def __init__(self, code: str, **params: str) -> None:
        if code not in PARSE_WARNINGS:
            raise KeyError(f"unknown parse warning {code!r}")
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return PARSE_WARNINGS[self.code].format(**self.params)

    @property
    def message(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"ParseWarning({self.code!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParseWarning):
            return NotImplemented
        return (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt from the code and parameters (parsing workers hand these back).
        return (_parse_warning, (self.code, self.params))


def _parse_warning(code: str, params: dict[str, str]) -> ParseWarning:
    return ParseWarning(code, **params)


# The largest file and the longest line the parser reads; the import passes the
# settings' values (SGO_PARSE_MAX_BYTES, SGO_PARSE_MAX_LINE_CHARS). Minutes are tens of
# kilobytes with lines of at most a few thousand characters.
MAX_BYTES = 5 * 1024 * 1024
MAX_LINE_CHARS = 20_000


def check_size(data: bytes, max_bytes: int) -> None:
    """Refuse a file larger than `max_bytes` before anything reads it."""
    if len(data) > max_bytes:
        raise ParseError("too_large", size=len(data), limit=max_bytes)


def check_lines(lines: list[str], max_line_chars: int) -> None:
    """Refuse a text with a line longer than `max_line_chars` characters."""
    if max(map(len, lines), default=0) <= max_line_chars:
        return
    for number, line in enumerate(lines, start=1):
        if len(line) > max_line_chars:
            raise ParseError("line_too_long", line=number, length=len(line), limit=max_line_chars)


# Woo grounds (5.1.1c, 5.1.2e, 5.2.1 ...) and the older Wob grounds (10.2.e, 11.1).
# A dot counts as part of the code only before its letter ("5.1.2.e"): in "zie 5.2.1."
# the dot ends the sentence. What it finds is what
# `(?<![\w.])(?:5\.[12]\.\d(?:\.?[a-i])?|10\.[12]\.?[a-g]|11\.1)(?![\w])` finds, in the same
# order of trying; but with the look back made after the first digit (`5(?<![\w.]5)` is
# `(?<![\w.])5`), each alternative starts with a plain digit, and a search skips every
# position that holds no "5" or "1" instead of trying the pattern there.
REDACTION_RE = re.compile(
    r"5(?<![\w.]5)\.[12]\.\d(?:\.?[a-i])?(?!\w)|1(?<![\w.]1)(?:0\.[12]\.?[a-g]|1\.1)(?!\w)"
)
# "buiten (het) verzoek" in any case. The first letter is a plain class: a "b" in any
# case is "b" or "B" (no other character is, see tests/parsing/test_fast_paths.py), so
# a search skips every other position instead of trying the pattern there.
WITHHELD_RE = re.compile(r"[bB](?i:uiten\s+(?:het\s+)?verzoek)")

# Bold as the exports mark it; never part of the text a reader sees.
BOLD = "**"


# Control characters (Unicode category Cc: U+0000-U+001F and U+007F-U+009F, a set the
# standard keeps fixed) other than tab, line feed, carriage return and form feed.
STRAY_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise ParseError for empty or binary input."""
    if not data or not data.strip():
        raise ParseError("empty")
    if data.startswith(b"\xef\xbb\xbf"):
        # The byte order mark says UTF-8; other bytes after it are a broken file, not
        # another encoding.
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ParseError("broken_utf8", byte=exc.start + 3, reason=exc.reason) from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ParseError("broken_utf16", byte=exc.start, reason=exc.reason) from exc
    if b"\x00" in data:
        raise ParseError("not_text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise ParseError("unknown_encoding", byte=exc.start, reason=exc.reason) from exc
    controls = len(STRAY_CONTROLS_RE.findall(text))
    if controls > max(3, len(text) // 100):
        raise ParseError("control_characters")
    return text, encoding


def normalise(text: str) -> str:
    """One kind of line end, no BOM, no-break or zero-width spaces; NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = text.replace("\ufeff", "").replace("\u00a0", " ").replace("\u200b", "")
    return unicodedata.normalize("NFC", text)


CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# A run of blanks that is not one space already (a tab, or a space and more blanks):
# each becomes one space, as every run of blanks would, but a text whose runs are all
# single spaces has nothing to replace.
BLANKS_RE = re.compile(r"\t[ \t]*| [ \t]+")
EMPTY_LINES_RE = re.compile(r"\n\n\n+")


def clean_inline(text: str) -> str:
    """One line of clean text: no bold markers or control characters, single spaces.

    Control characters never carry meaning in minutes; dropping them also keeps the
    web pages' highlight markers (which are control characters) unambiguous.
    """
    # A printable text has no control characters and no tab (fast to tell), and a
    # text without a tab or two spaces in a row has no run of blanks to shorten.
    if not text.isprintable():
        text = CONTROL_RE.sub("", text)
    text = text.replace(BOLD, "")
    if "\t" in text or "  " in text:
        text = BLANKS_RE.sub(" ", text)
    return text.strip()


def clean_block(text: str) -> str:
    """Clean multi-line text: strip bold markers and stray spaces, keep paragraphs.

    Each line as `clean_inline` cleans it, with at most one empty line between two
    lines and none at either end. Control characters, bold markers and runs of blanks
    never span a line end, so they are taken out of the whole text at once.
    """
    text = CONTROL_RE.sub("", text).replace(BOLD, "")
    if "\t" in text or "  " in text:
        text = BLANKS_RE.sub(" ", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    return EMPTY_LINES_RE.sub("\n\n", text).strip()


def redaction_codes(text: str) -> tuple[str, ...]:
    """The redaction codes a text holds, each once, in the order they first occur."""
    return tuple(dict.fromkeys(REDACTION_RE.findall(text.replace(BOLD, ""))))


# What may stand around the markers in a passage that is nothing but a withheld marker:
# list bullets, bold marks, dashes, brackets and punctuation.
FILLER_RE = re.compile(r"[\s\-–—•*·,;:.()\[\]/]*")


def withheld_parts(text: str) -> tuple[bool, tuple[str, ...]] | None:
    """(outside the request, codes as released, each once) when `text` is nothing but
    withheld markers ("buiten verzoek", "5.1.2i", "10.2.e - buiten verzoek") with
    bullets, bold marks, dashes and punctuation around them; None when it is (also)
    text. minutes.redactions.withheld names what this finds."""
    if not text:
        return None
    outside = bool(WITHHELD_RE.search(text))
    rest = WITHHELD_RE.sub(" ", text)
    codes = tuple(dict.fromkeys(REDACTION_RE.findall(rest)))
    if not (outside or codes):
        return None
    if not FILLER_RE.fullmatch(REDACTION_RE.sub(" ", rest)):
        return None
    return outside, codes


def withheld_passages(text: str) -> int:
    """How many passages the text marks as withheld ("buiten verzoek")."""
    return len(WITHHELD_RE.findall(text))
