"""Dutch analysis for the index: folding, stemming, compound parts, words with offsets."""

import threading

import pytest

from minutes.search import analysis
from minutes.search.analysis import (
    CompoundSplitter,
    compound_parts,
    fold,
    part_terms,
    stem,
    words,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Geïnformeerd", "geinformeerd"),
        ("Financiën", "financien"),
        ("CAFÉ", "cafe"),
        ("ĳsvrĳ", "ijsvrij"),  # the ligature, as hunspell-nl spells it
        ("5.1.2e", "5.1.2e"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    "forms",
    [
        ("maatregel", "maatregelen"),
        ("wetsvoorstel", "wetsvoorstellen"),
        ("gemeente", "gemeenten"),
        ("vergadering", "vergaderingen"),
        ("besluit", "besluiten"),
        ("ministerie", "ministeries"),
        ("overleg", "overleggen"),
        ("afspraak", "afspraken"),
        ("voorstel", "voorstellen"),
        ("advies", "adviezen"),
        ("brief", "brieven"),
        ("overheid", "overheden"),
        ("staatssecretaris", "staatssecretarissen"),
        ("proces", "processen"),
        ("Financiën", "financien"),
    ],
)
def test_stem_joins_singular_and_plural(forms):
    assert len({stem(form) for form in forms}) == 1, [stem(form) for form in forms]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("overheid", "over"),  # Snowball alone cuts -heid: both "over"
        ("eenheid", "een"),
        ("minister", "mini"),  # Snowball 3's new Dutch stemmer: both "mini"
        ("gemeente", "menen"),  # and both "meen"
        ("agendapunt", "agenda"),
        ("advies", "advie"),  # -ies is a plural, but not in advies
    ],
)
def test_stem_keeps_apart(one, other):
    assert stem(one) != stem(other)


def test_stem_is_the_classic_snowball_stem_where_no_correction_applies():
    import Stemmer

    porter = Stemmer.Stemmer("dutch_porter")
    for word in ("vergaderingen", "kabinetten", "afspraken", "ontwikkelingen", "regelingen"):
        assert stem(word) == porter.stemWord(word)


def test_stem_from_several_threads():
    results: list[str] = []

    def run() -> None:
        results.extend(stem.__wrapped__(w) for w in ["wetsvoorstellen", "maatregelen"] * 200)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {"wetsvoorstel", "maatregel"}


# --- compounds -------------------------------------------------------------------


def part_stems(word: str) -> set[str]:
    return {stem(part) for part in compound_parts(word)}


@pytest.mark.parametrize(
    ("query", "compound"),
    [
        ("thuiswerken", "thuiswerkadvies"),
        ("thuiswerken", "thuiswerkvergoeding"),
        ("corona", "coronamaatregelen"),
        ("maatregel", "coronamaatregelen"),
        ("kabinet", "kabinetsbesluit"),  # linking s
        ("besluiten", "kabinetsbesluit"),
        ("rijk", "rijksoverheid"),
        ("overheid", "rijksoverheid"),
        ("minister", "ministerraad"),
        ("voorstel", "wetsvoorstellen"),
        ("toeslagen", "toeslagenaffaire"),
        ("kinderopvang", "kinderopvangtoeslag"),  # a run of neighbouring parts
        ("Zorg", "Gezondheidszorg"),  # case folded
    ],
)
def test_a_query_word_finds_the_compound_through_its_parts(query, compound):
    assert stem(query) in part_stems(compound), compound_parts(compound)


def test_compound_parts_lists_top_level_then_nested_parts():
    assert compound_parts("thuiswerkadvies") == ["thuiswerk", "advies", "thuis", "werk"]
    assert compound_parts("coronamaatregelen") == ["corona", "maatregelen"]
    assert compound_parts("kabinetsbesluit") == ["kabinet", "besluit"]


@pytest.mark.parametrize(
    "word",
    [
        "bestaan",
        "verslag",
        "verslagen",  # verslag+en, not vers|lagen
        "regering",
        "ontwerp",
        "aanwezig",
        "ingelast",
        "vergadering",
        "overleg",
        "voorstel",
        "standaard",
        "onderzoek",
        "informatie",
        "kinderen",
        "belangrijk",  # the adjectival -rijk is no part
        "belangrijke",
        "huisvesting",  # a boundary hunspell-nl forbids
        "corona",
        "EZK",
        "2021",
        "",
    ],
)
def test_non_compounds_are_left_alone(word):
    assert compound_parts(word) == []


def test_parts_never_contain_the_word_itself():
    for word in ("thuiswerkadvies", "arbeidsmarktcampagne", "rijksbegrotingstekort"):
        parts = compound_parts(word)
        assert parts
        assert word not in parts
        assert len(parts) == len(set(parts))


def test_overlong_words_are_not_split():
    assert compound_parts("corona" * 11) == []


# --- the splitter on a dictionary of its own --------------------------------------


def make_splitter(**options) -> CompoundSplitter:
    words = {"thuis", "werk", "advies", "thuiswerk", "wet", "voorstel", "maat", "regel"}
    return CompoundSplitter(
        modifiers=words, heads=words | {"voorstellen"}, linked={"wet"}, **options
    )


def test_splitter_prefers_the_fewest_parts():
    splitter = make_splitter()
    assert [part.text for part in splitter.split("thuiswerkadvies")] == ["thuiswerk", "advies"]
    assert splitter.parts("wetsvoorstellen") == ("wet", "voorstellen")


def test_splitter_needs_every_piece_in_the_dictionary():
    splitter = make_splitter()
    assert splitter.parts("thuiswerkplek") == ()
    assert splitter.parts("wetvoorstel") == ("wet", "voorstel")  # "wet" is a modifier too
    assert splitter.parts("regelsvoorstel") == ()  # "regel" takes no linking s


def test_splitter_minimum_part_length():
    assert make_splitter(min_part=4).parts("wetsvoorstel") == ()
    assert make_splitter(min_part=3).parts("wetsvoorstel") == ("wet", "voorstel")


def test_splitter_forbidden_boundary():
    assert make_splitter().parts("maatregel") == ("maat", "regel")
    assert make_splitter(forbidden=[("aat", "reg")]).parts("maatregel") == ()


def test_splitter_leaves_inflections_of_simple_words_alone():
    words = {"verslag", "vers", "lagen"}
    splitter = CompoundSplitter(modifiers=words, heads=words)
    assert splitter.parts("verslagen") == ()
    assert splitter.parts("verslag") == ()


def test_shipped_word_list_loads():
    splitter = analysis.default_splitter()
    assert len(splitter.heads) > 20_000
    assert len(splitter.modifiers) > 40_000
    assert "kabinet" in splitter.linked
    assert ("uis", "vestin") in splitter.forbidden


def test_part_terms_of_a_text():
    assert part_terms("De thuiswerkvergoeding en het kabinetsbesluit.") == [
        "thuiswerk",
        "vergoed",
        "thuis",
        "werk",
        "kabinet",
        "besluit",
    ]
    assert part_terms("Het verslag is vastgesteld.") == []


# --- words with offsets ------------------------------------------------------------


def test_words_have_positions_and_offsets_into_the_text():
    text = "Het thuiswerk-advies (EZK/LNV) is vastgesteld; zie 5.1.2e."
    found = list(words(text))
    assert [w.text for w in found] == [
        "Het",
        "thuiswerk",
        "advies",
        "EZK",
        "LNV",
        "is",
        "vastgesteld",
        "zie",
        "5",
        "1",
        "2e",
    ]
    assert [w.position for w in found] == list(range(len(found)))
    assert all(text[w.start : w.end] == w.text for w in found)


def test_words_keep_accented_letters_whole():
    assert [w.text for w in words("geïnformeerd over financiën")] == [
        "geïnformeerd",
        "over",
        "financiën",
    ]
