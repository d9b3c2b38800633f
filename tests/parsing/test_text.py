"""Decoding, line ends and redaction codes (`minutes.parsing.text`)."""

from __future__ import annotations

from datetime import date, time

import pytest

from minutes.parsing import REDACTION_RE, ParseError
from minutes.parsing.text import WITHHELD_RE, clean_block, clean_inline, decode, normalise
from tests.parsing.helpers import (
    all_text,
    decisions,
    item,
    outline,
    parse_fixture,
)

# ------------------------------------------ encodings, line ends (whole files)


def test_crlf_line_ends_are_normalised() -> None:
    meeting = parse_fixture("crlf.txt")
    assert meeting.encoding == "utf-8"
    assert meeting.meeting_date == date(2020, 3, 3)
    assert (meeting.start_time, meeting.end_time) == (time(16, 30), time(18, 0))
    assert meeting.place == "Trêveszaal"
    assert meeting.reference == "4100001"
    assert meeting.document_date == date(2020, 3, 4)
    assert meeting.ministries_present == ("AZ", "BZK")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 25 februari 2020", []),
    ]
    assert decisions(meeting) == [("2", "Het verslag is vastgesteld.", "adopted")]
    for text in [meeting.text, meeting.attendees_text, meeting.place, *all_text(meeting)]:
        assert "\r" not in text


def test_cp1252() -> None:
    meeting = parse_fixture("cp1252.txt")
    assert meeting.encoding == "cp1252"
    assert meeting.place == "Trêveszaal"
    assert item(meeting, "1").body == (
        "SG Financiën meldt dat het café in het ministerie gesloten is; de coördinatie "
        "ligt bij 5.1.2e."
    )
    assert meeting.ministries_mentioned == ("FIN",)
    # The cp1252 curly apostrophe (byte 0x92) in "SG’s" decodes, and the SG's are the SGO.
    assert decisions(meeting) == [("2", "De SG’s stellen het verslag vast.", "adopted")]


def test_utf8_bom() -> None:
    meeting = parse_fixture("utf8_bom.txt")
    assert meeting.encoding == "utf-8-sig"
    # The table starts on the very first line, right after the BOM.
    assert meeting.description == "SGO, verslag"
    assert meeting.meeting_date == date(2020, 3, 3)
    assert "\ufeff" not in meeting.text
    assert meeting.document_date is None
    assert meeting.reference is None
    assert outline(meeting) == [("1", "Opening en mededelingen", [])]
    assert item(meeting, "1").body == "SG Defensie opent de vergadering."
    assert meeting.ministries_mentioned == ("DEF",)


# ---------------------------------------------------- redactions (whole files)


def test_redaction_codes_kept_as_released() -> None:
    meeting = parse_fixture("redactions.txt")
    assert meeting.redaction_codes == ("5.1.2e", "5.1.1c", "5.2.1", "10.2.e")
    assert meeting.withheld_passages == 2
    body = item(meeting, "1").body
    assert body.startswith("5.1.2e (BZK) meldt dat het advies van 5.1.1c is ontvangen")
    assert "10.2.e als contactpersoon" in body
    assert body.count("buiten verzoek") == 2


# ------------------------------------------------------------------- decode


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (b"Hallo", "Hallo", "utf-8"),
        ("café".encode(), "café", "utf-8"),
        (b"\xef\xbb\xbf" + "café".encode(), "café", "utf-8-sig"),
        ("café’".encode("cp1252"), "café’", "cp1252"),
        ("café".encode("utf-16"), "café", "utf-16"),
    ],
)
def test_decode(data: bytes, text: str, encoding: str) -> None:
    assert decode(data) == (text, encoding)


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (b"", "empty", "leeg bestand"),
        (b" \r\n", "empty", "leeg bestand"),
        (b"abc\x00def", "not_text", "NUL-bytes"),
        (bytes(range(1, 9)) * 20 + b"text", "control_characters", "stuurtekens"),
    ],
)
def test_decode_refuses_what_is_no_text(data: bytes, code: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as error:
        decode(data)
    assert error.value.code == code


# ---------------------------------------------------------------- clean text


def test_normalise() -> None:
    text = "a\r\nb\rc\fd\u00a0e\u200bf\ufeffg e\u0308"
    assert normalise(text) == "a\nb\nc\nd efg \u00eb"


def test_clean_inline_drops_bold_and_control_characters() -> None:
    assert clean_inline("  **SG**\tBZK \x01meldt   iets ") == "SG BZK meldt iets"


def test_clean_block_keeps_one_blank_line_between_paragraphs() -> None:
    text = "Eerste regel  \n\n\n\n**Tweede** alinea\n  \nDerde"
    assert clean_block(text) == "Eerste regel\n\nTweede alinea\n\nDerde"


# -------------------------------------------------------------- redactions


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("5.1.2e", ["5.1.2e"]),
        ("5.1.2.e", ["5.1.2.e"]),
        ("5.1.1c", ["5.1.1c"]),
        ("10.2.e", ["10.2.e"]),
        ("11.1", ["11.1"]),
        ("art. 5.1.2e-gegevens", ["5.1.2e"]),
        # The full stop ends the sentence, it is not part of the code.
        ("zie 5.2.1.", ["5.2.1"]),
        # Numbers that only look like codes.
        ("15.1.2e", []),
        ("5.1.2ez", []),
        ("versie 5.1", []),
        ("5.1.2j", []),
    ],
)
def test_redaction_codes(text: str, codes: list[str]) -> None:
    assert REDACTION_RE.findall(text) == codes


def test_withheld_passages() -> None:
    text = "- buiten verzoek, buiten het verzoek, Buiten  verzoek, binnen verzoek"
    assert len(WITHHELD_RE.findall(text)) == 3


def test_a_parse_error_survives_pickling_with_its_code() -> None:
    # Worker processes hand errors back across a pipe.
    import pickle

    error = pickle.loads(pickle.dumps(ParseError("too_large", size=9, limit=8)))
    assert (error.code, error.params) == ("too_large", {"size": 9, "limit": 8})
    assert str(error) == "bestand te groot: 9 bytes, de grens is 8 bytes"


def test_an_unknown_parse_error_code_is_refused() -> None:
    # Every reason has its Dutch message in the one table.
    with pytest.raises(KeyError):
        ParseError("no_such_reason")
