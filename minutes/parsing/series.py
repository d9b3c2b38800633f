"""The series a document names: the body whose meeting it records.

"Omschrijving SGO, verslag" names the SGO; "Verslag Technisch Overleg Digikoppeling"
the Technisch Overleg Digikoppeling; "Verslag van de vergadering van de Stuurgroep X"
the Stuurgroep X; a municipal "Besluitenlijst college van B en W 12 januari 2021" the
College van B en W. Dates, "d.d.", ordinals and punctuation are no part of a name.
"""

from __future__ import annotations

import re

from minutes.parsing.dates import DATE_HYPHEN_WORDS_RE, DATE_ISO_RE, DATE_NUMERIC_RE, DATE_WORDS_RE

SGO_RE = re.compile(r"\bSGO\b")
# What a title says before the body's name: "Verslag", "Concept verslag", "Notulen",
# "Besluitenlijst", "Agenda en verslag", then "van de (3e) vergadering van de".
RECORD_WORDS = (
    r"(?:concept[- ]?)?(?:agenda\s+(?:en|&|\+)\s+verslag|vergadernotulen|verslag|notulen"
    r"|besluitenlijst|actie-?\s*en\s+besluitenlijst)"
)
TITLE_RE = re.compile(
    rf"^{RECORD_WORDS}\b[\s:–—-]*(?:van\s+(?:de|het)\s+)?"
    r"(?:(?:\d+e|eerste|tweede|derde|vierde|vijfde)\s+)?(?:vergadering|bijeenkomst|overleg(?=\s+van))?"
    r"\s*(?:van\s+(?:de|het)\s+)?(?P<name>.*)$",
    re.IGNORECASE,
)
# A title that is the body's name itself: "Technisch Overleg Digikoppeling".
BODY_WORDS_RE = re.compile(
    r"^(?:technisch\s+overleg|stuurgroep|werkgroep|klankbord\w*|college\s+van|commissie|raad\b"
    r"|ICBR|SGO|overleg|programmaraad|regieraad|bestuur|MT\b|managementteam)",
    re.IGNORECASE,
)
# Where a name ends: a date, "d.d.", "gehouden op", a place or time, a bracket, a dash.
NAME_END_RE = re.compile(
    r"\s+(?:d\.\s?d\.|dd|op|te|gehouden|d\.w\.z\.|inzake|via|versie|sessie|v\d)\b|\s*[,(–—|:;]|\s+-\s"
    r"|\s+(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)\b",
    re.IGNORECASE,
)
NOT_A_NAME_RE = re.compile(
    r"^(?:vorige|per\s|van\s|de\s|het\s|en\s|\d)"
    r"|^(?:verslag|notulen|agenda|vergadering|overleg|bijeenkomst|sessie)$",
    re.IGNORECASE,
)
MAX_NAME = 80
# A header row's label in front of the title: "Betreft  Verslag Technisch Overleg X".
FIELD_LABEL_RE = re.compile(r"^(?:betreft|onderwerp|omschrijving|kenmerk)\b[\s:|*]*", re.IGNORECASE)


def _strip_dates(text: str) -> str:
    for pattern in (DATE_WORDS_RE, DATE_HYPHEN_WORDS_RE, DATE_NUMERIC_RE, DATE_ISO_RE):
        match = pattern.search(text)
        if match:
            text = text[: match.start()]
    return text


def clean_name(raw: str) -> str | None:
    """A body's name as a title gives it, without date, "d.d.", brackets or punctuation."""
    text = _strip_dates(raw.replace("**", "").replace("_", " "))
    end = NAME_END_RE.search(text)
    if end:
        text = text[: end.start()]
    text = re.sub(r"\s+", " ", text).strip(" .,:;-–—*#>|\"'")
    if not text or len(text) > MAX_NAME or NOT_A_NAME_RE.search(text):
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text[0].upper() + text[1:]


def series_from_title(line: str) -> str | None:
    """The body a title line names ("Verslag Stuurgroep X 3 maart 2020" → "Stuurgroep X")."""
    text = FIELD_LABEL_RE.sub("", line.strip(" #>*|\t"))
    if SGO_RE.search(text) and re.search(r"\b(?:verslag|omschrijving)\b", text, re.IGNORECASE):
        return "SGO"
    match = TITLE_RE.match(text)
    if match:
        return clean_name(match.group("name"))
    if BODY_WORDS_RE.match(text):
        return clean_name(text)
    return None


def find_series(title_lines: list[str]) -> str | None:
    """The first series the title lines name, or None when none names one reliably."""
    for line in title_lines:
        name = series_from_title(line)
        if name:
            return name
    return None
