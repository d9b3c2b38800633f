"""Redaction codes: the Woo (and older Wob) grounds on which text was withheld.

The archive shows each code as released and names its ground; it never guesses what
was behind it. A passage that is nothing but a withheld marker ("buiten verzoek", an
agenda item titled "5.1.2i") is not text: `withheld` says which it is, and every
surface (pages, lists, feeds, exports, search) shows its `marker` instead.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from minutes.parsing.redactions import OUTSIDE_REQUEST, law, normalise
from minutes.parsing.text import REDACTION_RE, WITHHELD_RE, withheld_parts

# Each ground as the law names it, in the page's language (English: as the English
# translations of the Woo and Wob name them).
GROUNDS: dict[str, Promise] = {
    # Wet open overheid (Woo), artikel 5.1 en 5.2
    "5.1.1a": gettext_lazy("eenheid van de Kroon"),
    "5.1.1b": gettext_lazy("veiligheid van de Staat"),
    "5.1.1c": gettext_lazy("vertrouwelijk meegedeelde bedrijfs- en fabricagegegevens"),
    "5.1.1d": gettext_lazy("bijzondere persoonsgegevens"),
    "5.1.1e": gettext_lazy("identificatienummers"),
    "5.1.2a": gettext_lazy("betrekkingen met andere staten en internationale organisaties"),
    "5.1.2b": gettext_lazy("economische of financiële belangen van de Staat"),
    "5.1.2c": gettext_lazy("opsporing en vervolging van strafbare feiten"),
    "5.1.2d": gettext_lazy("inspectie, controle en toezicht door bestuursorganen"),
    "5.1.2e": gettext_lazy("eerbiediging van de persoonlijke levenssfeer"),
    "5.1.2f": gettext_lazy("concurrentiegevoelige bedrijfs- en fabricagegegevens"),
    "5.1.2g": gettext_lazy("bescherming van het milieu"),
    "5.1.2h": gettext_lazy("beveiliging van personen en bedrijven"),
    "5.1.2i": gettext_lazy("het goed functioneren van de Staat"),
    "5.1.5": gettext_lazy("onevenredige benadeling"),
    "5.2.1": gettext_lazy("persoonlijke beleidsopvattingen"),
    # Wet openbaarheid van bestuur (Wob), the Woo's predecessor, artikel 10 en 11
    "10.1.a": gettext_lazy("eenheid van de Kroon (Wob)"),
    "10.1.b": gettext_lazy("veiligheid van de Staat (Wob)"),
    "10.1.c": gettext_lazy("vertrouwelijk meegedeelde bedrijfs- en fabricagegegevens (Wob)"),
    "10.1.d": gettext_lazy("bijzondere persoonsgegevens (Wob)"),
    "10.2.a": gettext_lazy("betrekkingen met andere staten (Wob)"),
    "10.2.b": gettext_lazy("economische of financiële belangen van de Staat (Wob)"),
    "10.2.c": gettext_lazy("opsporing en vervolging van strafbare feiten (Wob)"),
    "10.2.d": gettext_lazy("inspectie, controle en toezicht (Wob)"),
    "10.2.e": gettext_lazy("eerbiediging van de persoonlijke levenssfeer (Wob)"),
    "10.2.f": gettext_lazy(
        "het belang dat de geadresseerde erbij heeft als eerste kennis te nemen van de informatie "
        "(Wob)"
    ),
    "10.2.g": gettext_lazy("voorkomen van onevenredige bevoordeling of benadeling (Wob)"),
    "11.1": gettext_lazy("persoonlijke beleidsopvattingen (Wob)"),
}


# A code of no ground listed here (as released, never guessed at).
UNKNOWN_GROUND = gettext_lazy("weigeringsgrond volgens de Woo")


def ground(code: str) -> str:
    """The ground for a code as released ("5.1.2e", "5.1.2.e", "10.2e" …), in the
    active language."""
    return str(GROUNDS.get(normalise(code), UNKNOWN_GROUND))


# A passage outside the request: what the `grond` filter and the counts call it.
OUTSIDE_LABEL = gettext_lazy("buiten het verzoek")
OUTSIDE_MEANING = gettext_lazy("niet openbaar gemaakt: valt buiten het verzoek om informatie")


def ground_label(key: str) -> str:
    """A ground key as a reader sees it: the code ("5.1.2e"), or "buiten verzoek"."""
    return str(OUTSIDE_LABEL) if key == OUTSIDE_REQUEST else key


def ground_meaning(key: str) -> str:
    """What a ground key means, in the active language."""
    if key == OUTSIDE_REQUEST:
        return str(OUTSIDE_MEANING)
    return str(GROUNDS.get(key, UNKNOWN_GROUND))


def ground_choices() -> list[tuple[str, str | Promise]]:
    """The `grond` filter's values: every ground of the table, then "buiten verzoek"
    (its label translated when shown)."""
    return [(key, key) for key in GROUNDS] + [(OUTSIDE_REQUEST, OUTSIDE_LABEL)]


def ground_order(key: str) -> tuple:
    """Sort key: the table's order (Woo, then Wob), unknown codes after, then "buiten
    verzoek" last."""
    keys = list(GROUNDS)
    if key in GROUNDS:
        return (0, keys.index(key), key)
    return (1 if key != OUTSIDE_REQUEST else 2, 0, key)


def ground_rows(counts: dict[str, int], *, every: bool = False) -> list[dict]:
    """[{"key", "label", "law", "meaning", "n"}] in the table's order: the grounds
    counted (`every`: every ground of the table too, with 0)."""
    keys = set(counts) | (set(GROUNDS) | {OUTSIDE_REQUEST} if every else set())
    return [
        {
            "key": key,
            "label": ground_label(key),
            "law": law(key).value,
            "meaning": ground_meaning(key),
            "n": counts.get(key, 0),
        }
        for key in sorted(keys, key=ground_order)
    ]


def legend(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The codes in `texts` as released, each once in order of appearance, with its ground."""
    codes = dict.fromkeys(code for text in texts if text for code in REDACTION_RE.findall(text))
    return [(code, ground(code)) for code in codes]


@dataclass(frozen=True)
class Withheld:
    """A passage the release withheld: "buiten (het) verzoek" and/or Woo (Wob) codes.

    `codes` are the codes as released, in order of appearance, each once. A passage
    outside the request may carry codes too ("10.2.e - buiten verzoek": a redacted name
    and then nothing): it is outside the request, and keeps its codes.
    """

    outside_request: bool
    codes: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        """ "buiten verzoek", or the codes as released ("5.1.2i"), for exports."""
        return "buiten verzoek" if self.outside_request else " ".join(self.codes)

    def marker(self, *, item: bool = False) -> str:
        """The words a reader sees (and hears) instead of the passage.

        `item`: the passage is an agenda item's whole title, so the Woo kind says the
        agenda item was withheld ("Agendapunt weggelakt, Woo-grond 5.1.2i: …").
        """
        if self.outside_request:
            text = gettext("Niet openbaar: buiten het verzoek")
            if self.codes:
                text = f"{text} ({', '.join(self.codes)})"
            return text
        if len(self.codes) == 1:
            values = {"code": self.codes[0], "ground": ground(self.codes[0])}
            if item:
                return gettext("Agendapunt weggelakt, Woo-grond %(code)s: %(ground)s") % values
            return gettext("Weggelakt, Woo-grond %(code)s: %(ground)s") % values
        grounds = "; ".join(f"{code}: {ground(code)}" for code in self.codes)
        if item:
            return gettext("Agendapunt weggelakt, Woo-gronden %(grounds)s") % {"grounds": grounds}
        return gettext("Weggelakt, Woo-gronden %(grounds)s") % {"grounds": grounds}


def withheld(text: str) -> Withheld | None:
    """The withheld passage `text` is, or None when it is (also) text.

    A title, body, paragraph or list entry is withheld when nothing but "buiten (het)
    verzoek" (any case, any spacing) and Woo or Wob codes stand in it, with bullets,
    bold marks, dashes and punctuation around them: "buiten verzoek", "- Buiten het
    verzoek.", "5.1.2i", "5.1.2.i", "10.2.e - buiten verzoek". A sentence that merely
    contains the words ("Dit valt buiten verzoek van de Kamer") is text. Pure: nothing
    is guessed or rebuilt; the codes are kept as released.
    """
    found = withheld_parts(text)
    if found is None:
        return None
    return Withheld(outside_request=found[0], codes=found[1])


def withheld_kind(title: str) -> str | None:
    """What the release withheld of a title, as exports and the API name it ("buiten
    verzoek", or the codes as released), or None for a title of its own."""
    found = withheld(title)
    return found.kind if found else None


def shown_title(title: str) -> str:
    """An agenda item's title as plain text shows it: the marker for a withheld one."""
    found = withheld(title)
    return found.marker(item=True) if found else title


def without_withheld(text: str) -> str:
    """`text` with its withheld lines (a bullet "- buiten verzoek", a bare "5.1.2i")
    reduced to their codes: what search indexes and excerpts, so a query for "verzoek"
    never finds a marker's words while a query for "5.1.2i" still finds its item."""
    if not text:
        return text
    if not WITHHELD_RE.search(text) and not REDACTION_RE.search(text):
        return text
    if whole := withheld(text):
        return " ".join(whole.codes)
    return "\n".join(
        " ".join(found.codes) if (found := withheld(line)) else line for line in text.split("\n")
    )


# A list bullet or dash at a line's start, kept in front of a withheld line's marker.
_BULLET_RE = re.compile(r"^\s*[-–•*]\s*")


def marked_text(text: str) -> str:
    """Plain text (a feed's description) with each withheld line as its marker in square
    brackets, an editor's note: "- [Niet openbaar: buiten het verzoek]". The bullet in
    front of a withheld line stays; every other line is left as it is."""
    if not text:
        return text
    lines = []
    for line in text.split("\n"):
        found = withheld(line)
        if found:
            bullet = _BULLET_RE.match(line)
            line = f"{bullet.group(0) if bullet else ''}[{found.marker()}]"
        lines.append(line)
    return "\n".join(lines)


def ground_facet(counts: dict[str, int]) -> list[dict]:
    """A facet's rows ({"value", "label", "n"}) for the `grond` filter, in the table's order."""
    return [
        {"value": row["key"], "label": row["label"], "n": row["n"]}
        for row in ground_rows(counts)
        if row["n"]
    ]
