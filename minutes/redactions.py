"""Redaction codes: the Woo (and older Wob) grounds on which text was withheld.

The archive shows each code as released and names its ground; it never guesses what
was behind it.
"""

import re
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from minutes.parsing.text import REDACTION_RE

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
    # Wet openbaarheid van bestuur (Wob), the Woo's predecessor
    "10.1.c": gettext_lazy("vertrouwelijk meegedeelde bedrijfs- en fabricagegegevens (Wob)"),
    "10.2.a": gettext_lazy("betrekkingen met andere staten (Wob)"),
    "10.2.b": gettext_lazy("economische of financiële belangen van de Staat (Wob)"),
    "10.2.c": gettext_lazy("opsporing en vervolging van strafbare feiten (Wob)"),
    "10.2.d": gettext_lazy("inspectie, controle en toezicht (Wob)"),
    "10.2.e": gettext_lazy("eerbiediging van de persoonlijke levenssfeer (Wob)"),
    "10.2.g": gettext_lazy("voorkomen van onevenredige bevoordeling of benadeling (Wob)"),
    "11.1": gettext_lazy("persoonlijke beleidsopvattingen (Wob)"),
}


# A code of no ground listed here (as released, never guessed at).
UNKNOWN_GROUND = gettext_lazy("weigeringsgrond volgens de Woo")


def ground(code: str) -> str:
    """The ground for a code as released ("5.1.2e", "5.1.2.e", "10.2e" …), in the
    active language."""
    key = re.sub(r"\.?([a-i])$", r"\1", code)  # 5.1.2.e -> 5.1.2e
    if key in GROUNDS:
        return str(GROUNDS[key])
    wob = re.sub(r"^(10\.[12])\.?([a-g])$", r"\1.\2", code)
    return str(GROUNDS.get(wob, UNKNOWN_GROUND))


def legend(texts: Iterable[str]) -> list[tuple[str, str]]:
    """The codes in `texts` as released, each once in order of appearance, with its ground."""
    codes = dict.fromkeys(code for text in texts if text for code in REDACTION_RE.findall(text))
    return [(code, ground(code)) for code in codes]
