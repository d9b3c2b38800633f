"""The parser's fast paths find what the plain patterns they stand for find (issue 11).

Each fast path is written down beside the plain pattern or loop it replaces; here each
is checked against that plain form: on every character where the claim is about
characters, and on texts made of the characters that matter (Hypothesis, fixed and
derandomized) where it is about texts. `bench/parser_bench.py --compare-ref` checks
whole files against the parser of an earlier commit.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minutes.ministries import default_alias_table
from minutes.parsing.dates import DATE_PATTERN
from minutes.parsing.decisions import (
    DECISION_WORD_RE,
    FOLDS_TO_ASCII_RE,
    classify_decision,
    has_decision_word,
)
from minutes.parsing.header import (
    GENERIC_NAME_RE,
    HEADER_LABELS,
    SEP,
    HeaderFields,
    letterhead_field,
    letterhead_names,
    page_header_pattern,
)
from minutes.parsing.ministries import MinistryMatcher, _alias_pattern, matcher_for
from minutes.parsing.text import (
    CONTROL_RE,
    REDACTION_RE,
    STRAY_CONTROLS_RE,
    WITHHELD_RE,
    clean_block,
    clean_inline,
    decode,
)

FAST = settings(max_examples=300, derandomize=True, deadline=None, database=None)
EVERY_CHARACTER = [chr(code) for code in range(sys.maxunicode + 1)]


def test_only_four_characters_fold_to_an_ascii_letter() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    folding = {ch for ch in EVERY_CHARACTER[128:] if letter.fullmatch(ch)}
    assert folding == set(FOLDS_TO_ASCII_RE.pattern[1:-1])
    assert {ch for ch in EVERY_CHARACTER if re.fullmatch("b", ch, re.IGNORECASE)} == {"b", "B"}


def test_stray_controls_are_category_cc_but_tab_line_feed_return_and_form_feed() -> None:
    expected = {
        ch for ch in EVERY_CHARACTER if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f"
    }
    assert {ch for ch in EVERY_CHARACTER[:512] if STRAY_CONTROLS_RE.match(ch)} == expected


def test_a_file_of_control_characters_is_still_refused() -> None:
    from minutes.parsing import ParseError

    with pytest.raises(ParseError, match="te veel stuurtekens"):
        decode("Verslag\x85\x86\x87\x88\x01 van de vergadering".encode())
    assert decode("Verslag\x85 van de\x0c vergadering".encode())[1] == "utf-8"


ODD = ["ſ", "İ", "ı", "K", "\u2003", "\x85", "\u2028", "\x0b", "\x01", "\t", " ", "*", "\n", "&"]


@FAST
@given(
    st.lists(
        st.sampled_from([*DECISION_WORD_RE.pattern.split("|"), "VAST", "Besl", "ak", "koord", *ODD])
        | st.text(alphabet="abcdefgiklnoprstvAKS ", max_size=6),
        max_size=12,
    )
)
def test_decision_words_are_found_as_the_case_insensitive_pattern_finds_them(
    parts: list[str],
) -> None:
    text = "".join(parts)
    assert has_decision_word(text) == bool(DECISION_WORD_RE.search(text))


@pytest.mark.parametrize(
    "sentence", ["Het SGO stemt in met het voorstel.", "Het verſlag wordt vaſtgeſteld."]
)
def test_decisions_with_odd_letters_are_still_decisions(sentence: str) -> None:
    assert classify_decision(sentence, "Verslag") is not None


PLAIN_REDACTION_RE = re.compile(
    r"(?<![\w.])(?:5\.[12]\.\d(?:\.?[a-i])?|10\.[12]\.?[a-g]|11\.1)(?![\w])"
)
PLAIN_WITHHELD_RE = re.compile(r"buiten\s+(?:het\s+)?verzoek", re.IGNORECASE)


@FAST
@given(st.text(alphabet="0125.abegijx \n_", max_size=40))
def test_redaction_codes_are_found_as_the_plain_pattern_finds_them(text: str) -> None:
    assert REDACTION_RE.findall(text) == PLAIN_REDACTION_RE.findall(text)
    assert REDACTION_RE.sub("#", text) == PLAIN_REDACTION_RE.sub("#", text)
    assert bool(REDACTION_RE.fullmatch(text)) == bool(PLAIN_REDACTION_RE.fullmatch(text))
    for start in range(len(text)):
        assert bool(REDACTION_RE.match(text, start)) == bool(PLAIN_REDACTION_RE.match(text, start))


@FAST
@given(
    st.lists(st.sampled_from(["buiten", "BUITEN", "Buiten", "het", "verzoek", *ODD]), max_size=10)
)
def test_withheld_passages_are_found_as_the_plain_pattern_finds_them(parts: list[str]) -> None:
    text = " ".join(parts)
    assert WITHHELD_RE.findall(text) == PLAIN_WITHHELD_RE.findall(text)


def plain_ministry_pattern(aliases: dict[str, str]) -> re.Pattern[str]:
    names = sorted(aliases, key=len, reverse=True)
    alternation = "|".join(_alias_pattern(name) for name in names)
    return re.compile(rf"(?<![\w&])({alternation})(?![\w&])")


ALIASES = default_alias_table()
NAME_PARTS = ["AZ", "BZK", "BZ", "J&V", "JenV", "EZ&K", "Binnenlandse", "Zaken", "Financiën", "x"]


@FAST
@given(st.lists(st.sampled_from(NAME_PARTS + ODD), max_size=12))
def test_ministry_names_are_found_as_the_plain_pattern_finds_them(parts: list[str]) -> None:
    text = "".join(parts)
    matcher = MinistryMatcher(ALIASES)
    plain = plain_ministry_pattern(ALIASES)
    assert matcher.pattern.findall(text) == plain.findall(text)
    found = {matcher.by_key[" ".join(m.group(1).split())] for m in plain.finditer(text)}
    assert matcher.find(text) == sorted(found, key=list(ALIASES.values()).index)


def test_a_matcher_is_built_once_per_alias_table() -> None:
    table = default_alias_table()
    assert matcher_for(table) is matcher_for(dict(table))
    other = {**table, "Landsverdediging": "DEF"}
    assert matcher_for(other) is not matcher_for(table)
    assert matcher_for(other).find("Landsverdediging") == ["DEF"]


def plain_header_fields(document_date: str | None, reference: str | None) -> re.Pattern[str]:
    """The fields pattern as page headers were matched before issue 11."""
    date_alt = re.escape(document_date) if document_date else DATE_PATTERN
    ref_alt = rf"{re.escape(reference)}|\d[\d./-]*" if reference else r"\d[\d./-]*"
    labels = "|".join(re.escape(label) for label in HEADER_LABELS)
    field_alt = (
        rf"(?:Datum{SEP}(?:{date_alt}|{DATE_PATTERN})"
        rf"|(?:{labels}){SEP}(?:{ref_alt})"
        rf"|Pagina{SEP}\d+{SEP}van{SEP}\d+)"
    )
    return re.compile(rf"{field_alt}(?:{SEP}{field_alt})*{SEP}")


HEADER_PARTS = [
    "Datum", "Onze referentie", "Ons kenmerk", "Kenmerk", "Referentie", "Pagina", "van",
    "20 januari 2021", "3 mrt. 2020", "20 januari", "4182454", "A-12/b", "12", "3", "**",
    " ", "\n", "\t", "x", "*",
]  # fmt: skip


@FAST
@given(
    st.lists(st.sampled_from(HEADER_PARTS), max_size=14),
    st.sampled_from([None, "", "20 januari 2021", "maandag 20 januari 2021", "19-01-2021"]),
    st.sampled_from([None, "", "4182454", "A-12/b", "12"]),
)
def test_header_fields_end_where_the_plain_pattern_ends(
    parts: list[str], document_date: str | None, reference: str | None
) -> None:
    text = "".join(parts)
    fields = HeaderFields(document_date, reference)
    plain = plain_header_fields(document_date, reference)
    for start in range(len(text) + 1):
        match = plain.match(text, start)
        assert fields.match_end(text, start) == (match.end() if match else None)


def plain_header_starts(names: list[str]) -> re.Pattern[str]:
    """Where a header may start, as it was found before issue 11."""
    labels = "|".join(re.escape(label) for label in HEADER_LABELS)
    firsts = [*(re.escape(name) for name in names), GENERIC_NAME_RE.pattern, "Datum", labels]
    return re.compile("|".join([*firsts, "Pagina"]))


@FAST
@given(
    st.lists(st.sampled_from([*HEADER_PARTS, "Kabinet", "Directoraat-generaal", "DG"]), max_size=14)
)
def test_headers_start_where_the_plain_pattern_finds_a_start(parts: list[str]) -> None:
    text = " ".join(parts)
    names = ["Kabinet Minister-President", "DG Bestuur"]
    starts = page_header_pattern(names, None, None).starts
    plain = plain_header_starts(sorted(names, key=len, reverse=True))
    for position in range(len(text) + 1):
        ours, theirs = starts.search(text, position), plain.search(text, position)
        assert (ours and ours.start()) == (theirs and theirs.start())


def test_page_headers_share_the_start_pattern_of_their_letterhead_names() -> None:
    one = page_header_pattern(["Kabinet Minister-President"], "20 januari 2021", "4182454")
    two = page_header_pattern(["Kabinet Minister-President"], "3 maart 2021", "4199999")
    assert one.starts is two.starts
    assert one.fields.reference == "4182454" and two.fields.reference == "4199999"


def plain_clean_block(text: str) -> str:
    """Clean blocks as they were cleaned before issue 11: line by line."""
    out: list[str] = []
    for line in (plain_clean_inline(raw) for raw in text.split("\n")):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def plain_clean_inline(text: str) -> str:
    text = CONTROL_RE.sub("", text).replace("**", "")
    return re.sub(r"[ \t]+", " ", text).strip()


@FAST
@given(st.lists(st.sampled_from(["a", "Bc", "**", "*", *ODD, "\n\n", "  ", "\t\t"]), max_size=20))
def test_clean_text_is_cleaned_as_line_by_line(parts: list[str]) -> None:
    text = "".join(parts)
    assert clean_inline(text) == plain_clean_inline(text)
    assert clean_block(text) == plain_clean_block(text)


def test_letterhead_lines_are_read_as_before() -> None:
    lines = ["Kabinet Minister-President", "", "Datum", "", "**20 januari 2021**", "Kenmerk: 12"]
    assert letterhead_field(lines, "Datum") == "20 januari 2021"
    assert letterhead_field(lines, "Kenmerk") == "12"
    assert letterhead_names(lines) == ["Kabinet Minister-President"]
