"""Whole files through `parse_minutes`: the two samples, synthetic minutes of other
years and other templates, and files that are no minutes at all.

Expectations are what a careful reader takes from the text, written down by hand
from the sample files and the fixtures in `tests/fixtures/`; they are not copied
from the parser's output. No database is needed: parsing is bytes in, data out.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date, time

import pytest

from minutes.parsing import ParsedMeeting, ParseError, ParseWarning, parse_minutes
from minutes.parsing.text import PARSE_ERRORS, PARSE_WARNINGS
from tests.parsing.helpers import (
    ALL_TWELVE,
    FIXTURES,
    ROOT,
    assert_no_page_header,
    contributions,
    decisions,
    flat,
    item,
    outline,
    parse_fixture,
    parse_sample,
)

# ----------------------------------------------------------------- sample 2020


@pytest.fixture(scope="module")
def m2020() -> ParsedMeeting:
    return parse_sample("sgo-2020-09-09.txt")


def test_2020_header_fields(m2020: ParsedMeeting) -> None:
    assert m2020.meeting_date == date(2020, 9, 9)
    assert m2020.start_time == time(16, 30)
    assert m2020.end_time == time(18, 0)
    assert m2020.place == "Trêveszaal"
    assert m2020.reference == "4151247"
    # The letterhead Datum is the date the minutes were written, the day after.
    assert m2020.document_date == date(2020, 9, 10)
    assert m2020.encoding == "utf-8"
    assert m2020.description == "SGO, verslag"
    assert m2020.absentees_text == ""
    assert m2020.attendees_text.startswith("5.1.2e (AZ, vz), 5.1.2e (DEF)")
    assert m2020.attendees_text.endswith("5.1.2e (BZK), 5.1.2e (secretaris)")


def test_2020_items_in_document_order(m2020: ParsedMeeting) -> None:
    assert outline(m2020) == [
        ("1", "Opening en mededelingen", []),
        ("ingelast", "stand van zaken regels huisvesting", []),
        ("2", "Verslag SGO 2 september 2020", []),
        (
            "3",
            "Interdepartementale afstemming",
            [("a", "RMR en MR vrijdag 11 september 2020"), ("b", "Voorportalen en Onderraden")],
        ),
        ("4", "Rondvraag, actualiteiten en sluiting", []),
    ]


def test_2020_decisions(m2020: ParsedMeeting) -> None:
    # "Afgesproken is dat ..." in item 1 is an agreement between the MP and the
    # Speaker, reported in passing: not the SGO's.
    assert decisions(m2020) == [
        (
            "ingelast",
            "De SG's bespreken de wijze waarop hun departementen omgaan met de actuele "
            "situatie en bevestigen de lijn van de ICBR.",
            "agreed",
        ),
        (
            "2",
            "Met inachtneming van besproken wijziging wordt het verslag vastgesteld.",
            "adopted",
        ),
    ]
    assert [d.item_index for d in m2020.decisions] == [1, 2]


def test_2020_ministries(m2020: ParsedMeeting) -> None:
    assert m2020.ministries_present == ALL_TWELVE
    # DEF and LNV attend but are never named in the body; "(secretaris)" is no ministry.
    assert m2020.ministries_mentioned == (
        "AZ", "BZ", "BZK", "EZK", "FIN", "IenW", "JenV", "OCW", "SZW", "VWS",
    )  # fmt: skip
    assert item(m2020, "1").ministries_mentioned == ("AZ", "BZ", "EZK", "FIN", "SZW")
    assert item(m2020, "ingelast").ministries_mentioned == ()
    assert item(m2020, "2").ministries_mentioned == ("BZK",)


def test_2020_redactions(m2020: ParsedMeeting) -> None:
    assert m2020.redaction_codes == ("5.1.2e",)
    assert m2020.withheld_passages == 1


def test_2020_rondvraag(m2020: ParsedMeeting) -> None:
    rondvraag = item(m2020, "4")
    assert contributions(rondvraag) == [
        ("J&V:", "JenV"),
        ("BZ:", "BZ"),
        ("EZK:", "EZK"),
        ("BZK:", "BZK"),
        ("VWS:", "VWS"),
    ]
    jenv, bz, ezk, bzk, vws = rondvraag.contributions
    assert "buiten verzoek" in jenv.text
    assert "gesproken heeft met de DG Covid-19" in jenv.text
    assert "uitzonderingscategorieën van het inreisverbod" in bz.text
    assert "DOC-ACC-MCC-structuur" in ezk.text
    assert "strategische agenda's" in bzk.text
    assert "politiek-bestuurlijke verantwoordelijkheid" in bzk.text
    assert "werkgroep Halsema" in vws.text
    assert "Staat stil bij de ontwikkelingen rondom corona." in vws.text
    assert rondvraag.ministries_mentioned == (
        "AZ", "BZ", "BZK", "EZK", "IenW", "JenV", "OCW", "SZW", "VWS",
    )  # fmt: skip


def test_2020_page_headers_removed_and_sentences_whole(m2020: ParsedMeeting) -> None:
    sentence = (
        "SG SZW neemt het voortouw om interdepartementaal contact tussen strategie-clubs "
        "over dit onderwerp te bevorderen."
    )
    assert sentence in item(m2020, "4").body
    assert sentence in m2020.body
    bzk = item(m2020, "4").contributions[3]
    assert sentence in bzk.text
    # The glued header ("10 september 2020Onze referentie") sat between two
    # paragraphs of the inserted item: both survive, as separate paragraphs.
    ingelast = item(m2020, "ingelast").body
    assert (
        "De departementale leiding blijft zelf verantwoordelijk.\n\n"
        "De SG's bespreken de wijze waarop" in ingelast
    )
    assert_no_page_header(
        m2020, "Kabinet Minister-President", "Onze referentie", "4151247", "10 september 2020"
    )


def test_2020_item_bodies(m2020: ParsedMeeting) -> None:
    opening = item(m2020, "1").body
    assert opening.startswith("- SG BZ draagt, als voormalig SG AZ, de voorzittershamer")
    assert "ministeriële vertegenwoordiging in vak K" in opening
    assert opening.endswith("ambtelijke ondersteuning gedurende de APB.")
    assert item(m2020, "2").body == (
        "Conform bespreking in het SGO wordt het verslag aangepast op verzoek van SG BZK. "
        "Met inachtneming van besproken wijziging wordt het verslag vastgesteld."
    )
    # The sub-items are headings only; "Besproken." belongs to item 3 itself.
    afstemming = item(m2020, "3")
    assert afstemming.body == "Besproken."
    assert [s.body for s in afstemming.subitems] == ["", ""]


def test_2020_json_shape(m2020: ParsedMeeting) -> None:
    data = m2020.as_json()
    assert data["meeting_date"] == "2020-09-09"
    assert data["start_time"] == "16:30"
    assert data["end_time"] == "18:00"
    assert data["document_date"] == "2020-09-10"
    assert [i["number"] for i in data["agenda_items"]] == ["1", "ingelast", "2", "3", "4"]
    assert data["agenda_items"][3]["subitems"] == [
        {"letter": "a", "title": "RMR en MR vrijdag 11 september 2020"},
        {"letter": "b", "title": "Voorportalen en Onderraden"},
    ]
    assert data["decisions"][1] == {
        "item": "2",
        "text": "Met inachtneming van besproken wijziging wordt het verslag vastgesteld.",
        "kind": "adopted",
    }
    assert data["ministries_present"] == list(ALL_TWELVE)
    assert data["redaction_codes"] == ["5.1.2e"]


# ----------------------------------------------------------------- sample 2021


@pytest.fixture(scope="module")
def m2021() -> ParsedMeeting:
    return parse_sample("sgo-2021-01-19.txt")


def test_2021_header_fields(m2021: ParsedMeeting) -> None:
    assert m2021.meeting_date == date(2021, 1, 19)
    assert m2021.start_time == time(15, 0)
    assert m2021.end_time == time(16, 30)
    assert m2021.place == "Webex"
    assert m2021.reference == "4182454"
    assert m2021.document_date == date(2021, 1, 20)
    assert m2021.encoding == "utf-8"
    assert m2021.description == "SGO, verslag"
    assert m2021.attendees_text == "5.1.2e"
    assert m2021.absentees_text == ""


def test_2021_items(m2021: ParsedMeeting) -> None:
    # "5.1.2e JenV geeft ..." opens a paragraph of item 4; it is not item 5.
    assert outline(m2021) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 12 januari 2021", []),
        ("3", "Presentatie Rijksdienst 2022", []),
        (
            "4",
            "Voortgang op de herziening van het integraal afwegingskader voor beleid en "
            "regelgeving",
            [],
        ),
        (
            "5",
            "Interdepartementale afstemming",
            [("a", "RMR en MR vrijdag 22 januari 2021"), ("b", "Voorportalen en Onderraden")],
        ),
        ("6", "Rondvraag, actualiteiten en sluiting", []),
    ]


def test_2021_decisions(m2021: ParsedMeeting) -> None:
    # Not decisions: "Spreker informeert ... of de leden kunnen instemmen" (a question),
    # "Besproken.", and the rule that concept-nader rapporten go to the ministerraad.
    assert decisions(m2021) == [
        ("2", "Het verslag is vastgesteld.", "adopted"),
        (
            "4",
            "Het SGO stemt vervolgens in met het voorstel met dien verstande dat de governance "
            "minder klassiek c.q. traditioneel wordt ingericht, beleid nadrukkelijk betrokken "
            "wordt bij de uitwerking van de actielijnen, de opvolging van de derde en vierde "
            "actielijn direct ter hand worden genomen, dat link met de POK wordt geëxpliciteerd "
            "en de Social Development Goals een plek krijgen in het IAK.",
            "consented",
        ),
        (
            "6",
            "Het SGO spreekt aansluitend af om in de volgende vergadering van het SGO nader bij "
            "dit onderwerp stil te staan.",
            "agreed",
        ),
    ]


def test_2021_ministries(m2021: ParsedMeeting) -> None:
    # Names on the Aanwezig line are redacted without tags: no ministry is known.
    assert m2021.ministries_present == ()
    # "financiële implicaties" is an adjective, not Financiën; "kabinet" is no ministry.
    assert m2021.ministries_mentioned == ("AZ", "BZK", "EZK", "JenV")
    assert item(m2021, "3").ministries_mentioned == ()
    assert item(m2021, "4").ministries_mentioned == ("JenV",)
    assert item(m2021, "6").ministries_mentioned == ("BZK", "EZK")


def test_2021_redactions(m2021: ParsedMeeting) -> None:
    # Kept exactly as released, also where the release set the code in bold.
    assert m2021.redaction_codes == ("5.1.2e",)
    assert m2021.withheld_passages == 0
    assert "De 5.1.2e Overheidsorganisatie dankt het SGO" in item(m2021, "3").body


def test_2021_rondvraag(m2021: ParsedMeeting) -> None:
    rondvraag = item(m2021, "6")
    assert contributions(rondvraag) == [("EZK", "EZK")]
    [ezk] = rondvraag.contributions
    assert ezk.text.startswith("- Staat stil bij het aftreden van het kabinet")
    assert ezk.text.endswith("nader bij dit onderwerp stil te staan.")


def test_2021_page_headers_removed_and_sentences_whole(m2021: ParsedMeeting) -> None:
    sentence = (
        "Aansluitend wordt gemeld dat de derde en vierde actielijn eerst nader worden "
        "uitgewerkt om een beter beeld te krijgen van onder meer de benodigde middelen."
    )
    assert sentence in item(m2021, "4").body
    assert sentence in m2021.body
    # The header between "blijkt onder meer dat:" and the bullet list sat between
    # paragraphs: the break stays.
    assert (
        "Uit het onderzoek blijkt onder meer dat:\n\n- Het merendeel van de medewerkers"
        in item(m2021, "3").body
    )
    assert_no_page_header(
        m2021, "Kabinet Minister-President", "Onze referentie", "4182454", "20 januari 2021"
    )


def test_2021_item_bodies(m2021: ParsedMeeting) -> None:
    assert item(m2021, "1").body.startswith("Gemeld wordt dat 5.1.2e AZ afwezig is")
    assert item(m2021, "2").body == "Het verslag is vastgesteld."
    afstemming = item(m2021, "5")
    assert afstemming.body.startswith("Besproken.\n\nGemeld wordt dat vanaf heden")
    assert afstemming.body.endswith("aan de ministerraad moeten worden voorgelegd.")
    # The word "VERSLAG" above item 1 stays in the top-level body, outside any item.
    assert m2021.body.startswith("VERSLAG\n\n1. Opening en mededelingen")


# ---------------------------------------------------------- not minutes at all


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ((FIXTURES / "empty.txt").read_bytes(), "empty"),
        (b" \r\n\t\n", "empty"),
        ((FIXTURES / "binary.png").read_bytes(), "not_text"),
        # Its letterhead's "Datum" is the document's date, not the meeting's.
        ((FIXTURES / "no_meeting_date.txt").read_bytes(), "document_date_only"),
    ],
    ids=["empty", "blank", "binary", "no-meeting-date"],
)
def test_unreadable_files_raise_parse_error(data: bytes, code: str) -> None:
    with pytest.raises(ParseError) as error:
        parse_minutes(data)
    assert error.value.code == code
    assert str(error.value) == PARSE_ERRORS[code].format(**error.value.params)
    assert str(error.value).startswith(("leeg", "geen"))


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(ParseError, ValueError)


# ------------------------------------------------------------ what it noticed

SAMPLE_2021 = (ROOT / "sample_data" / "sgo-2021-01-19.txt").read_bytes()


@pytest.mark.parametrize(
    ("data", "code", "message"),
    [
        (
            (FIXTURES / "time_end_before_start.txt").read_bytes(),
            "end_before_start",
            "eindtijd 10.00 uur ligt vóór de begintijd 16.30 uur; de eindtijd is weggelaten",
        ),
        (
            b"Verslag SGO\n\nVergaderdatum en -tijd\t19 januari 2021, 15.00 - 16.30 uur\n\n"
            b"Het overleg is kort geweest.\n",
            "no_agenda_items",
            "geen genummerde agendapunten gevonden",
        ),
        (
            (FIXTURES / "generic" / "datum_row_werkgroep.md").read_bytes(),
            "numbered_by_position",
            "agendapunten genummerd naar hun volgorde: het verslag nummert ze niet",
        ),
        (
            # The letterhead's "Datum" (the document's date) a day before the meeting.
            SAMPLE_2021.replace(b"20 januari 2021", b"18 januari 2021"),
            "document_before_meeting",
            "de datum van het verslag ligt vóór de vergaderdatum",
        ),
    ],
    ids=["end-before-start", "no-items", "numbered-by-position", "document-before-meeting"],
)
def test_warnings_carry_a_code_and_their_dutch_message(
    data: bytes, code: str, message: str
) -> None:
    [warning] = parse_minutes(data).warnings
    assert warning.code == code
    assert str(warning) == warning.message == message
    assert message == PARSE_WARNINGS[code].format(**warning.params)


def test_every_warning_in_the_table_is_one_the_parser_gives() -> None:
    # The four cases above, one per code: no message in the table goes unused.
    assert set(PARSE_WARNINGS) == {
        "end_before_start",
        "no_agenda_items",
        "numbered_by_position",
        "document_before_meeting",
    }


def test_a_warning_crosses_to_and_from_a_parsing_worker_whole() -> None:
    warning = ParseWarning("end_before_start", end="10.00", start="16.30")
    assert pickle.loads(pickle.dumps(warning)) == warning
    assert warning != ParseWarning("end_before_start", end="11.00", start="16.30")
    with pytest.raises(KeyError):
        ParseWarning("no such warning")


def test_the_samples_give_no_warnings(m2020: ParsedMeeting, m2021: ParsedMeeting) -> None:
    assert m2020.warnings == m2021.warnings == ()


# ------------------------------------------------------------- other templates


def test_other_template_held_on() -> None:
    meeting = parse_fixture("other_template_gehouden_op.txt")
    assert meeting.meeting_date == date(2020, 3, 3)
    assert (meeting.start_time, meeting.end_time) == (None, None)
    assert meeting.document_date is None
    assert outline(meeting) == [
        ("1", "Opening", []),
        ("2", "Vaststelling agenda", []),
        ("3", "Voortgang actieplan", []),
        ("4", "Sluiting", []),
    ]
    assert item(meeting, "1").body == "De voorzitter opent de vergadering."
    assert item(meeting, "4").body == "De voorzitter sluit de vergadering."
    assert "De projectleider licht de voortgang toe." in meeting.body
    assert meeting.ministries_present == ("BZK", "OCW")


def test_other_template_notulen_with_colon_labels() -> None:
    meeting = parse_fixture("other_template_notulen.txt")
    assert meeting.meeting_date == date(2022, 10, 12)
    assert (meeting.start_time, meeting.end_time) == (time(14, 0), time(15, 30))
    assert meeting.place == "Rijnstraat 50, Den Haag"
    assert meeting.ministries_present == ("FIN", "LNV")
    assert outline(meeting) == [
        ("1", "Opening", []),
        ("2", "Huisvesting", []),
        ("3", "Rondvraag", []),
    ]
    assert item(meeting, "2").body == "De leden bespreken de bezetting van de kantoren."


# ---------------------------------------------- synthetic minutes, other years


def test_synthetic_2018_bold_headings_and_list_in_body() -> None:
    meeting = parse_fixture("sgo-2018-06-12.txt")
    assert meeting.meeting_date == date(2018, 6, 12)
    assert (meeting.start_time, meeting.end_time) == (time(16, 30), time(18, 0))
    assert meeting.place == "Trêveszaal"
    assert meeting.reference == "3712345"
    assert meeting.document_date == date(2018, 6, 13)
    assert meeting.encoding == "utf-8"
    assert meeting.absentees_text == "10.2.e (LNV)"
    assert meeting.ministries_present == (
        "AZ", "BZ", "BZK", "DEF", "EZK", "FIN", "IenW", "JenV", "OCW", "SZW", "VWS",
    )  # fmt: skip
    # The numbered proposals (1.-4.) inside item 3 are a list, not agenda items, even
    # where "4." would follow on from item 3.
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 5 juni 2018", []),
        ("3", "Rijksbrede mobiliteit", []),
        ("4", "Rondvraag, actualiteiten en sluiting", []),
    ]
    mobiliteit = item(meeting, "3").body
    assert "1. een rijksbrede vacaturebank in te richten;" in mobiliteit
    assert "4. in het najaar aan het SGO te rapporteren." in mobiliteit
    # The bold page header (with "Pagina 2 van 3") sat between two paragraphs.
    assert "met een raming van de kosten.\n\nSG Defensie vraagt aandacht" in mobiliteit
    assert decisions(meeting) == [
        ("2", "Vastgesteld.", "adopted"),
        (
            "3",
            "Het SGO besluit de werkgroep te vragen het voorstel uit te werken, met een "
            "raming van de kosten.",
            "decided",
        ),
    ]
    assert meeting.ministries_mentioned == ("BZ", "BZK", "DEF", "FIN", "IenW", "LNV", "VWS")
    rondvraag = item(meeting, "4")
    assert contributions(rondvraag) == [("BZ:", "BZ"), ("IenW:", "IenW")]
    assert flat(rondvraag.contributions[1].text).endswith(
        "worden betrokken bij de uitwerking van de maatregelen."
    )
    assert meeting.redaction_codes == ("10.2.e",)
    assert_no_page_header(meeting, "Kabinet Minister-President", "Pagina", "3712345", "**")


def test_synthetic_2019_withheld_item_and_subitems() -> None:
    meeting = parse_fixture("sgo-2019-11-26.txt")
    assert meeting.meeting_date == date(2019, 11, 26)
    assert meeting.document_date == date(2019, 11, 27)
    assert meeting.reference == "3998765"
    assert meeting.ministries_present == (
        "AZ", "BZK", "EZK", "FIN", "IenW", "JenV", "LNV", "OCW",
    )  # fmt: skip
    assert meeting.absentees_text == "10.2.e (BZ), 10.2.e (DEF), 10.2.e (SZW), 10.2.e (VWS)"
    # Item 3 was withheld: the numbering goes 1, 2, 4, 5.
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 19 november 2019", []),
        (
            "4",
            "Interdepartementale afstemming",
            [
                ("a", "RMR en MR vrijdag 29 november 2019"),
                ("b", "Voorportalen en Onderraden"),
                ("c", "Jaarplanning SGO 2020"),
            ],
        ),
        ("5", "Rondvraag, actualiteiten en sluiting", []),
    ]
    afstemming = item(meeting, "4")
    assert [flat(s.body) for s in afstemming.subitems] == [
        "SG AZ licht de agenda van de ministerraad toe.",
        "SG EZK meldt dat het voorportaal van de onderraad Klimaat is uitgesteld.",
        "SG BZK presenteert de concept-jaarplanning. Besloten wordt de jaarplanning in "
        "januari opnieuw te agenderen. Het SGO stemt in met de thema's voor het eerste "
        "kwartaal.",
    ]
    # The ministerraad's decisions in item 1 are reported, not taken, by the SGO.
    assert decisions(meeting) == [
        ("2", "Het verslag wordt met een tekstuele wijziging van SG LNV vastgesteld.", "adopted"),
        ("4", "Besloten wordt de jaarplanning in januari opnieuw te agenderen.", "decided"),
        ("4", "Het SGO stemt in met de thema's voor het eerste kwartaal.", "consented"),
    ]
    assert meeting.ministries_mentioned == ("AZ", "BZK", "EZK", "FIN", "JenV", "LNV")
    rondvraag = item(meeting, "5")
    assert [(c.label, c.ministry, flat(c.text)) for c in rondvraag.contributions] == [
        (
            "J&V:",
            "JenV",
            "- Meldt dat de aanpak van ondermijning wordt geïntensiveerd in samenwerking met "
            "Financiën en de Belastingdienst.",
        ),
        ("LNV:", "LNV", "- 10.2.e - buiten verzoek"),
    ]
    assert meeting.redaction_codes == ("10.2.e",)
    assert meeting.withheld_passages == 1
    assert_no_page_header(meeting, "Kabinet Minister-President", "3998765", "Onze referentie")


def test_synthetic_2020_bom_agreements() -> None:
    meeting = parse_fixture("sgo-2020-12-08.txt")
    assert meeting.encoding == "utf-8-sig"
    assert meeting.meeting_date == date(2020, 12, 8)
    assert (meeting.start_time, meeting.end_time) == (time(15, 0), time(16, 30))
    assert meeting.place == "Webex"
    assert meeting.reference == "4170001"
    assert meeting.document_date == date(2020, 12, 9)
    assert meeting.attendees_text == (
        "5.1.2e (AZ, vz), 5.1.2e (BZK), 5.1.2e (DEF), 5.1.2e (JenV) en 5.1.2e (secretaris)"
    )
    assert meeting.ministries_present == ("AZ", "BZK", "DEF", "JenV")
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslag SGO 1 december 2020", []),
        ("3", "Vaccinatiestrategie rijksdienst", []),
        ("4", "Rondvraag, actualiteiten en sluiting", []),
    ]
    # "Het kabinet heeft besloten ..." is the cabinet's decision, not the SGO's.
    assert decisions(meeting) == [
        (
            "2",
            "Het verslag is met inachtneming van de opmerking van SG DEF vastgesteld.",
            "adopted",
        ),
        ("3", "Het SGO gaat akkoord met de communicatie richting medewerkers.", "agreed"),
        ("3", "Afgesproken wordt dat SG JenV de coördinatie op zich neemt.", "agreed"),
    ]
    assert meeting.ministries_mentioned == ("DEF", "JenV")
    assert contributions(item(meeting, "4")) == [("Defensie:", "DEF")]
    assert meeting.redaction_codes == ("5.1.2e",)


def test_synthetic_2022_cp1252_crlf_glued_headers() -> None:
    meeting = parse_fixture("sgo-2022-05-17.txt")
    assert meeting.encoding == "cp1252"
    assert meeting.meeting_date == date(2022, 5, 17)
    assert (meeting.start_time, meeting.end_time) == (time(10, 0), time(11, 30))
    assert meeting.place == "Webex"
    assert meeting.reference == "4412345"
    assert meeting.document_date == date(2022, 5, 18)
    assert meeting.ministries_present == ALL_TWELVE
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("ingelast", "opvang ontheemden uit Oekraïne", []),
        ("2", "Verslag SGO 10 mei 2022", []),
        ("3", "Strategische personeelsplanning", []),
        ("ingelast", "cyberweerbaarheid", []),
        ("4", "Rondvraag, actualiteiten en sluiting", []),
    ]
    assert flat(item(meeting, "3").body) == (
        "5.1.2e licht de rapportage toe namens de ICBR. De rijksbrede personeelsplanning laat "
        "zien dat de krapte op de arbeidsmarkt het werven van ICT-personeel bemoeilijkt. "
        "Het SGO gaat akkoord met de voorgestelde rijksbrede arbeidsmarktcampagne."
    )
    assert decisions(meeting) == [
        ("2", "Het SGO stelt het verslag ongewijzigd vast.", "adopted"),
        (
            "3",
            "Het SGO gaat akkoord met de voorgestelde rijksbrede arbeidsmarktcampagne.",
            "agreed",
        ),
    ]
    assert [d.item_index for d in meeting.decisions] == [2, 3]
    assert meeting.ministries_mentioned == ("BZK", "JenV", "VWS")
    rondvraag = item(meeting, "4")
    assert [(c.label, c.ministry, c.text) for c in rondvraag.contributions] == [
        ("BZK:", "BZK", "Meldt dat de Woo-verzoeken over de coronaperiode in behandeling zijn."),
        ("SG VWS:", "VWS", "Vraagt aandacht voor de najaarsaanpak corona."),
    ]
    assert meeting.redaction_codes == ("5.1.2e", "5.1.2i")
    assert "\r" not in meeting.body
    assert_no_page_header(meeting, "Kabinet Minister-President", "4412345", "Datum", "**")


def test_synthetic_2023_page_numbers_and_list_running_into_items() -> None:
    meeting = parse_fixture("sgo-2023-02-14.txt")
    assert meeting.meeting_date == date(2023, 2, 14)
    assert (meeting.start_time, meeting.end_time) == (time(13, 0), time(17, 30))
    assert meeting.reference == "5234567"
    assert meeting.document_date == date(2023, 2, 15)
    assert meeting.ministries_present == ("AZ", "BZK", "FIN", "OCW", "VWS")
    assert meeting.absentees_text == "5.1.2e (BZ)"
    # "2. De planning ..." belongs to the list under item 1; the real item 2 follows it.
    # Item 4 was withheld.
    assert outline(meeting) == [
        ("1", "Opening en mededelingen", []),
        ("2", "Verslagen SGO 31 januari en 7 februari 2023", []),
        ("3", "Werken in Caribisch Nederland", []),
        ("5", "Rondvraag, actualiteiten en sluiting", []),
    ]
    assert item(meeting, "1").body == (
        "SG AZ meldt twee punten:\n"
        "1. De MP reist volgende week naar Brussel voor de Europese Raad.\n"
        "2. De planning van de Voorjaarsnota is met een week verschoven."
    )
    assert "niet toereikend is.\n\nHet SGO besluit" in item(meeting, "3").body
    assert decisions(meeting) == [
        ("2", "Het SGO stelt het verslag van 7 februari 2023 vast.", "adopted"),
        (
            "3",
            "Het SGO besluit een interdepartementale werkgroep in te stellen onder "
            "voorzitterschap van SG BZK.",
            "decided",
        ),
        ("5", "Het SGO spreekt af de werkgroep ook hiernaar te laten kijken.", "agreed"),
    ]
    assert meeting.ministries_mentioned == ("AZ", "BZK", "FIN", "OCW")
    rondvraag = item(meeting, "5")
    assert contributions(rondvraag) == [("OCW:", "OCW")]
    assert flat(rondvraag.body).endswith(
        "Het SGO spreekt af de werkgroep ook hiernaar te laten kijken."
    )
    assert meeting.redaction_codes == ("5.1.2e",)
    assert_no_page_header(meeting, "Kabinet Minister-President", "Pagina", "5234567", "Datum")


# ----------------------------------------------------------------- purity


def test_the_parser_imports_no_django() -> None:
    # Pure: `manage.py parse_minutes`, the bench and any script can parse without Django.
    code = (
        "import sys, minutes.parsing; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'psycopg')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_aliases_are_keyword_only() -> None:
    data = (FIXTURES / "crlf.txt").read_bytes()
    with pytest.raises(TypeError):
        parse_minutes(data, {"AZ": "AZ"})
