"""Dutch analysis for the Tantivy index: stemmers and compound splitters compared.

    .venv/bin/python -m bench.analysis_study [--database-url postgres://postgres@127.0.0.1:5432/sgo_x]
    .venv/bin/python -m bench.analysis_study --write-data   # rebuild the shipped parts file

1. Stemming: ~50 singular/plural and verb groups that should share a stem and ~15
   pairs that should not, stemmed by Tantivy's built-in ``stemmer("dutch")`` (through
   an analyzer registered on an index, and the indexed terms read back), PyStemmer's
   ``dutch`` and ``dutch_porter``, PostgreSQL's ``dutch_unaccent`` configuration (as
   migration 0001 creates it, in the database given; skipped without one) and the
   archive's own ``minutes.search.analysis.stem``.
2. Compounds: a labelled set of ~75 words (compounds with their parts, and words a
   naive splitter splits wrongly), split by Tantivy's ``Filter.split_compound`` with
   a hunspell-nl word list or the archive's own vocabulary, and by
   ``minutes.search.analysis.CompoundSplitter`` with the same lists and with the
   shipped parts file (hunspell-nl's compound flags). Precision and recall of the
   parts, compared as stems; the time for 100,000 words.
3. A small Tantivy index built the recommended way (pre-tokenized stems, a parts
   field with a lower boost), to show that whole-word matches rank above part matches.

Needs Debian's hunspell-nl (/usr/share/hunspell/nl.dic) for the hunspell strategies
and --write-data. Prints Markdown; docs/search-analysis.md holds a run's results.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

import Stemmer
import tantivy

from minutes.search import analysis
from minutes.search.analysis import CompoundSplitter, fold, stem

ROOT = Path(__file__).resolve().parent.parent
HUNSPELL = Path("/usr/share/hunspell")

# --- 1. Stemming ---------------------------------------------------------------------

# Forms that should share one stem.
STEM_GROUPS: list[list[str]] = [
    g.split()
    for g in """
    maatregel maatregelen
    wetsvoorstel wetsvoorstellen
    gemeente gemeenten
    vergadering vergaderingen
    besluit besluiten besloten
    ministerie ministeries
    departement departementen
    overleg overleggen
    afspraak afspraken
    kabinet kabinetten
    voorstel voorstellen
    werkgroep werkgroepen
    regeling regelingen
    overheid overheden
    minister ministers
    staatssecretaris staatssecretarissen
    secretaris secretarissen
    advies adviezen
    brief brieven
    notitie notities
    verslag verslagen
    agendapunt agendapunten
    onderwerp onderwerpen
    opgave opgaven
    kamer kamers
    wet wetten
    rapport rapporten
    commissie commissies
    organisatie organisaties
    begroting begrotingen
    ontwikkeling ontwikkelingen
    middel middelen
    regel regels
    probleem problemen
    voorzitter voorzitters
    zaak zaken
    vraag vragen
    ambtenaar ambtenaren
    bijeenkomst bijeenkomsten
    mogelijkheid mogelijkheden
    proces processen
    prijs prijzen
    maatschappelijk maatschappelijke
    financiën financien
    melden meldt gemeld
    werken werkt gewerkt
    stellen stelt gesteld
    informeren informeert geïnformeerd
    bespreken bespreekt besproken
    lid leden
    """.strip().splitlines()
]

# Words that should keep apart (over-stemming when joined).
STEM_APART: list[tuple[str, str]] = [
    tuple(p.split())  # type: ignore[misc]
    for p in """
    overheid over
    eenheid een
    waarheid waar
    minister mini
    gemeente gemeend
    gemeente menen
    agendapunt agenda
    organisatie organiseren
    orde or
    gelden geld
    gebied bieden
    geval vallen
    wet weten
    beleid leiden
    zaak zak
    kosten koste
    post posten
    """.strip().splitlines()
]


def tantivy_analyzer(language: str = "dutch") -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer(language))
        .build()
    )


def tantivy_indexed_terms(words: list[str]) -> dict[str, str]:
    """Each word's term as a Tantivy index stores it (analyzer registered on the index)."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("text", tokenizer_name="nl")
    builder.add_integer_field("n", stored=True, indexed=True)
    schema = builder.build()
    index = tantivy.Index(schema)  # in memory
    index.register_tokenizer("nl", tantivy_analyzer())
    writer = index.writer(heap_size=15_000_000, num_threads=1)
    for n, word in enumerate(words):
        writer.add_document(tantivy.Document(text=word, n=n))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    terms: dict[str, str] = {}
    for term, _count in searcher.terms_with_prefix("text", "", limit=100_000):
        hits = searcher.search(tantivy.Query.term_query(schema, "text", term), limit=1000).hits
        for _score, address in hits:
            terms[words[searcher.doc(address)["n"][0]]] = term
    return terms


def postgres_stems(url: str | None, words: list[str]) -> dict[str, str] | None:
    """to_tsvector('dutch_unaccent', word) for each word; the configuration is made as
    migration 0001 makes it when the database lacks it."""
    if not url:
        return None
    import psycopg

    migration = importlib.import_module("minutes.migrations.0001_search_configuration")
    with psycopg.connect(url, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_ts_config WHERE cfgname = 'dutch_unaccent'"
        ).fetchone()
        if not exists:
            conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
            conn.execute(migration.CREATE_CONFIG)
        rows = conn.execute(
            "SELECT w, array_to_string(tsvector_to_array(to_tsvector('dutch_unaccent', w)), ' ') "
            "FROM unnest(%s::text[]) AS w",
            [words],
        ).fetchall()
    return {w: s or "(stop word)" for w, s in rows}


def stemming_section(url: str | None) -> None:
    words = sorted({w for g in STEM_GROUPS for w in g} | {w for p in STEM_APART for w in p})
    analyzer = tantivy_analyzer()
    indexed = tantivy_indexed_terms(words)
    dutch, porter = Stemmer.Stemmer("dutch"), Stemmer.Stemmer("dutch_porter")
    stemmers: dict[str, dict[str, str]] = {
        "tantivy dutch": {w: indexed[w] for w in words},
        "PyStemmer dutch": {w: dutch.stemWord(fold(w)) for w in words},
        "PyStemmer dutch_porter": {w: porter.stemWord(fold(w)) for w in words},
    }
    same = all(analyzer.analyze(w) == [indexed[w]] for w in words)
    pg = postgres_stems(url, words)
    if pg is not None:
        stemmers["PostgreSQL dutch_unaccent"] = pg
    stemmers["analysis.stem"] = {w: stem(w) for w in words}

    print("## 1. Stemming\n")
    print(
        f"{len(STEM_GROUPS)} groups that should share a stem, {len(STEM_APART)} pairs that "
        "should not. Tantivy's terms read back from an index "
        f"(TextAnalyzer.analyze gives the same: {same}).\n"
    )
    names = list(stemmers)
    print("| group | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    joined = dict.fromkeys(names, 0)
    for group in STEM_GROUPS:
        cells = []
        for name in names:
            stems = [stemmers[name][w] for w in group]
            ok = len(set(stems)) == 1
            joined[name] += ok
            cells.append(("" if ok else "**split** ") + " / ".join(stems))
        print(f"| {' / '.join(group)} | " + " | ".join(cells) + " |")
    print()
    print("| should stay apart | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    wrongly = dict.fromkeys(names, 0)
    for a, b in STEM_APART:
        cells = []
        for name in names:
            sa, sb = stemmers[name][a], stemmers[name][b]
            wrongly[name] += sa == sb
            cells.append(("**joined** " if sa == sb else "") + f"{sa} / {sb}")
        print(f"| {a} / {b} | " + " | ".join(cells) + " |")
    print()
    print("| stemmer | groups joined | pairs wrongly joined |")
    print("|---|---|---|")
    for name in names:
        print(
            f"| {name} | {joined[name]} / {len(STEM_GROUPS)} "
            f"| {wrongly[name]} / {len(STEM_APART)} |"
        )
    print()
    if pg is not None:
        differ = [w for w in words if pg[w] != stemmers["PyStemmer dutch_porter"][w]]
        print(
            f"PostgreSQL vs PyStemmer dutch_porter: {len(differ)} of {len(words)} words "
            f"differ {differ}\n"
        )
    differ = [w for w in words if stemmers["tantivy dutch"][w] != stemmers["PyStemmer dutch"][w]]
    print(f"Tantivy vs PyStemmer dutch: {len(differ)} of {len(words)} words differ {differ}\n")

    sample = random_words(100_000)
    text_chunks = [" ".join(sample[i : i + 1000]) for i in range(0, len(sample), 1000)]
    timings = {
        "tantivy analyze (tokenize, fold, stem)": lambda: [
            analyzer.analyze(t) for t in text_chunks
        ],
        "PyStemmer dutch_porter stemWords": lambda: porter.stemWords(sample),
        "analysis.stem (uncached)": lambda: [stem.__wrapped__(w) for w in sample],
    }
    print("| 100,000 distinct words | seconds |")
    print("|---|---|")
    for label, run in timings.items():
        print(f"| {label} | {timed(run):.3f} |")
    print()


# --- 2. Compounds --------------------------------------------------------------------

# word: (parts that must be found, further parts that are also right). Parts are
# compared as analysis.stem() stems, so "maatregelen" and "maatregel" are one part.
# An empty entry is a word that must not be split.
COMPOUNDS: dict[str, tuple[str, str]] = {
    "thuiswerkadvies": ("thuiswerk advies", "thuis werk"),
    "thuiswerkvergoeding": ("thuiswerk vergoeding", "thuis werk"),
    "coronamaatregelen": ("corona maatregelen", ""),
    "coronacrisis": ("corona crisis", ""),
    "coronavirus": ("corona virus", ""),
    "rijksoverheid": ("rijk overheid", ""),
    "rijksdienst": ("rijk dienst", ""),
    "rijksbegroting": ("rijk begroting", ""),
    "ministerraad": ("minister raad", ""),
    "kabinetsbesluit": ("kabinet besluit", ""),
    "kabinetsformatie": ("kabinet formatie", ""),
    "wetsvoorstel": ("wet voorstel", ""),
    "wetsvoorstellen": ("wet voorstellen", ""),
    "staatssecretaris": ("staat secretaris", ""),
    "zorgverzekeraar": ("zorg verzekeraar", ""),
    "arbeidsmarkt": ("arbeid markt", ""),
    "woningmarkt": ("woning markt", ""),
    "klimaatakkoord": ("klimaat akkoord", ""),
    "stikstofcrisis": ("stikstof crisis", ""),
    "energieprijzen": ("energie prijzen", ""),
    "begrotingstekort": ("begroting tekort", ""),
    "onderwijsinstellingen": ("onderwijs instellingen", ""),
    "veiligheidsregio": ("veiligheid regio", ""),
    "gezondheidszorg": ("gezondheid zorg", ""),
    "toeslagenaffaire": ("toeslagen affaire", ""),
    "kinderopvangtoeslag": ("kinderopvang toeslag", "kinder kind opvang"),
    "vaccinatiecampagne": ("vaccinatie campagne", ""),
    "quarantaineplicht": ("quarantaine plicht", ""),
    "mondkapjesplicht": ("mondkapjes plicht", "mond kapjes"),
    "avondklok": ("avond klok", ""),
    "personeelsbeleid": ("personeel beleid", ""),
    "informatiebeveiliging": ("informatie beveiliging", ""),
    "digitaliseringsstrategie": ("digitalisering strategie", ""),
    "overheidsorganisatie": ("overheid organisatie", ""),
    "asielzoekers": ("asiel zoekers", ""),
    "vluchtelingenopvang": ("vluchtelingen opvang", ""),
    "jeugdzorg": ("jeugd zorg", ""),
    "netwerkbijeenkomst": ("netwerk bijeenkomst", "werk"),
    "crisisstructuur": ("crisis structuur", ""),
    "verkiezingsuitslag": ("verkiezing uitslag", ""),
    "belastingdienst": ("belasting dienst", ""),
    "voorjaarsnota": ("voorjaar nota", ""),
    "werkgroepen": ("werk groepen", ""),
    "uitvoeringsorganisaties": ("uitvoering organisaties", ""),
    "privacywetgeving": ("privacy wetgeving", ""),
    "hoofdlijnenbrief": ("hoofdlijnen brief", "hoofd lijnen"),
    "kamerbrief": ("kamer brief", ""),
    "kamervragen": ("kamer vragen", ""),
    "tijdpad": ("tijd pad", ""),
    "bedrijfsleven": ("bedrijf leven", ""),
    "beleidsnotitie": ("beleid notitie", ""),
    "grenswerkers": ("grens werkers", ""),
    "reisadvies": ("reis advies", ""),
    "crisisteam": ("crisis team", ""),
    # Not compounds (or lexicalised ones whose parts would mislead a search).
    "bestaan": ("", ""),
    "verslag": ("", ""),
    "regering": ("", ""),
    "ontwerp": ("", ""),
    "aanwezig": ("", ""),
    "ingelast": ("", ""),
    "vergadering": ("", ""),
    "besluit": ("", ""),
    "overleg": ("", ""),
    "maatregel": ("", ""),
    "ministerie": ("", ""),
    "departement": ("", ""),
    "gemeente": ("", ""),
    "organisatie": ("", ""),
    "voorstel": ("", ""),
    "afspraak": ("", ""),
    "overheid": ("", ""),
    "toelichting": ("", ""),
    "vervolgens": ("", ""),
    "standaard": ("", ""),
    "informatie": ("", ""),
    "onderzoek": ("", ""),
    "aandacht": ("", ""),
    "begroting": ("", ""),
    "kinderen": ("", ""),
    "verzekeraar": ("", ""),
}


def plain_hunspell_words(min_len: int) -> list[str]:
    """nl.dic's entries without their flags: folded, letters only, lower case only."""
    words = set()
    with open(HUNSPELL / "nl.dic", encoding="utf-8") as dic:
        next(dic)
        for line in dic:
            word = line.split("/", 1)[0].strip()
            if word[:1].islower():
                word = fold(word)
                if word.isalpha() and len(word) >= min_len:
                    words.add(word)
    return sorted(words)


def archive_words(min_len: int = 4) -> list[str]:
    """The words of the sample minutes and the test fixtures (the archive's vocabulary)."""
    words = set()
    paths = [
        *sorted((ROOT / "sample_data").glob("*.txt")),
        *sorted((ROOT / "tests/fixtures").glob("*.txt")),
    ]
    for path in paths:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for word in analysis.words(text):
            folded = fold(word.text)
            if folded.isalpha() and len(folded) >= min_len:
                words.add(folded)
    return sorted(words)


# --- hunspell-nl's compound flags -> the shipped parts file ---

_COMPOUND_BEGIN = {"Ca", "Cb", "CA", "CB", "Ce"}  # may begin or continue a compound
_COMPOUND_END = {"Cc"}
_LINKING_S = {"Ch", "Cd"}  # word + "s" begins or continues one
# Inflected heads come from the noun suffixes only (plurals Z*, diminutives Y*), not
# from adjective or verb endings: "belangrijke" is not belang|rijke.
_NOUN_SUFFIX = ("Z", "Y")
# The adjectival suffix -rijk (belangrijk, invloedrijk, kansrijk) is no part a search
# should find "rijk" (the State) in; koninkrijk is the price.
_NOT_HEADS = {"rijk", "rijke", "rijker", "rijkere", "rijkst", "rijkste", "rijken"}


def _read_affixes() -> dict[str, list[tuple[str, str, set[str], re.Pattern[str]]]]:
    """nl.aff's suffix rules: flag -> [(strip, add, continuation flags, condition)]."""
    rules: dict[str, list[tuple[str, str, set[str], re.Pattern[str]]]] = {}
    with open(HUNSPELL / "nl.aff", encoding="utf-8") as aff:
        for line in aff:
            fields = line.split()
            if len(fields) < 5 or fields[0] != "SFX":
                continue
            flag, strip, add, condition = fields[1], fields[2], fields[3], fields[4]
            add, _, continuation = add.partition("/")
            strip = "" if strip == "0" else strip
            add = "" if add == "0" else add
            pairs = {continuation[i : i + 2] for i in range(0, len(continuation), 2)}
            rules.setdefault(flag, []).append((strip, add, pairs, re.compile(f"(?:{condition})$")))
    return rules


def hunspell_parts(min_len: int = analysis.MIN_PART) -> dict[str, set[str]]:
    """form -> roles ("m" modifier, "s" modifier with a linking s, "h" head), from the
    compound flags of nl.dic and the suffixes nl.aff adds to them."""
    rules = _read_affixes()
    roles: dict[str, set[str]] = {}

    def add(form: str, role: str) -> None:
        if form[:1].islower():
            form = fold(form)
            if form.isalpha() and len(form) >= min_len and not (role == "h" and form in _NOT_HEADS):
                roles.setdefault(form, set()).add(role)

    with open(HUNSPELL / "nl.dic", encoding="utf-8") as dic:
        next(dic)
        for line in dic:
            word, _, flagtext = line.strip().partition("/")
            flagtext = flagtext.split()[0] if flagtext.split() else ""
            flags = {flagtext[i : i + 2] for i in range(0, len(flagtext), 2)}
            head = bool(flags & _COMPOUND_END)
            if flags & _COMPOUND_BEGIN:
                add(word, "m")
            if flags & _LINKING_S:
                add(word, "s")
            if head:  # a noun that may end a compound may begin one too (kamer|brief)
                add(word, "h")
                add(word, "m")
            for flag in flags:
                if flag.startswith("C"):
                    continue
                for strip, suffix, continuation, condition in rules.get(flag, ()):
                    if suffix.endswith("-") or not condition.search(word):
                        continue
                    if strip and not word.endswith(strip):
                        continue
                    form = word[: len(word) - len(strip)] + suffix
                    if head and flag.startswith(_NOUN_SUFFIX):  # coronamaatregel+en
                        add(form, "h")
                    if continuation & _COMPOUND_BEGIN:  # toeslagen+affaire
                        add(form, "m")
    return roles


def forbidden_boundaries() -> list[tuple[str, str]]:
    """nl.aff's CHECKCOMPOUNDPATTERN pairs without flags: (end of one part, start of
    the next) that hunspell refuses, e.g. huis|vesting (it is huisvesting|s)."""
    pairs = []
    with open(HUNSPELL / "nl.aff", encoding="utf-8") as aff:
        for line in aff:
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 3 and fields[0] == "CHECKCOMPOUNDPATTERN":
                left, right = fields[1], fields[2]
                if "/" not in left + right:
                    pairs.append((fold(left), fold(right)))
    return pairs


def write_parts_file(path: Path) -> None:
    roles = hunspell_parts()
    boundaries = forbidden_boundaries()
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=0) as raw:
        raw.write(
            b"# Compound parts from OpenTaal's Dutch word list (hunspell-nl); see README.md.\n"
            b"# form<TAB>roles: m = modifier, s = modifier with a linking s, h = head\n"
            b"# !end<TAB>start: no part ending in `end` is followed by one starting with `start`\n"
        )
        for left, right in boundaries:
            raw.write(f"!{left}\t{right}\n".encode())
        for form in sorted(roles):
            raw.write(f"{form}\t{''.join(sorted(roles[form]))}\n".encode())
    print(
        f"wrote {path}: {len(roles)} forms, {len(boundaries)} forbidden boundaries, "
        f"{path.stat().st_size} bytes"
    )


# --- strategies ---


def tantivy_splitter(dictionary: list[str]) -> Callable[[str], list[str]]:
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.split_compound(dictionary))
        .build()
    )

    def parts(word: str) -> list[str]:
        tokens = analyzer.analyze(word)
        return [] if tokens == [word] else tokens

    parts.analyzer = analyzer  # type: ignore[attr-defined]
    return parts


def python_splitter(dictionary: Iterable[str], *, linking: bool = True, min_part: int = 3):
    words = set(dictionary)
    splitter = CompoundSplitter(
        modifiers=words, heads=words, linked=words if linking else (), min_part=min_part
    )
    return lambda word: list(splitter.parts(word)), splitter


def score(split: Callable[[str], list[str]]) -> dict[str, float | str | list[str]]:
    """Precision: produced parts that are right (required or also right) / produced.
    Recall: required parts produced / required parts. Both over stems."""
    produced = right = required = found = 0
    whole_right = wrong_splits = 0
    errors: list[str] = []
    for word, (must_text, extra) in COMPOUNDS.items():
        must = {stem(p) for p in must_text.split()}
        fine = must | {stem(p) for p in extra.split()}
        got = {stem(p) for p in split(word)}
        produced += len(got)
        right += len(got & fine)
        required += len(must)
        found += len(got & must)
        bad = got - fine
        if must:
            whole_right += must <= got and not bad
        else:
            wrong_splits += bool(got)
        if bad or must - got:
            errors.append(f"{word}: {'+'.join(split(word)) or '-'}")
    compounds = sum(1 for r, _ in COMPOUNDS.values() if r)
    return {
        "precision": right / produced if produced else 0.0,
        "recall": found / required if required else 0.0,
        "compounds right": f"{whole_right} / {compounds}",
        "non-compounds split": f"{wrong_splits} / {len(COMPOUNDS) - compounds}",
        "errors": errors,
    }


def random_words(count: int, seed: int = 7) -> list[str]:
    """`count` distinct words from hunspell-nl's entries (so no cache helps), or the
    archive's words over and over without it."""
    rng = random.Random(seed)
    if (HUNSPELL / "nl.dic").exists():
        forms = plain_hunspell_words(2)
        if len(forms) >= count:
            return rng.sample(forms, count)
    forms = archive_words()
    return [rng.choice(forms) for _ in range(count)]


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def compounds_section() -> None:
    print("## 2. Compounds\n")
    compounds = sum(1 for r, _ in COMPOUNDS.values() if r)
    print(
        f"{len(COMPOUNDS)} labelled words: {compounds} compounds, "
        f"{len(COMPOUNDS) - compounds} not.\n"
    )
    sample = random_words(100_000)
    strategies: dict[str, tuple[float, Callable[[str], list[str]], Callable[[], object]]] = {}
    have_hunspell = (HUNSPELL / "nl.dic").exists()
    archive = archive_words()

    def add(
        label: str, build: Callable[[], tuple[Callable[[str], list[str]], Callable[[], object]]]
    ) -> None:
        start = time.perf_counter()
        split, bulk = build()
        strategies[label] = (time.perf_counter() - start, split, bulk)

    def tantivy_build(words: list[str]):
        split = tantivy_splitter(words)
        chunks = [" ".join(sample[i : i + 1000]) for i in range(0, len(sample), 1000)]
        return split, lambda: [split.analyzer.analyze(c) for c in chunks]  # type: ignore[attr-defined]

    def python_build(words: Iterable[str], **options):
        split, splitter = python_splitter(words, **options)
        return split, lambda: [splitter.parts(w) for w in sample]

    if have_hunspell:
        hun4 = plain_hunspell_words(4)
        hun3 = plain_hunspell_words(3)
        add(
            f"(a) tantivy split_compound, hunspell-nl words >= 4 ({len(hun4)})",
            lambda: tantivy_build(hun4),
        )
        add(
            f"(a) tantivy split_compound, hunspell-nl words >= 3 ({len(hun3)})",
            lambda: tantivy_build(hun3),
        )
    add(
        f"(b) tantivy split_compound, archive words >= 4 ({len(archive)})",
        lambda: tantivy_build(archive),
    )
    if have_hunspell:
        add(
            "(c) Python DP, hunspell-nl words >= 4, linking s",
            lambda: python_build(hun4, min_part=4),
        )
        add("(c) Python DP, hunspell-nl words >= 3, linking s", lambda: python_build(hun3))
    add("(c) Python DP, archive words >= 4, linking s", lambda: python_build(archive, min_part=4))

    def shipped():
        splitter = analysis.read_parts_file(analysis.PARTS_FILE)
        return (lambda w: list(splitter.parts(w))), lambda: [splitter.parts(w) for w in sample]

    add(
        "(c) Python DP, shipped parts file (hunspell-nl compound flags) = analysis.compound_parts",
        shipped,
    )

    print(
        "| strategy | precision | recall | compounds fully right | non-compounds split "
        "| build s | 100,000 words s |"
    )
    print("|---|---|---|---|---|---|---|")
    details = []
    for label, (build_seconds, split, bulk) in strategies.items():
        result = score(split)
        seconds = timed(bulk)
        print(
            f"| {label} | {result['precision']:.2f} | {result['recall']:.2f} | "
            f"{result['compounds right']} | {result['non-compounds split']} | "
            f"{build_seconds:.2f} | {seconds:.2f} |"
        )
        details.append((label, result["errors"]))
    print()
    for label, errors in details:
        print(f"- {label}: wrong or incomplete: {', '.join(errors) or 'none'}")  # type: ignore[arg-type]
    print()
    archive = archive_words()
    splits = {w: analysis.compound_parts(w) for w in archive}
    split = {w: p for w, p in splits.items() if p}
    print(
        f"The archive's own words (sample minutes and test fixtures, >= 4 letters): "
        f"{len(split)} of {len(archive)} split by analysis.compound_parts:\n"
    )
    print(", ".join(f"{w} ({'+'.join(p)})" for w, p in split.items()) + "\n")
    print(
        "Whether split_compound keeps the whole word:",
        tantivy_splitter(["thuis", "werk"]).analyzer.analyze("thuiswerk"),
    )  # type: ignore[attr-defined]
    print()


# --- 3. The recommended index shape ----------------------------------------------------


def index_section() -> None:
    """Whole words in "text", compound parts in "parts" at the same position; a query
    word searches both, "parts" with a lower boost."""
    print("## 3. Ranking whole words above parts\n")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("title", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", tokenizer_name="raw")
    builder.add_text_field("parts", tokenizer_name="raw")
    schema = builder.build()
    docs = {
        "whole": "Het thuiswerken wordt voortgezet.",
        "part": "Er komt een thuiswerkvergoeding.",
        "other": "De vergoeding voor reiskosten.",
    }
    with tempfile.TemporaryDirectory() as folder:
        index = tantivy.Index(schema, path=folder)
        writer = index.writer(heap_size=15_000_000, num_threads=1)
        for title, text in docs.items():
            whole, parts = [], []
            for word in analysis.words(text):
                whole.append(tantivy.Token(stem(word.text), word.position, word.start, word.end))
                for part in analysis.compound_parts(word.text):
                    parts.append(tantivy.Token(stem(part), word.position, word.start, word.end))
            doc = tantivy.Document(title=title)
            doc.add_pre_tokenized_text("text", tantivy.PreTokenizedString(text, whole))
            doc.add_pre_tokenized_text("parts", tantivy.PreTokenizedString(text, parts))
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        searcher = index.searcher()
        for query_word in ("thuiswerken", "vergoeding"):
            term = stem(query_word)
            query = tantivy.Query.boolean_query(
                [
                    (tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", term)),
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(
                            tantivy.Query.term_query(schema, "parts", term), 0.5
                        ),
                    ),
                ]
            )
            hits = searcher.search(query, limit=10).hits
            ranked = [f"{searcher.doc(a)['title'][0]} ({s:.2f})" for s, a in hits]
            print(f"- `{query_word}` (term `{term}`): {', '.join(ranked)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL database for the dutch_unaccent comparison"
    )
    parser.add_argument(
        "--write-data", action="store_true", help="rebuild the shipped parts file and stop"
    )
    args = parser.parse_args()
    if args.write_data:
        if not (HUNSPELL / "nl.dic").exists():
            sys.exit("apt-get install hunspell-nl first")
        write_parts_file(analysis.PARTS_FILE)
        return
    print(f"tantivy {tantivy.__version__}, PyStemmer {metadata.version('PyStemmer')}\n")
    stemming_section(args.database_url)
    compounds_section()
    index_section()


if __name__ == "__main__":
    main()
