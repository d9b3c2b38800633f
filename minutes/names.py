"""File names as they may be shown: never with raw control or bidi characters.

A name comes from outside (an uploaded file, a zip entry, a folder on disk) and may
carry characters that change how a page or a terminal shows it: a right-to-left
override makes "report\\u202etxt.exe" read as "reportexe.txt", an escape sequence
rewrites a terminal. Such characters are written out, never passed on.
"""

from __future__ import annotations

import unicodedata

# Characters a name must never carry onto a page or a terminal as they are: control
# characters, format characters (bidi overrides and isolates U+202A-202E and
# U+2066-2069, the marks U+200E/U+200F, zero-width ones), line and paragraph
# separators, and the lone surrogates a file name that is not UTF-8 decodes to.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def visible_name(name: str) -> str:
    """The name with every control or format character written out as \\uXXXX.

    "report\\u202etxt.exe" shows what it is instead of reading backwards. Idempotent:
    the escaped name has no such characters left.
    """
    return "".join(_visible_char(char) for char in name)


def _visible_char(char: str) -> str:
    if unicodedata.category(char) not in HIDDEN_CATEGORIES:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
