"""Build a synthetic but realistic SGO archive in a benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sgo_bench_10k \\
        .venv/bin/python -m bench.build_corpus --meetings 10000

Everything is generated from the two minutes in sample_data/, parsed with the app's
own parser: the agenda's shape (opening, verslag, one or two items, inserted items,
interdepartementale afstemming with its sub-items, rondvraag per ministry), the
sentences (re-used with their content words partly swapped), the decisions, the
ministries and the redaction codes. Content words are drawn from a Zipf-like
distribution over the samples' own words (the head, so "common" words really are
common) followed by a long tail of Dutch compounds built from policy morphemes, so
rare words really are rare. Meetings are spread weekly over 1990–2025 (several per
week at these sizes: slugs get -2, -3 …), and dated subjects (the euro, Brexit,
corona, Oekraïne …) appear only in their years. The seed fixes everything.

Rows are written with COPY in batches, topics are tagged with the app's `tag_topics`,
and the Tantivy search index (which holds the "Bedoelde u" vocabulary too) is
built with `minutes.search.index.rebuild` into bench/results/index-<database>/ (timed,
size printed). `--verify N` parses the first N generated texts with the real parser
and compares the result with the generated rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import math
import queue
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    ROOT,
    corpus_size,
    database_name,
    database_url,
    maintenance_url,
    search_index_size,
    setup_django,
)

SAMPLES = ROOT / "sample_data"
STOPWORDS_FILE = Path("/usr/share/postgresql/15/tsearch_data/dutch.stop")
DEFAULT_SEED = 20250101
FIRST_WEEK = dt.date(1990, 1, 1)  # a Monday
LAST_WEEK = dt.date(2025, 12, 29)
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip
ZIPF_EXPONENT = 1.05
ZIPF_OFFSET = 2.7
TAIL_SIZE = 30_000  # compounds after the samples' own words
REPLACE_SHARE = 0.3  # of a re-used sentence's content words, swapped for Zipf draws

# Word parts of Dutch policy compounds, for the long tail of the vocabulary.
FIRST_PARTS = (
    "rijks", "beleids", "informatie", "veiligheids", "crisis", "personeels", "begrotings",
    "uitvoerings", "toezicht", "werkgevers", "organisatie", "klimaat", "energie", "zorg",
    "onderwijs", "arbeids", "migratie", "asiel", "justitie", "defensie", "landbouw", "water",
    "woning", "belasting", "pensioen", "digitaliserings", "privacy", "integriteits",
    "communicatie", "huisvestings", "inkoop", "subsidie", "wetgevings", "kabinets",
    "departements", "coalitie", "europa", "handels", "infrastructuur", "stikstof", "jeugd",
    "cyber", "grens", "verkiezings", "ambtenaren", "regio", "gemeente", "provincie",
)  # fmt: skip
HEADS = (
    "beleid", "agenda", "plan", "programma", "overleg", "notitie", "brief", "advies", "aanpak",
    "traject", "rapport", "strategie", "opgave", "capaciteit", "kader", "dienst", "huishouding",
    "cijfers", "verkenning", "evaluatie", "wet", "regeling", "akkoord", "fonds", "budget",
    "raad", "commissie", "netwerk", "monitor", "protocol", "procedure", "team", "taskforce",
    "visie", "nota", "analyse", "doelen", "middelen", "norm", "register", "stelsel", "systeem",
    "keten", "model", "beraad", "convenant", "paragraaf", "reserve", "voorziening", "toets",
)  # fmt: skip

# Subjects of their time: (title, words used in the text, years, weight). Words from
# the samples that belong to 2020–2021 (corona, the POK) are swapped for these.
ERAS = (
    ("het millenniumprobleem", ("millenniumprobleem", "millenniumbestendigheid"),
     range(1997, 2001), 0.10),
    ("de invoering van de euro", ("euro-invoering", "eurobiljetten", "omwisseling"),
     range(1998, 2003), 0.10),
    ("het NIOD-rapport over Srebrenica", ("Srebrenica", "NIOD-rapport"),
     range(1996, 2003), 0.05),
    ("de vuurwerkramp in Enschede", ("vuurwerkramp", "Enschede"), range(2000, 2002), 0.06),
    ("de vogelgriep", ("vogelgriep", "ophokplicht"), (2003, 2005, 2006), 0.05),
    ("de kredietcrisis", ("kredietcrisis", "bankencrisis", "kapitaalinjectie"),
     range(2008, 2011), 0.12),
    ("de Q-koorts", ("Q-koorts", "geitenhouderijen"), range(2009, 2011), 0.03),
    ("de compacte rijksdienst", ("compacte rijksdienst", "vernieuwing rijksdienst"),
     range(2007, 2014), 0.08),
    ("de ramp met de MH17", ("MH17", "vliegramp", "repatriëring"), range(2014, 2017), 0.05),
    ("de opvang van vluchtelingen", ("vluchtelingenopvang", "asielinstroom", "noodopvang"),
     range(2015, 2017), 0.10),
    ("de gevolgen van de Brexit", ("Brexit", "no-deal", "terugtrekkingsakkoord"),
     range(2016, 2021), 0.08),
    ("de gaswinning in Groningen", ("gaswinning", "aardbevingen", "Groningen"),
     range(2017, 2024), 0.05),
    ("de stikstofproblematiek", ("stikstof", "PAS-uitspraak", "stikstofdepositie"),
     range(2019, 2024), 0.07),
    ("de coronacrisis", ("corona", "coronacrisis", "COVID-19", "besmettingscijfers",
                         "quarantaine", "vaccinatie"), range(2020, 2023), 0.30),
    ("de toeslagenaffaire", ("kinderopvangtoeslag", "toeslagenaffaire", "POK-rapport"),
     range(2019, 2023), 0.08),
    ("de oorlog in Oekraïne", ("Oekraïne", "Rusland", "sancties", "ontheemden"),
     range(2022, 2026), 0.15),
    ("de kabinetsformatie", ("kabinetsformatie", "demissionair", "informateur", "regeerakkoord"),
     (1994, 1998, 2002, 2003, 2006, 2007, 2010, 2012, 2017, 2021, 2022, 2023, 2024), 0.15),
    ("de Wet openbaarheid van bestuur", ("Wob", "Wob-verzoek", "openbaarmaking"),
     range(1992, 2022), 0.03),
    ("de Wet open overheid", ("Woo", "Woo-verzoek", "actieve openbaarmaking"),
     range(2022, 2026), 0.06),
)  # fmt: skip
ERA_PREFIXES = (
    "covid", "corona", "besmetting", "quarantaine", "inreisverbod", "kinderopvang", "pok"
)  # fmt: skip

GENERIC_SUBJECTS = (
    "Rijksdienst {next}",
    "het integraal afwegingskader voor beleid en regelgeving",
    "regels huisvesting",
    "de informatiehuishouding",
    "de departementale strategische agenda's",
    "de begroting {next}",
    "de Voorjaarsnota {year}",
    "de Miljoenennota {next}",
    "het jaarplan van het SGO",
    "de agenda van de ICBR",
    "integriteit in de rijksdienst",
    "de arbeidsmarkt voor de rijksoverheid",
    "de samenwerking met de Tweede Kamer",
    "de politiek-bestuurlijke verantwoordelijkheid",
    "het advies van de Raad van State",
)
TITLE_FORMS = (
    "Presentatie {s}",
    "Voortgang op {s}",
    "Stand van zaken {s}",
    "Bespreking van {s}",
    "Notitie over {s}",
    "Kabinetsreactie op {s}",
    "Evaluatie van {s}",
    "{S}",
)
# Decisions the samples lack a kind of; each is checked with the parser at start-up.
EXTRA_DECISIONS = {
    "decided": (
        "Het SGO besluit de notitie met enkele aanpassingen aan de ministerraad voor te leggen.",
        "Het SGO besluit het voorstel over te nemen en de uitwerking bij {M} te beleggen.",
    ),
    "consented": ("Het SGO stemt in met het voorstel.",),
    "agreed": ("Afgesproken wordt dat SG {M} het voortouw neemt.",),
}
ADOPTED = (
    ("Het verslag is vastgesteld.",),
    ("Het verslag wordt ongewijzigd vastgesteld.",),
    (
        "Conform bespreking in het SGO wordt het verslag aangepast op verzoek van SG {M}.",
        "Met inachtneming van besproken wijziging wordt het verslag vastgesteld.",
    ),
)
PLACES = (("Trêveszaal", 0.85), ("Catshuis", 0.05), ("Ministerie van Algemene Zaken", 0.10))
# How often each ministry is named; AZ chairs, BZK and FIN take part in most subjects.
# The ministries the generated minutes name, as the minutes of 2018–2023 write them, with
# the abbreviations written for three of them in 2010–2017. The import resolves each name
# on the meeting's date (minutes/ministries.py); so does `to_rows`.
GENERATED_MINISTRIES = (
    "AZ", "BZ", "BZK", "DEF", "EZK", "FIN", "IenW", "JenV", "LNV", "OCW", "SZW", "VWS",
)  # fmt: skip
FORMER_SPELLINGS = {"EZK": "EZ", "IenW": "IenM", "JenV": "VenJ"}  # 2010–2017

MINISTRY_WEIGHTS = {
    "AZ": 3, "BZ": 1.5, "BZK": 3, "DEF": 1, "EZK": 1.5, "FIN": 2.5, "IenW": 1,
    "JenV": 2, "LNV": 1, "OCW": 1, "SZW": 1.5, "VWS": 1.5,
}  # fmt: skip

DECISION_WORDS_RE = re.compile(
    r"besl[uo]|ingestemd|instem|afgesproken|akkoord|vastgesteld|^stem|^spre[ek]k|bevestig"
    r"|onderschrijf|overeen|kennis|^vast$|^gaat$|^gaan$"
)
TOKEN_RE = re.compile(r"[\w&'’-]+|[^\w&'’-]+")
YEAR_RE = re.compile(r"(?:19|20)\d\d")


def dutch_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    value = str(value)
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def copy_line(*values) -> str:
    return "\t".join(copy_text(v) for v in values) + "\n"


# ---------------------------------------------------------------------- the samples


@dataclass
class Template:
    """A sample sentence, tokenised, with the places that may change."""

    tokens: list[str]
    content: list[int]  # content words, swapped with REPLACE_SHARE
    ministries: list[int]
    years: list[int]
    eras: list[int]
    first_word: int


@dataclass
class Samples:
    prose: list[Template]
    intros: list[Template]  # "… onder meer dat:" before a list
    bullets: list[Template]  # rondvraag lines: "Meldt dat …", "Staat stil bij …"
    openings: list[Template]  # mededelingen
    decisions: dict[str, list[Template]]
    vocabulary: list[str]  # head: the samples' content words, commonest first
    stats: dict = field(default_factory=dict)


class Tokeniser:
    def __init__(self, ministry_tokens: dict[str, str], stopwords: set[str]):
        self.ministry_tokens = ministry_tokens
        self.stopwords = stopwords

    def is_content(self, token: str, sentence_start: bool) -> bool:
        word = token.replace("-", "")
        if len(token) < 4 or not word.isalpha() or token.lower() in self.stopwords:
            return False
        # Names and abbreviations (Tweede Kamer, ICBR, Rijksdienst) stay as they are.
        return token[0].islower() or (sentence_start and token[1:].islower())

    def template(self, sentence: str) -> Template:
        tokens = TOKEN_RE.findall(sentence)
        content, ministries, years, eras = [], [], [], []
        first_word = -1
        for index, token in enumerate(tokens):
            if not (token[0].isalnum() or token[0] in "&'’-"):
                continue
            if first_word < 0:
                first_word = index
            if token in self.ministry_tokens:
                ministries.append(index)
            elif YEAR_RE.fullmatch(token):
                years.append(index)
            elif token.lower().startswith(ERA_PREFIXES):
                eras.append(index)
            elif self.is_content(token, index == first_word):
                content.append(index)
        return Template(tokens, content, ministries, years, eras, first_word)


def load_samples() -> Samples:
    from minutes import parsing
    from minutes.ministries import default_alias_table
    from minutes.parsing.decisions import split_sentences
    from minutes.parsing.text import WITHHELD_RE

    aliases = default_alias_table()
    # Single-token spellings of a ministry (AZ, J&V, I&W, Fin …) are swapped in text.
    ministry_tokens = {
        text: abbr for text, abbr in aliases.items() if re.fullmatch(r"[A-Z][A-Za-z&]{1,5}", text)
    }
    stopwords = set()
    if STOPWORDS_FILE.exists():
        stopwords = {w.strip() for w in STOPWORDS_FILE.read_text().split() if w.strip()}
    tokeniser = Tokeniser(ministry_tokens, stopwords)

    prose, intros, bullets, openings = [], [], [], []
    decisions: dict[str, list[Template]] = {"decided": [], "consented": [], "agreed": []}
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    files = sorted(SAMPLES.glob("*.txt"))
    for path in files:
        parsed = parsing.parse_minutes(path.read_bytes(), aliases=aliases)
        for item in parsed.agenda_items:
            rondvraag = "rondvraag" in item.title.lower()
            verslag = item.title.lower().startswith("verslag")
            texts = [c.text for c in item.contributions] if rondvraag else [item.body]
            for text in texts:
                for sentence in split_sentences(text):
                    if len(sentence.split()) < 4 or WITHHELD_RE.search(sentence):
                        continue
                    template = tokeniser.template(sentence)
                    for index in template.content:
                        word = template.tokens[index].lower()
                        counts[word] = counts.get(word, 0) + 1
                        first_seen.setdefault(word, len(first_seen))
                    kind = parsing.classify_decision(sentence, item.title)
                    if verslag:
                        continue  # verslag decisions come from ADOPTED
                    if kind in decisions:
                        decisions[kind].append(template)
                    elif rondvraag:
                        bullets.append(template)
                    elif sentence.endswith(":"):
                        intros.append(template)
                    elif item.number == "1":
                        openings.append(template)
                    else:
                        prose.append(template)
    for kind, sentences in EXTRA_DECISIONS.items():
        for sentence in sentences:
            assert parsing.classify_decision(sentence.replace("{M}", "BZK"), "x") == kind, sentence
            decisions[kind].append(tokeniser.template(sentence))
    # Words that make a sentence a decision ("afgesproken", "stemt") are not swapped in,
    # so only the decision sentences are decisions, as the parser sees them.
    vocabulary = sorted(
        (w for w in counts if not DECISION_WORDS_RE.search(w)),
        key=lambda w: (-counts[w], first_seen[w]),
    )
    return Samples(
        prose=prose,
        intros=intros,
        bullets=bullets,
        openings=openings,
        decisions=decisions,
        vocabulary=vocabulary,
        stats={"sample_files": [p.name for p in files], "sample_content_words": len(counts)},
    )


def tail_vocabulary(rng: random.Random, head: list[str]) -> list[str]:
    """Dutch policy compounds: the two-part ones first, then some of three parts."""
    seen = set(head)
    two = [f + h for f in FIRST_PARTS for h in HEADS]
    three = [f + g + h for f in FIRST_PARTS for g in FIRST_PARTS if f != g for h in HEADS]
    rng.shuffle(two)
    three = rng.sample(three, TAIL_SIZE - len(two))
    return [w for w in two + three if not (w in seen or seen.add(w))]


# ------------------------------------------------------------------- the generator


@dataclass
class Item:
    id: int
    position: int
    number: str
    anchor: str
    title: str
    body: str
    parent_id: int | None
    mentioned: set[str]
    decisions: list[tuple[str, str]]  # (kind, text)
    speakers: list[tuple[str, str, str]]  # (abbr, label, text)


@dataclass
class GeneratedMeeting:
    id: int
    date: dt.date
    slug: str
    text: str
    fields: tuple
    items: list[Item]
    present: list[str]


class Generator:
    def __init__(self, seed: int, meetings: int):
        self.rng = random.Random(seed)
        self.meetings = meetings
        self.samples = load_samples()
        head = self.samples.vocabulary
        tail = tail_vocabulary(random.Random(seed + 1), head)
        self.vocabulary = head + tail
        self.compounds = tail
        weights = [
            1.0 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT
            for rank in range(1, len(self.vocabulary) + 1)
        ]
        self.cum_weights = list(itertools.accumulate(weights))
        self.tail_cum_weights = list(
            itertools.accumulate(1.0 / (r + ZIPF_OFFSET) for r in range(1, len(tail) + 1))
        )
        self.abbreviations = list(GENERATED_MINISTRIES)
        self.ministry_cum = list(
            itertools.accumulate(MINISTRY_WEIGHTS[a] for a in self.abbreviations)
        )
        # The spelling of a ministry in a given year (IenM, VenJ and EZ in 2010–2017).
        self.year_spelling: dict[tuple[str, int], str] = {}
        for abbr in self.abbreviations:
            for year in range(FIRST_WEEK.year, LAST_WEEK.year + 2):
                former = abbr in FORMER_SPELLINGS and 2010 <= year <= 2017
                self.year_spelling[abbr, year] = FORMER_SPELLINGS[abbr] if former else abbr
        self.label_spellings = {
            abbr: [t for t in (abbr, abbr.replace("en", "&")) if re.fullmatch(r"[A-Za-z&]+", t)]
            for abbr in self.abbreviations
        }
        self.weeks = (LAST_WEEK - FIRST_WEEK).days // 7 + 1
        self.slugs: dict[str, int] = {}
        self.item_id = 0
        self.era_cache: dict[int, list[tuple]] = {}
        from minutes.parsing import classify_decision

        self.classify = classify_decision

    # -- words ---------------------------------------------------------------

    def ministry(self) -> str:
        return self.rng.choices(self.abbreviations, cum_weights=self.ministry_cum)[0]

    def eras(self, year: int) -> list[tuple]:
        if year not in self.era_cache:
            self.era_cache[year] = [era for era in ERAS if year in era[2]]
        return self.era_cache[year]

    def render(
        self, template: Template, year: int, topic: tuple[str, ...], found: set[str], swap=True
    ) -> str:
        rng = self.rng
        tokens = template.tokens.copy()
        swap = [i for i in template.content if rng.random() < REPLACE_SHARE] if swap else []
        if swap:
            words = rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=len(swap))
            for index, word in zip(swap, words, strict=True):
                tokens[index] = word.capitalize() if index == template.first_word else word
        if topic and template.content and rng.random() < 0.35:
            index = rng.choice(template.content)
            word = rng.choice(topic)
            tokens[index] = word[0].upper() + word[1:] if index == template.first_word else word
        for index in template.ministries:
            abbr = self.ministry()
            found.add(abbr)
            tokens[index] = self.year_spelling[abbr, year]
        for index in template.years:
            tokens[index] = str(min(max(int(tokens[index]) + year - 2021, 1980), 2030))
        if template.eras:
            active = self.eras(year)
            for index in template.eras:
                if active:
                    tokens[index] = rng.choice(rng.choice(active)[1])
                else:
                    tokens[index] = rng.choices(self.vocabulary, cum_weights=self.cum_weights)[0]
        return "".join(tokens)

    def sentences(self, pool, n, year, topic, found) -> list[str]:
        return [self.render(self.rng.choice(pool), year, topic, found) for _ in range(n)]

    def subject(self, year: int) -> tuple[str, tuple[str, ...]]:
        """A title subject and the words that go with it in the text."""
        rng = self.rng
        active = self.eras(year)
        for era in active:
            if rng.random() < era[3]:
                return era[0], era[1]
        if rng.random() < 0.5:
            form = rng.choice(GENERIC_SUBJECTS)
            text = form.format(year=year, next=year + 1)
            words = tuple(w for w in re.findall(r"\w+", text) if len(w) > 6)
            return text, words
        word = rng.choices(self.compounds, cum_weights=self.tail_cum_weights)[0]
        return f"het {word}", (word,)

    # -- a meeting -------------------------------------------------------------

    def meeting(self, index: int) -> GeneratedMeeting:
        rng = self.rng
        week = FIRST_WEEK + dt.timedelta(weeks=index * self.weeks // self.meetings)
        day = week + dt.timedelta(days=rng.choices((0, 1, 2, 3), weights=(1, 5, 3, 1))[0])
        year = day.year
        base = day.isoformat()
        n = self.slugs.get(base, 0) + 1
        self.slugs[base] = n
        slug = base if n == 1 else f"{base}-{n}"
        meeting_id = index + 1

        items: list[Item] = []
        position = 0

        def add(number, title, body, found, decisions=(), speakers=(), parent=None, anchor=None):
            nonlocal position
            self.item_id += 1
            item = Item(
                id=self.item_id,
                position=position,
                number=number,
                anchor=anchor or f"punt-{number}",
                title=title,
                body=body,
                parent_id=parent,
                mentioned=found,
                decisions=list(decisions),
                speakers=list(speakers),
            )
            position += 1
            items.append(item)
            return item

        blocks: list[str] = []
        number = 0

        # 1. Opening en mededelingen: a few announcements, as bullets or prose.
        number += 1
        found: set[str] = set()
        lines = self.sentences(
            self.samples.openings + self.samples.prose, 1 + _geo(rng, 0.45), year, (), found
        )
        body = "\n".join(f"- {s}" for s in lines) if rng.random() < 0.6 else " ".join(lines)
        add(str(number), "Opening en mededelingen", body, found)
        blocks.append(f"{number}. Opening en mededelingen\n\n{body}")

        # Ingelast agendapunt, now and then.
        if rng.random() < 0.15:
            title, topic = self.subject(year)
            title = "stand van zaken " + title.split(" ", 1)[-1] if rng.random() < 0.5 else title
            found = set()
            body, decisions = self.substance(year, topic, found, short=True)
            add("ingelast", title, body, found, decisions)
            blocks.append(f"Ingelast agendapunt: {title}\n\n{body}")

        # 2. Verslag SGO of the previous week.
        number += 1
        found = set()
        previous = day - dt.timedelta(days=7)
        title = f"Verslag SGO {dutch_date(previous)}"
        lines = [self._fill(s, year, found) for s in rng.choice(ADOPTED)]
        body = " ".join(lines)
        add(str(number), title, body, found, [("adopted", lines[-1])])
        blocks.append(f"{number}. {title}\n\n{body}")

        # One or two items of substance.
        for _ in range(1 if rng.random() < 0.75 else 2):
            number += 1
            subject, topic = self.subject(year)
            title = rng.choice(TITLE_FORMS).format(s=subject, S=subject[0].upper() + subject[1:])
            found = set()
            body, decisions = self.substance(year, topic, found)
            add(str(number), title, body, found, decisions)
            blocks.append(f"{number}. {title}\n\n{body}")

        # Interdepartementale afstemming, with the (R)MR and the voorportalen.
        number += 1
        found = set()
        body = "Besproken."
        if rng.random() < 0.3:
            body += "\n\n" + " ".join(self.sentences(self.samples.prose, 1, year, (), found))
        friday = day + dt.timedelta(days=(4 - day.weekday()) % 7)
        parent = add(str(number), "Interdepartementale afstemming", body, found)
        subs = (f"RMR en MR vrijdag {dutch_date(friday)}", "Voorportalen en Onderraden")
        for letter, sub in zip("ab", subs, strict=True):
            add(letter, sub, "", set(), parent=parent.id, anchor=f"punt-{number}{letter}")
        blocks.append(
            f"{number}. Interdepartementale afstemming\n\na. {subs[0]}\n\nb. {subs[1]}\n\n{body}"
        )

        # Rondvraag: some ministries, each with a line or two.
        number += 1
        found = set()
        speakers, parts, withheld = [], [], 0
        for abbr in self._some_ministries(1 + _geo(rng, 0.35)):
            found.add(abbr)
            label = rng.choice(self.label_spellings[abbr])
            label = self.year_spelling[abbr, year] if label == abbr else label
            label += ":" if rng.random() < 0.7 else ""
            lines = self.sentences(self.samples.bullets, 1 + _geo(rng, 0.5), year, (), found)
            if rng.random() < 0.05:
                lines.insert(0, "buiten verzoek")
                withheld += 1
            text = "\n".join(f"- {line}" for line in lines)
            speakers.append((abbr, label, text))
            parts.append(f"{label}\n\n{text}")
        body = "\n\n".join(parts)
        title = "Rondvraag, actualiteiten en sluiting"
        add(str(number), title, body, found, speakers=speakers)
        blocks.append(f"{number}. {title}\n\n{body}")

        # Who was there: usually every ministry, sometimes redacted as a whole.
        roll = rng.random()
        if roll < 0.1:
            present, attendees = [], "5.1.2e"
        else:
            present = (
                self.abbreviations if roll < 0.75 else self._some_ministries(8 + _geo(rng, 0.5))
            )
            present = sorted(present, key=self.abbreviations.index)
            shown = present.copy()
            rng.shuffle(shown)
            names = [
                f"5.1.2e ({self.year_spelling[a, year]}{', vz' if a == 'AZ' else ''})"
                for a in shown
            ]
            attendees = ", ".join(names) + ", 5.1.2e (secretaris)"

        start = dt.time(rng.choice((14, 15, 16)), rng.choice((0, 0, 30)))
        end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=90)).time()
        place = "Webex" if year in (2020, 2021) and rng.random() < 0.6 else _pick(rng, PLACES)
        reference = str(1_000_000 + index * 37 + rng.randrange(37))
        document_date = day + dt.timedelta(days=1)
        header = (
            "\n\n\n\nKabinet Minister-President\nMinisterie van Algemene Zaken\n\nverslag SGO\n\n"
            "Kabinet Minister-President\n\nBinnenhof 19\n2513 AA Den Haag\nPostbus 20001\n"
            "2500 EA Den Haag\nwww.rijksoverheid.nl\n\nContactpersoon\n\n5.1.2e\n\n"
            f"5.1.2e @minaz.nl\n\nDatum\n\n{dutch_date(document_date)}\n\n"
            f"Onze referentie\n\n{reference}\n\n"
            "Omschrijving\tSGO, verslag\n"
            f"Vergaderdatum en -tijd\t{dutch_date(day)}, {start:%H.%M} - {end:%H.%M} uur\n"
            f"Vergaderplaats\t{place}\nAanwezig\t{attendees}\nAfwezig\t\n\n"
        )
        text = header + "\n\n".join(blocks) + "\n"
        fields = (
            meeting_id,
            day.isoformat(),
            slug,
            start.isoformat(),
            end.isoformat(),
            place,
            reference,
            document_date.isoformat(),
            "SGO, verslag",
            attendees,
            "",
            "{5.1.2e}",
            withheld,
            "{}",
            f"sgo-{slug}.txt",
            hashlib.sha256(text.encode()).hexdigest(),
            "utf-8",
            text,
        )
        return GeneratedMeeting(meeting_id, day, slug, text, fields, items, present)

    def substance(self, year, topic, found, short=False) -> tuple[str, list[tuple[str, str]]]:
        """The body of an item of substance: paragraphs, sometimes a list, a decision."""
        rng = self.rng
        count = max(2, min(40, int(rng.lognormvariate(math.log(4 if short else 10), 0.6))))
        sentences = self.sentences(self.samples.prose, count, year, topic, found)
        paragraphs, i = [], 0
        while i < len(sentences):
            size = rng.randint(1, 4)
            paragraphs.append(" ".join(sentences[i : i + size]))
            i += size
        if not short and rng.random() < 0.3:
            intro = self.sentences(self.samples.intros, 1, year, topic, found)[0]
            points = self.sentences(self.samples.prose, rng.randint(2, 8), year, topic, found)
            paragraphs.insert(
                rng.randint(1, len(paragraphs)),
                intro + "\n\n" + "\n".join(f"- {p}" for p in points),
            )
        decisions = []
        if rng.random() < (0.2 if short else 0.45):
            kind = rng.choices(("consented", "agreed", "decided"), weights=(4, 4, 2))[0]
            template = rng.choice(self.samples.decisions[kind])
            named: set[str] = set()
            sentence = self._fill(self.render(template, year, (), named), year, named)
            if self.classify(sentence, "") != kind:
                # A swapped word broke the decision ("stemt in" lost its verb).
                named = set()
                sentence = self._fill(
                    self.render(template, year, (), named, swap=False), year, named
                )
            found |= named
            paragraphs.append(sentence)
            decisions.append((kind, sentence))
        return "\n\n".join(paragraphs), decisions

    def _fill(self, sentence: str, year: int, found: set[str]) -> str:
        """Put a ministry where a hand-written sentence says {M}."""
        if "{M}" not in sentence:
            return sentence
        abbr = self.ministry()
        found.add(abbr)
        return sentence.replace("{M}", self.year_spelling[abbr, year])

    def _some_ministries(self, n: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < min(n, len(self.abbreviations)):
            abbr = self.ministry()
            if abbr not in chosen:
                chosen.append(abbr)
        return chosen


def _geo(rng: random.Random, p: float) -> int:
    """0, 1, 2 … with P(k) = (1 - p) p^k."""
    k = 0
    while rng.random() < p:
        k += 1
    return k


def _pick(rng: random.Random, choices) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


# ------------------------------------------------------------------------ loading

TABLES = {
    "meeting": (
        "minutes_meeting",
        "id, date, slug, start_time, end_time, place, reference, document_date, description, "
        "attendees_text, absentees_text, redaction_codes, withheld_passages, parse_warnings, "
        "source_name, sha256, encoding, original_text, imported_at, received_at, series_id, "
        "text_origin, ocr_pages, release_url",
    ),
    "item": (
        "minutes_agendaitem",
        "id, meeting_id, parent_id, position, number, anchor, title, body",
    ),
    "decision": ("minutes_decision", "id, agenda_item_id, position, text, kind"),
    "mention": (
        "minutes_ministrymention",
        "id, ministry_id, meeting_id, agenda_item_id, role, label, text",
    ),
}


class Batch:
    def __init__(self):
        self.lines: dict[str, list[str]] = {name: [] for name in TABLES}
        self.meetings = 0


def to_rows(meeting: GeneratedMeeting, batch: Batch, ids: dict, ministry_ids, now: str):
    """`ministry_ids`: minutes.ministries.MinistryIds, resolving a name on the meeting's date
    as the import does (two names may mean one ministry then: it is written once)."""
    day = meeting.date

    def resolved(abbrs):
        found = (ministry_ids.get(abbr, day) for abbr in abbrs)
        return list(dict.fromkeys(pk for pk in found if pk is not None))

    batch.lines["meeting"].append(
        copy_line(*meeting.fields, now, now, ids["series"], "text", "{}", "")
    )
    batch.meetings += 1
    for pk in resolved(meeting.present):
        ids["mention"] += 1
        batch.lines["mention"].append(
            copy_line(ids["mention"], pk, meeting.id, None, "present", "", "")
        )
    for item in meeting.items:
        batch.lines["item"].append(
            copy_line(
                item.id,
                meeting.id,
                item.parent_id,
                item.position,
                item.number,
                item.anchor,
                item.title,
                item.body,
            )
        )
        for position, (kind, text) in enumerate(item.decisions):
            ids["decision"] += 1
            batch.lines["decision"].append(
                copy_line(ids["decision"], item.id, position, text, kind)
            )
        for pk in resolved(sorted(item.mentioned)):
            ids["mention"] += 1
            batch.lines["mention"].append(
                copy_line(ids["mention"], pk, meeting.id, item.id, "mentioned", "", "")
            )
        spoken: set[int] = set()
        for abbr, label, text in item.speakers:
            pk = ministry_ids.get(abbr, day)
            if pk is None or pk in spoken:
                continue
            spoken.add(pk)
            ids["mention"] += 1
            batch.lines["mention"].append(
                copy_line(ids["mention"], pk, meeting.id, item.id, "speaker", label, text)
            )


class Writer(threading.Thread):
    """COPYs batches on its own connection while the main thread generates the next."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        # A fresh database that only this script writes to: skip the foreign-key
        # triggers (the generator makes the keys) and do not wait for the WAL flush.
        self.connection.execute("SET session_replication_role = replica")
        self.connection.execute("SET synchronous_commit = off")
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.bytes = 0

    def run(self):
        try:
            while (batch := self.queue.get()) is not None:
                with self.connection.transaction():
                    for name, (table, columns) in TABLES.items():
                        data = "".join(batch.lines[name])
                        self.bytes += len(data)
                        sql = f"COPY {table} ({columns}) FROM STDIN"
                        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
                            copy.write(data)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
            while self.queue.get() is not None:
                pass

    def put(self, batch: Batch | None):
        if self.error:
            raise self.error
        self.queue.put(batch)


# ----------------------------------------------------------------------- commands


def create_database(url: str, replace: bool) -> None:
    import psycopg

    name = database_name(url)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit(f"Refusing database name {name!r}: use lower case, digits and _ only.")
    with psycopg.connect(maintenance_url(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and replace:
            if "bench" not in name:
                sys.exit(f"--replace drops the database: only for names with 'bench', not {name}.")
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {name}")


def step(label: str, func, *args, **kwargs):
    started = time.monotonic()
    result = func(*args, **kwargs)
    print(f"{label}: {time.monotonic() - started:.1f}s", flush=True)
    return result


def build(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from minutes import services
    from minutes.management.progress import Progress
    from minutes.models import Meeting, Series
    from minutes.services import tag_topics

    step("migrate", call_command, "migrate", verbosity=0)
    if Meeting.objects.exists():
        sys.exit("The database already holds meetings; use --replace to start afresh.")
    generator = Generator(args.seed, args.meetings)
    ministry_ids = services.ministry_ids()
    print(
        f"vocabulary: {len(generator.samples.vocabulary)} sample words + "
        f"{len(generator.compounds)} compounds; {len(generator.samples.prose)} prose, "
        f"{len(generator.samples.bullets)} rondvraag and "
        f"{sum(len(v) for v in generator.samples.decisions.values())} decision sentences",
        flush=True,
    )

    writer = Writer(args.url)
    writer.start()
    progress = Progress(args.meetings, sys.stdout, unit="meetings")
    # Every generated meeting is an SGO meeting (the series migration 0014 made).
    ids = {"decision": 0, "mention": 0, "series": Series.objects.get(slug=Series.SGO).pk}
    now = timezone.now().isoformat()
    batch = Batch()
    for index in range(args.meetings):
        to_rows(generator.meeting(index), batch, ids, ministry_ids, now)
        if batch.meetings == args.batch:
            writer.put(batch)
            progress.advance(batch.meetings)
            batch = Batch()
    if batch.meetings:
        writer.put(batch)
        progress.advance(batch.meetings)
    writer.put(None)
    writer.join()
    if writer.error:
        raise writer.error
    writer.connection.close()
    progress.finish(
        f"loaded {args.meetings} meetings, {generator.item_id} agenda items, "
        f"{ids['decision']} decisions, {ids['mention']} ministry mentions "
        f"({writer.bytes / 2**20:.0f} MB of COPY data)"
    )

    step("topics (minutes.services.tag_topics)", tag_topics)

    def finish():
        with connection.cursor() as cursor:
            for table in ("minutes_meeting", "minutes_agendaitem", "minutes_decision",
                          "minutes_ministrymention"):  # fmt: skip
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
            # What autovacuum would do in time: statistics and the visibility map.
            cursor.execute("VACUUM (ANALYZE)")

    step("sequences, VACUUM (ANALYZE)", finish)

    # The rows went in with COPY, past the import service, so the archive version is
    # still 0: rebuild() stamps the index with it, and the index counts as current.
    from minutes.search import index as search_index

    documents = step(
        f"search index (minutes.search.index.rebuild) in {search_index.directory()}",
        search_index.rebuild,
    )
    size = search_index_size()
    print(
        f"search index: {documents} documents, {size['du_mb']} MB on disk (du), "
        f"{size['bytes_mb']} MB in {size['files']} files",
        flush=True,
    )
    sizes = corpus_size()
    for table, size in sizes.items():
        print(f"  {table}: {size}")


def verify(args) -> None:
    """Parse the first N generated texts with the app's parser and compare."""
    from minutes import parsing
    from minutes.ministries import default_alias_table, default_directory

    generator = Generator(args.seed, args.meetings)
    aliases = default_alias_table()
    directory = default_directory()
    checks = {"items": 0, "decisions": 0, "mentions": 0, "speakers": 0, "present": 0}
    problems: list[str] = []
    for index in range(args.verify):
        meeting = generator.meeting(index)
        parsed = parsing.parse_minutes(meeting.text.encode(), aliases=aliases)
        tops = [i for i in meeting.items if i.parent_id is None]
        got = [(i.number, i.title, i.body) for i in parsed.agenda_items]
        want = [(i.number, i.title, i.body) for i in tops]
        checks["items"] += got == want
        if got != want:
            problems.append(f"{meeting.slug}: items {got[:1]} != {want[:1]}")
        got_d = sorted((d.kind, d.text) for d in parsed.decisions)
        want_d = sorted(d for i in tops for d in i.decisions)
        checks["decisions"] += got_d == want_d
        if got_d != want_d:
            problems.append(f"{meeting.slug}: decisions {got_d} != {want_d}")
        # Names compared as the ministries they mean on the meeting's date ("VenJ" written
        # in 2012 is the generator's JenV).
        day = meeting.date

        def meant(keys, day=day):
            return {directory.resolve(key, day) for key in keys}

        got_m = [meant(i.ministries_mentioned) for i in parsed.agenda_items]
        want_m = [meant(i.mentioned) for i in tops]
        checks["mentions"] += got_m == want_m
        if got_m != want_m:
            problems.append(f"{meeting.slug}: mentions {got_m} != {want_m}")
        got_s = [
            (directory.resolve(c.ministry, day), c.label, c.text)
            for i in parsed.agenda_items
            for c in i.contributions
        ]
        want_s = [(directory.resolve(a, day), label, t) for i in tops for a, label, t in i.speakers]
        checks["speakers"] += got_s == want_s
        if got_s != want_s:
            problems.append(f"{meeting.slug}: speakers {got_s[:2]} != {want_s[:2]}")
        checks["present"] += meant(parsed.ministries_present) == meant(meeting.present)
    for problem in problems[:10]:
        print(problem)
    print(
        f"verified {args.verify} generated meetings against minutes.parsing: "
        + ", ".join(f"{k} {v}/{args.verify}" for k, v in checks.items())
    )
    if args.show:
        print(generator.meeting(args.verify).text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--meetings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--batch", type=int, default=500, help="meetings per COPY batch")
    parser.add_argument("--database-url", help="default: $DATABASE_URL")
    parser.add_argument(
        "--replace", action="store_true", help="drop and recreate the (bench) database first"
    )
    parser.add_argument(
        "--verify", type=int, default=0, metavar="N",
        help="only parse the first N generated meetings with minutes.parsing and compare",
    )  # fmt: skip
    parser.add_argument("--show", action="store_true", help="with --verify: print one text")
    args = parser.parse_args(argv)
    args.url = database_url(args.database_url)
    if args.verify:
        setup_django(args.url)
        verify(args)
        return
    create_database(args.url, args.replace)
    setup_django(args.url)
    build(args)


if __name__ == "__main__":
    main()
