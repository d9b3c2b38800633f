"""How a Dutch word becomes index terms: folding, stemming and compound parts.

Pure Python (PyStemmer and the standard library), no Django: the Tantivy index calls
it for every word it indexes and for every word of a query, so both sides agree.
docs/search-analysis.md has the study behind the choices (bench/analysis_study.py).

- `fold(text)`: lower case, accents and the ligature ĳ folded ("Financiën" ->
  "financien"), as PostgreSQL's `unaccent` did.
- `stem(word)`: Snowball's classic Dutch stemmer (PyStemmer's ``dutch_porter``, the
  algorithm PostgreSQL's `dutch_stem` runs) with small corrections for plurals it
  leaves apart (voorstel/voorstellen, advies/adviezen, ministerie/ministeries) and
  for -heid, which it cut off (overheid -> "over"). Tantivy's built-in
  ``stemmer("dutch")`` is Snowball 3's new Dutch algorithm, which over-stems this
  archive's words (overheid -> "over", minister -> "mini", agendapunt -> "andapun").
- `compound_parts(word)`: the parts of a compound ("thuiswerkadvies" -> thuiswerk,
  advies, thuis, werk), empty for a word that is not one. The parts are indexed
  beside the whole word, never instead of it.
- `words(text)`: the words of a text with their positions and character offsets,
  split as Tantivy's simple tokenizer splits (runs of letters and digits).
- `part_terms(text)`: the stems of the compound parts of a text's words, for a
  "parts" field searched with a lower boost than the whole words.
"""

from __future__ import annotations

import gzip
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import Stemmer

DATA_DIR = Path(__file__).resolve().parent / "data"
# Compound parts from OpenTaal's Dutch word list (hunspell-nl); see data/README.md.
PARTS_FILE = DATA_DIR / "nl-compound-parts.txt.gz"

# The shortest part a compound is split into ("wet" in wetsvoorstel). Shorter
# pieces ("be", "ver", "in") are prefixes far more often than words.
MIN_PART = 3
# Words longer than this are not split (no real compound is, and the search stays
# linear in the word's length).
MAX_WORD = 60
# Nested splits: thuiswerk|advies, then thuis|werk; no deeper.
MAX_DEPTH = 2

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents: "Geïnformeerd" -> "geinformeerd", "ĳ" -> "ij"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# PyStemmer's Stemmer objects are not thread-safe: one per thread.
_local = threading.local()


def _porter() -> Stemmer.Stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("dutch_porter")
    return stemmer


_VOWELS = frozenset("aeiouyè")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The index term of one word (folded first).

    Classic Snowball Dutch with five corrections:

    - "-heid" is kept and "-heden" is "-heid" (Snowball cuts -heid off, so overheid
      and overheden became "over", the preposition);
    - "-ies" loses its "s" (ministeries, notities: Snowball only drops an "s" after a
      consonant), but not after "v" or "c" (advies, precies are singular);
    - a doubled final consonant is undoubled (voorstellen -> voorstell -> voorstel;
      Snowball only undoubles kk, dd and tt);
    - a final "z" or "v" is "s" or "f" (adviezen -> adviez -> advies, brieven ->
      briev -> brief).
    """
    word = fold(word)
    if len(word) > 5 and word.endswith("heden"):
        word = word[:-5] + "heid"
    elif len(word) > 5 and word.endswith("heids"):
        word = word[:-1]
    if len(word) > 4 and word.endswith("heid"):
        return word
    if len(word) > 5 and word.endswith("ies") and word[-4] not in "vc":
        word = word[:-1]
    result = _porter().stemWord(word)
    if len(result) > 3 and result[-1] == result[-2] and result[-1] not in _VOWELS:
        result = result[:-1]
    if len(result) > 3 and result[-1] in "zv" and result[-2] not in "zv":
        result = result[:-1] + ("s" if result[-1] == "z" else "f")
    return result


@dataclass(frozen=True)
class Word:
    """One word of a text: as written, its place, and where it stands in the text."""

    text: str
    position: int
    start: int  # character offsets into the original text
    end: int


def words(text: str) -> Iterator[Word]:
    """The words of a text, split at every character that is not a letter or digit."""
    for position, match in enumerate(_WORD.finditer(text)):
        yield Word(match.group(), position, match.start(), match.end())


class _Part(NamedTuple):
    start: int
    end: int  # where the part's own text ends (before a linking "s")
    text: str


class CompoundSplitter:
    """Splits a (folded) word into dictionary parts.

    `heads` are the forms that may end a compound (inflected forms included:
    "maatregelen"), `modifiers` those that may begin or continue one ("corona",
    "toeslagen"), and `linked` the modifiers that take a linking "s" ("kabinet" in
    "kabinetsbesluit"; the part is reported without the "s"). The split with the
    fewest parts wins, and among those the one whose shortest part is longest; the
    parts that are compounds themselves are split again (MAX_DEPTH levels).
    """

    def __init__(
        self,
        *,
        modifiers: Iterable[str],
        heads: Iterable[str],
        linked: Iterable[str] = (),
        forbidden: Iterable[tuple[str, str]] = (),
        min_part: int = MIN_PART,
    ) -> None:
        self.modifiers = frozenset(modifiers)
        self.heads = frozenset(heads)
        self.linked = frozenset(linked)
        self.forbidden = tuple(forbidden)
        # The forbidden joins by the first letter after the boundary: _refused looks
        # only at the few that can apply (it runs for every candidate part).
        self._forbidden_at: dict[str, tuple[tuple[str, str], ...]] = {}
        for end, start in self.forbidden:
            key = start[:1]
            self._forbidden_at[key] = (*self._forbidden_at.get(key, ()), (end, start))
        self.min_part = min_part
        self._cache: dict[str, tuple[str, ...]] = {}

    def _modifier_at(self, word: str, start: int, end: int) -> _Part | None:
        """word[start:end] as a modifier (without a linking "s"), or None."""
        piece = word[start:end]
        if len(piece) >= self.min_part and piece in self.modifiers:
            return _Part(start, end, piece)
        if piece.endswith("s") and len(piece) > self.min_part and piece[:-1] in self.linked:
            return _Part(start, end - 1, piece[:-1])
        return None

    def split(self, word: str) -> tuple[_Part, ...]:
        """The top-level parts of a compound (two or more), or () if it is none."""
        n = len(word)
        if n < 2 * self.min_part or n > MAX_WORD or not word.isalpha():
            return ()
        # best[i]: the best split of word[:i] into modifiers, as
        # (number of parts, -length of the shortest part, parts).
        best: list[tuple[int, int, tuple[_Part, ...]] | None] = [None] * (n + 1)
        best[0] = (0, -n, ())
        for end in range(self.min_part, n - self.min_part + 1):
            for start in range(0, end - self.min_part + 1):
                before = best[start]
                if before is None:
                    continue
                part = self._modifier_at(word, start, end)
                if part is None or (start and self._refused(word, start)):
                    continue
                candidate = (before[0] + 1, max(before[1], start - end), (*before[2], part))
                current = best[end]
                if current is None or candidate[:2] < current[:2]:
                    best[end] = candidate
        winner: tuple[int, int, tuple[_Part, ...]] | None = None
        for start in range(self.min_part, n - self.min_part + 1):
            before = best[start]
            if before is None or word[start:] not in self.heads or self._refused(word, start):
                continue
            head = _Part(start, n, word[start:])
            candidate = (before[0] + 1, max(before[1], start - n), (*before[2], head))
            if winner is None or candidate[:2] < winner[:2]:
                winner = candidate
        return winner[2] if winner else ()

    def _refused(self, word: str, boundary: int) -> bool:
        candidates = self._forbidden_at.get(word[boundary : boundary + 1], ())
        if "" in self._forbidden_at:
            candidates = (*candidates, *self._forbidden_at[""])
        return any(
            word.startswith(start, boundary) and word[:boundary].endswith(end)
            for end, start in candidates
        )

    def _inflects_a_simple_word(self, word: str) -> bool:
        """Whether the word is a known word plus -en, -n, -s or -e that does not split."""
        bases: list[str] = []
        if word.endswith("en"):
            base = word[:-2]
            bases.append(base)
            if len(base) > 2 and base[-1] == base[-2]:  # voorstellen -> voorstel
                bases.append(base[:-1])
            if len(base) > 3 and base[-2] in _VOWELS and base[-3] not in _VOWELS:
                bases.append(base[:-1] + base[-2:])  # afspraken -> afspraak
            if base[-1:] in ("z", "v"):  # adviezen -> advies, brieven -> brief
                bases.append(base[:-1] + ("s" if base[-1] == "z" else "f"))
        if word[-1:] in ("s", "e", "n"):
            bases.append(word[:-1])
        return any(
            base in self.heads or base in self.modifiers
            for base in bases
            if len(base) >= self.min_part and not self.split(base)
        )

    def _pieces(self, word: str) -> list[str]:
        """The parts of one split, and for three parts or more the runs of neighbours
        too (kinder|opvang|toeslag also gives "kinderopvang" and "opvangtoeslag")."""
        parts = self.split(word)
        found = [part.text for part in parts]
        for size in range(2, len(parts)):
            for first in range(len(parts) - size + 1):
                last = parts[first + size - 1]
                found.append(word[parts[first].start : last.end])
        return found

    def parts(self, word: str) -> tuple[str, ...]:
        """All parts of a folded word, nested splits included; () for a non-compound."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: list[str] = []
        level = [] if self._inflects_a_simple_word(word) else [word]
        for _ in range(MAX_DEPTH):
            following: list[str] = []
            for piece in level:
                for part in self._pieces(piece):
                    if part != word and part not in found:
                        found.append(part)
                        following.append(part)
            level = following
        result = tuple(found)
        if len(self._cache) < 200_000:
            self._cache[word] = result
        return result


def read_parts_file(path: Path) -> CompoundSplitter:
    """A splitter from a parts file: one form a line, a tab, and its roles.

    Roles: "m" may begin or continue a compound, "s" may do so with a linking "s",
    "h" may end one. A line "!end<TAB>start" is a forbidden boundary.
    """
    modifiers: list[str] = []
    heads: list[str] = []
    linked: list[str] = []
    forbidden: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            form, _, roles = line.rstrip("\n").partition("\t")
            if form.startswith("!"):
                forbidden.append((form[1:], roles))
                continue
            if "m" in roles:
                modifiers.append(form)
            if "s" in roles:
                linked.append(form)
            if "h" in roles:
                heads.append(form)
    return CompoundSplitter(modifiers=modifiers, heads=heads, linked=linked, forbidden=forbidden)


@lru_cache(maxsize=1)
def default_splitter() -> CompoundSplitter:
    """The splitter over the shipped word list (loaded once: about 0.2 s, 9 MB)."""
    return read_parts_file(PARTS_FILE)


def compound_parts(word: str) -> list[str]:
    """The parts of a Dutch compound, folded; empty for a word that is not one.

    "Coronamaatregelen" -> ["corona", "maatregelen"]; "kabinetsbesluit" ->
    ["kabinet", "besluit"]; "thuiswerkadvies" -> ["thuiswerk", "advies", "thuis",
    "werk"]; "verslag" -> []. Index `stem()` of each part beside the whole word.
    """
    return list(default_splitter().parts(fold(word)))


def part_terms(text: str) -> list[str]:
    """The index terms of the compound parts of a text's words, word by word.

    For a "parts" field beside the whole words: "De thuiswerkvergoeding" ->
    ["thuiswerk", "vergoed", "thuis", "werk"]. A part whose stem is the word's own
    stem is left out (it is in the whole-word field already).
    """
    found: list[str] = []
    for word in words(text):
        own = stem(word.text)
        seen = {own}
        for part in compound_parts(word.text):
            term = stem(part)
            if term not in seen:
                seen.add(term)
                found.append(term)
    return found
