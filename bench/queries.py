"""The fixed query set of the search benchmark.

Word frequencies are those of the seeded corpus (bench/build_corpus.py, default
seed); "share" is the part of all agenda items that match, the same at every size.
The rare words are compounds from the generator's long tail, the medium ones are
subjects of their time (1997–2000 for the millennium problem), the common ones are
the samples' own commonest words.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Query:
    name: str
    category: str  # rare, medium, common, phrase, exclusion, or, filter, sort, typo
    q: str
    filters: dict[str, str | list[str]] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, str | list[str]]:
        return {"q": self.q, **self.filters}


QUERIES: tuple[Query, ...] = (
    # Rare: a handful of items even at 100,000 meetings.
    Query("rare-compound-1", "rare", "klimaatveiligheidsstrategie"),
    Query("rare-compound-2", "rare", "energiebeleidsplan"),
    Query("rare-compound-3", "rare", "klimaatbeleid"),
    # Medium: a subject of its time, or a theme (0.2–2 % of items).
    Query("medium-era", "medium", "millenniumprobleem"),
    Query("medium-vogelgriep", "medium", "vogelgriep"),
    Query("medium-formatie", "medium", "kabinetsformatie"),
    Query("medium-accent", "medium", "oekraine"),  # stored as "Oekraïne"
    Query("medium-theme", "medium", "informatiehuishouding"),
    # Common: the corpus's commonest words (15–40 % of all items).
    Query("common-sgo", "common", "sgo"),
    Query("common-besproken", "common", "besproken"),
    Query("common-medewerkers", "common", "medewerkers"),
    Query("common-departementen", "common", "departementen"),
    Query("common-redaction-code", "common", "5.1.2e"),
    Query("common-two-words", "common", "sgo medewerkers"),
    # Phrases: positions are checked on the heap rows (GIN cannot).
    Query("phrase-tweede-kamer", "phrase", '"tweede kamer"'),
    Query("phrase-raad-van-state", "phrase", '"raad van state"'),
    Query("phrase-common", "phrase", '"hybride werken"'),
    # Exclusion and or.
    Query("exclude-rare", "exclusion", "corona -vaccinatie"),
    Query("exclude-common", "exclusion", "sgo -verslag"),
    Query("or", "or", "woo or wob"),
    # With filters, as the facet links and the filter form make them.
    Query("filter-year", "filter", "corona", {"jaar": "2020"}),
    Query("filter-ministry", "filter", "thuiswerken", {"ministerie": ["bzk"]}),
    Query("filter-topic", "filter", "kabinet", {"onderwerp": ["covid-19"]}),
    Query("filter-decision", "filter", "voorstel", {"besluit": "true"}),
    Query("filter-period", "filter", "begroting", {"van": "2000-01-01", "tot": "2009-12-31"}),
    Query("filter-common", "filter", "sgo", {"jaar": "2020", "ministerie": ["fin"]}),
    # Sorted by date instead of rank.
    Query("sort-newest-common", "sort", "medewerkers", {"sorteer": "nieuw"}),
    # A typo: no hits, so the view looks for a "Bedoelde u" suggestion.
    Query("typo-suggestion", "typo", "thuiswerkne"),
)
