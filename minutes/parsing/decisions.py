"""Sentences, and which of them are decisions of the SGO itself."""

from __future__ import annotations

import re
from enum import StrEnum

from minutes.parsing.text import clean_inline


class DecisionKind(StrEnum):
    """The kinds of decision; `minutes.models.Decision.Kind` takes its values from here."""

    ADOPTED = "adopted"  # the minutes of an earlier meeting are adopted
    CONSENTED = "consented"
    DECIDED = "decided"
    AGREED = "agreed"
    ACTION = "action"  # an action item ("Actiepunt:", a row of an action list)


# Abbreviations whose full stop ends no sentence ("mw.", "c.q.", "i.v.m.").
ABBREVIATIONS = {
    "mw", "dhr", "mevr", "c.q", "a.s", "o.a", "i.v.m", "plv", "vz", "d.d", "nr", "bijv",
    "e.d", "m.b.t", "t.a.v", "i.o.m", "z.s.m", "n.a.v", "m.n", "evt", "ca", "resp", "jl",
    "j.l", "incl", "excl", "o.l.v", "t.b.v", "i.p.v", "e.e.a", "d.w.z", "dr", "mr", "ir",
    "drs", "prof", "vs", "st",
}  # fmt: skip


# Exports that wrap paragraphs do so at 60 to 100 characters; headings are shorter.
WRAPPED_LINE_LENGTH = 55
LIST_MARKER_RE = re.compile(r"^(?:[-•–]\s*|\d{1,2}[.)]\s+|[a-z][.)]\s+)")


PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n")


def _text_units(text: str) -> list[str]:
    """Paragraphs and list entries, with soft line wraps undone.

    Some exports wrap a paragraph over several lines. A line carries on the one before
    unless it opens a list entry, or the line before ends a sentence or clause (a line
    that ends in an abbreviation, "c.q." or "mw.", ends none). A line opening with a
    capital carries on only a long line (a wrap, not a heading such as "EZK" or
    "Conclusies van de werkgroep").
    """
    units: list[str] = []
    for paragraph in PARAGRAPH_BREAK_RE.split(text):
        # The unit being read, as its lines (joined once it is complete: adding each
        # wrapped line to a string would copy a long unit again for every line).
        current: list[str] = []
        for raw in paragraph.split("\n"):
            line = raw.strip()
            if not line:
                continue
            wraps = (
                bool(current)
                and not LIST_MARKER_RE.match(line)
                and (current[-1][-1] not in ".!?:;" or _ends_in_abbreviation(current[-1]))
                and (not line[0].isupper() or len(current[-1]) >= WRAPPED_LINE_LENGTH)
            )
            if wraps:
                current.append(line)
            else:
                if current:
                    units.append(" ".join(current))
                current = [line]
        if current:
            units.append(" ".join(current))
    return units


def _ends_in_abbreviation(line: str) -> bool:
    """Does the line end in an abbreviation's full stop ("… uitwerkt c.q.")? Then the
    wrap is in the middle of a sentence, as `split_sentences` reads it on one line."""
    if not line.endswith("."):
        return False
    return _word_before(line, 0, len(line) - 1).lower().rstrip(".") in ABBREVIATIONS


SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[\"'‘“(]?[A-Z0-9])")


def _word_before(text: str, start: int, end: int) -> str:
    """The run of word characters and dots that ends at `end` (not before `start`).

    What `re.search(r"[\\w.]+$", text[start:end])` finds, read backwards from `end`:
    the regex would be tried from every position of a long run and read the rest of it
    each time, and the slice would copy the text since the last sentence end again at
    every abbreviation.
    """
    index = end
    while index > start and (text[index - 1].isalnum() or text[index - 1] in "._"):
        index -= 1
    return text[index:end]


def split_sentences(text: str) -> list[str]:
    """Split clean text into sentences; bullets and paragraphs are separate units."""
    sentences: list[str] = []
    for unit in _text_units(text):
        block = LIST_MARKER_RE.sub("", unit)
        if not block:
            continue
        start = 0
        for match in SENTENCE_END_RE.finditer(block):
            word = _word_before(block, start, match.start())
            if word and word.lower().rstrip(".") in ABBREVIATIONS:
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


class InOrder:
    """Phrases that follow each other on one line, in linear time.

    `InOrder(a, b, c)` finds what the pattern `a.*b.*c` finds (`.` stops at a line
    end). Such a pattern backtracks: it is tried again from every `a` on the line, and
    `.*` runs to the line's end and gives it back one character at a time, so a long
    sentence with many `a`s and no `c` takes quadratic time. Taking the first `a`, the
    first `b` after it and the first `c` after that finds a match if there is one, as
    long as each part is a word or phrase whose matches start and end in step (so an
    earlier `a` never ends after a later one).
    """

    def __init__(self, *parts: str) -> None:
        self.parts = [re.compile(part, re.IGNORECASE) for part in parts]

    def search(self, text: str) -> bool:
        return any(self._on_line(line) for line in text.split("\n"))

    def _on_line(self, line: str) -> bool:
        position = 0
        for part in self.parts:
            match = part.search(line, position)
            if match is None:
                return False
            position = match.end()
        return True


class AnyOf:
    """True when any of its patterns or `InOrder` chains is found in the text."""

    def __init__(self, *alternatives: str | InOrder) -> None:
        self.alternatives = [
            re.compile(alt, re.IGNORECASE) if isinstance(alt, str) else alt for alt in alternatives
        ]

    def search(self, text: str) -> bool:
        return any(alternative.search(text) for alternative in self.alternatives)


VERSLAG = r"\bverslag(?:en)?\b"
STELT = r"\bstel(?:t|len|de|den)\b"
ADOPTED_RE = AnyOf(
    InOrder(VERSLAG, r"\b(?:is|wordt|werd|zijn|worden|werden)\b", r"\bvastgesteld\b"),
    InOrder(
        r"\b(?:wordt|werd|is|worden|zijn)\s+(?:\w+\s+){0,3}?(?:het|de)\s+verslag(?:en)?\b",
        r"\bvastgesteld\b",
    ),
    InOrder(STELT, VERSLAG, r"\bvast\b"),
)
CONSENTED_RE = AnyOf(
    InOrder(r"\b(?:stemt|stemmen|stemde|stemden)\b", r"\bin\b"),
    r"\binstemmen\b|\binstemming\b|\bingestemd\b",
)
DECIDED_RE = AnyOf(
    r"\b(?:besluit|besluiten|besloot|besloten)\b",
    InOrder(STELT, r"\bvast\b"),
)
AGREED_RE = AnyOf(
    InOrder(r"\b(?:gaat|gaan|ging|gingen|is|zijn)\b", r"\bakkoord\b"),
    r"\bakkoord\s+(?:met|gegaan)\b|\bafgesproken\b"
    r"|\b(?:bevestigt|bevestigen|bevestigde|bevestigden|onderschrijft|onderschrijven)\b",
    InOrder(r"\b(?:spreekt|spreken|sprak|spraken)\b", r"\baf\b"),
    InOrder(r"\b(?:komt|komen|kwam|kwamen)\b", r"\bovereen\b"),
)
PASSIVE_DECISION_RE = re.compile(
    r"^(?:[^,]{0,80},\s*)?(?:er\s+)?(?:wordt|werd)\s+(?:\w+\s+){0,3}?"
    r"(besloten|ingestemd|afgesproken)\b"
    r"|^(?:[^,]{0,80},\s*)?(besloten|ingestemd|afgesproken)\s+(?:wordt|werd)\b",
    re.IGNORECASE,
)


# "Het SGO neemt kennis van X en stemt in met Y": the taking note is no decision, the
# verb after "en" may be one.
NOTED_RE = re.compile(r"\b(?:neemt|nemen)\s+kennis\s+van\b", re.IGNORECASE)
THEN_RE = re.compile(
    r"\ben\s+(?=(?:stemt|stemmen|besluit|besluiten|gaat|gaan|spreekt|spreken|stelt|stellen)\b)",
    re.IGNORECASE,
)


def drop_noted(text: str) -> str:
    """Cut each "neemt kennis van ... en " up to the verb after "en".

    What `re.sub(NOTED_RE.pattern + r".*?" + THEN_RE.pattern, "", text)` does (the
    "en" on the same line as "kennis van"), without trying the rest of a line again
    from every "neemt kennis van" on it: when the first one on a line has no "en" and
    a verb after it on that line, neither has any later one.
    """
    out: list[str] = []
    position = 0
    then: re.Match[str] | None = None
    while True:
        noted = NOTED_RE.search(text, position)
        if noted is None:
            break
        if then is None or then.start() < noted.end():
            then = THEN_RE.search(text, noted.end())
            if then is None:
                break
        line_end = text.find("\n", noted.end(), then.start())
        if line_end >= 0:
            # No "en <verb>" on this line: go on from the next line.
            out.append(text[position : line_end + 1])
            position = line_end + 1
            continue
        out.append(text[position : noted.start()])
        position = then.end()
    out.append(text[position:])
    return "".join(out)


# A verslag adopted in a clause without a subject: "Vastgesteld.", "Verslag vastgesteld.",
# "Vastgesteld met een wijziging van SG BZK."
BARE_ADOPTED_RE = re.compile(
    r"^(?:(?:het\s+)?(verslag(?:en)?)\s+(?:is\s+|zijn\s+|wordt\s+|worden\s+)?)?"
    r"(?:ongewijzigd\s+|conform\s+|akkoord\s+en\s+)?vastgesteld\b",
    re.IGNORECASE,
)
# The decision a passive verb reports ("Besloten wordt ...").
PASSIVE_KINDS = {
    "besloten": DecisionKind.DECIDED,
    "ingestemd": DecisionKind.CONSENTED,
    "afgesproken": DecisionKind.AGREED,
}


# Every decision has one of these in it: each pattern below that can make a sentence a
# decision (ADOPTED, CONSENTED, DECIDED, AGREED, the bare and the passive ones) needs
# one of these runs of letters, matched the way it matches them (case-insensitively).
DECISION_WORDS = (
    "vast", "stem", "besl", "akkoord", "afgesproken", "bevestig", "onderschrij", "spreekt",
    "spreken", "sprak", "overeen",
)  # fmt: skip
DECISION_WORD_RE = re.compile("|".join(DECISION_WORDS), re.IGNORECASE)
# The characters other than an ASCII letter's own two cases that a case-insensitive
# pattern matches with an ASCII letter: "İ" and "ı" (i), "ſ" (s), the Kelvin sign (k).
# (tests/parsing/test_fast_paths.py checks this against every character.)
FOLDS_TO_ASCII_RE = re.compile("[\u0130\u0131\u017f\u212a]")
NAMES_MINUTES_RE = re.compile(r"\bverslag", re.IGNORECASE)


def has_decision_word(text: str) -> bool:
    """Whether `DECISION_WORD_RE` finds a word in `text`.

    A case-insensitive search tries every word at every position, and slowly; in a text
    without the characters of `FOLDS_TO_ASCII_RE`, what it finds is an ASCII word in
    either case, which is in the lower-case text as is.
    """
    if FOLDS_TO_ASCII_RE.search(text):
        return DECISION_WORD_RE.search(text) is not None
    lower = text.lower()
    return any(word in lower for word in DECISION_WORDS)


def classify_decision(sentence: str, item_title: str) -> DecisionKind | None:
    """The decision kind of a sentence, or None when the SGO settles nothing in it."""
    text = clean_inline(sentence)
    # Most sentences decide nothing, and have none of the words a decision needs.
    # `drop_noted` only takes text out, and rejoins it where a word starts after a
    # character that is no letter, so it cannot make such a word either.
    if not has_decision_word(text):
        return None
    text = drop_noted(text)
    if NOT_A_DECISION_RE.search(text):
        return None
    bare = BARE_ADOPTED_RE.match(text)
    if bare:
        # A bare "Vastgesteld." counts only under an item about the previous minutes.
        names_minutes = bool(bare.group(1)) or NAMES_MINUTES_RE.search(item_title)
        return DecisionKind.ADOPTED if names_minutes else None
    if OTHER_BODY_RE.search(text):
        return None
    if ADOPTED_RE.search(text):
        return DecisionKind.ADOPTED
    sgo_is_subject = bool(SUBJECT_FIRST_RE.search(text) or VERB_FIRST_RE.search(text))
    if sgo_is_subject:
        if CONSENTED_RE.search(text):
            return DecisionKind.CONSENTED
        if DECIDED_RE.search(text):
            return DecisionKind.DECIDED
        if AGREED_RE.search(text):
            return DecisionKind.AGREED
        return None
    passive = PASSIVE_DECISION_RE.search(text)
    if passive:
        verb = (passive.group(1) or passive.group(2)).lower()
        return PASSIVE_KINDS[verb]
    return None


# Minutes of other bodies: who decides ("het TO", "de stuurgroep", "het college"), the
# labels that mark a decision or an action item, and "wordt vastgesteld" as a decision.
OTHER_SUBJECT_RE = re.compile(
    r"\b(?:het\s+TO|het\s+technisch\s+overleg|de\s+stuurgroep|de\s+werkgroep|het\s+college"
    r"|de\s+commissie|de\s+raad|het\s+bestuur|de\s+klankbordgroep|de\s+deelnemers"
    r"|de\s+aanwezigen|de\s+vergadering|het\s+MT|de\s+TAG|de\s+ICBR|het\s+ICBR)\b",
    re.IGNORECASE,
)
DECISION_LABEL_RE = re.compile(r"^(?:besluit(?:en)?|besloten|conclusie\s+en\s+besluit)\s*:\s*\S")
ACTION_LABEL_RE = re.compile(
    r"^(?:actiepunt(?:en)?|actie(?:\s+[^:]{1,40})?)\s*:\s*\S", re.IGNORECASE
)
PASSIVE_ADOPTED_RE = re.compile(
    r"\b(?:wordt|is|worden|zijn|werd|werden)\s+(?:\w+\s+){0,3}?vastgesteld\b", re.IGNORECASE
)
NAMES_RECORD_RE = re.compile(r"\b(?:verslag|notulen|besluitenlijst|actielijst)", re.IGNORECASE)


def classify_other_decision(sentence: str, item_title: str) -> DecisionKind | None:
    """The decision kind of a sentence in another body's minutes, or None.

    "Besluit: ..." decides, "Actie: ..." and "Actiepunt: ..." are action items; then the
    SGO's phrasings with the body ("het TO", "de stuurgroep") in the SGO's place; then
    "wordt (ongewijzigd) vastgesteld": the minutes adopted when it names them (or the
    item does), else a decision.
    """
    text = clean_inline(sentence)
    if ACTION_LABEL_RE.match(text):
        return DecisionKind.ACTION
    if DECISION_LABEL_RE.match(text.lower()):
        return DecisionKind.DECIDED
    kind = classify_decision(OTHER_SUBJECT_RE.sub("het overleg", text), item_title)
    if kind is not None:
        return kind
    if not PASSIVE_ADOPTED_RE.search(text) or NOT_A_DECISION_RE.search(text):
        return None
    if NAMES_RECORD_RE.search(text) or NAMES_RECORD_RE.search(item_title):
        return DecisionKind.ADOPTED
    return DecisionKind.DECIDED
