"""Redaction codes: the Woo (and older Wob) grounds on which text was withheld.

The archive shows each code as released and names its ground; it never guesses what
was behind it.
"""

import re
from collections.abc import Iterable

from minutes.parsing.text import REDACTION_RE

GROUNDS: dict[str, str] = {
    # Wet open overheid (Woo), artikel 5.1 en 5.2
    "5.1.1a": "eenheid van de Kroon",
    "5.1.1b": "veiligheid van de Staat",
    "5.1.1c": "vertrouwelijk meegedeelde bedrijfs- en fabricagegegevens",
    "5.1.1d": "bijzondere persoonsgegevens",
    "5.1.1e": "identificatienummers",
    "5.1.2a": "betrekkingen met andere staten en internationale organisaties",
    "5.1.2b": "economische of financiële belangen van de Staat",
    "5.1.2c": "opsporing en vervolging van strafbare feiten",
    "5.1.2d": "inspectie, controle en toezicht door bestuursorganen",
    "5.1.2e": "eerbiediging van de persoonlijke levenssfeer",
    "5.1.2f": "concurrentiegevoelige bedrijfs- en fabricagegegevens",
    "5.1.2g": "bescherming van het milieu",
    "5.1.2h": "beveiliging van personen en bedrijven",
    "5.1.2i": "het goed functioneren van de Staat",
    "5.1.5": "onevenredige benadeling",
    "5.2.1": "persoonlijke beleidsopvattingen",
    # Wet openbaarheid van bestuur (Wob), the Woo's predecessor
    "10.1.c": "vertrouwelijk meegedeelde bedrijfs- en fabricagegegevens (Wob)",
    "10.2.a": "betrekkingen met andere staten (Wob)",
    "10.2.b": "economische of financiële belangen van de Staat (Wob)",
    "10.2.c": "opsporing en vervolging van strafbare feiten (Wob)",
    "10.2.d": "inspectie, controle en toezicht (Wob)",
    "10.2.e": "eerbiediging van de persoonlijke levenssfeer (Wob)",
    "10.2.g": "voorkomen van onevenredige bevoordeling of benadeling (Wob)",
    "11.1": "persoonlijke beleidsopvattingen (Wob)",
}


def ground(code: str) -> str:
    """The ground for a code as released ("5.1.2e", "5.1.2.e", "10.2e" …)."""
    key = re.sub(r"\.?([a-i])$", r"\1", code)  # 5.1.2.e -> 5.1.2e
    if key in GROUNDS:
        return GROUNDS[key]
    wob = re.sub(r"^(10\.[12])\.?([a-g])$", r"\1.\2", code)
    return GROUNDS.get(wob, "weigeringsgrond volgens de Woo")


def legend(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The codes in `texts` as released, each once in order of appearance, with its ground."""
    codes = dict.fromkeys(code for text in texts if text for code in REDACTION_RE.findall(text))
    return [(code, ground(code)) for code in codes]
