"""The generic parser: other bodies' minutes in several templates (tests/fixtures/generic)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from minutes.parsing import DecisionKind, ParseError, parse_minutes

GENERIC = Path(__file__).resolve().parent.parent / "fixtures" / "generic"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "sample_data"


def parse(name: str):
    return parse_minutes((GENERIC / name).read_bytes())


@pytest.mark.parametrize(
    ("name", "meeting_date"),
    [
        ("logius_to_markdown.md", date(2021, 12, 2)),  # | Vergaderdatum en -tijd | row
        ("logius_to_pdftext.txt", date(2024, 12, 10)),  # label, date on a line below
        ("rijkshuisstijl_vergaderdatum.txt", date(2021, 3, 4)),  # "Vergaderdatum 4 maart 2021"
        ("vergaderdatum_en_tijd.md", date(2023, 12, 7)),  # "Vergaderdatum en tijd:"
        ("datum_vergadering.txt", date(2022, 5, 12)),  # "Datum vergadering:"
        ("title_date_stuurgroep.md", date(2020, 12, 10)),  # only in the title
        ("dd_header_werkgroep.md", date(2021, 11, 24)),  # "> dd 24-11-2021" in the header
        ("besluitenlijst_gemeente.txt", date(2021, 1, 12)),  # municipal title
        ("icbr_verslag.txt", date(2021, 4, 14)),
    ],
)
def test_the_meeting_date_is_found_in_each_template(name: str, meeting_date: date) -> None:
    assert parse(name).meeting_date == meeting_date


def test_the_letterhead_datum_is_the_document_date_not_the_meetings() -> None:
    parsed = parse("logius_to_pdftext.txt")
    assert parsed.document_date == date(2024, 12, 24)
    assert parsed.meeting_date == date(2024, 12, 10)
    assert parse("rijkshuisstijl_vergaderdatum.txt").document_date == date(2021, 3, 5)


def test_a_file_with_only_a_letterhead_datum_is_rejected_with_the_reason() -> None:
    with pytest.raises(ParseError) as error:
        parse("letterhead_datum_only.txt")
    assert error.value.code == "document_date_only"
    assert str(error.value) == (
        "geen vergaderdatum gevonden: de ‘Datum’ 5 maart 2021 is de datum van het document, "
        "niet die van de vergadering"
    )


def test_a_date_in_the_body_is_not_the_meeting_date() -> None:
    # "de vergadering van 3 maart 2021" in item 2 is another meeting's.
    with pytest.raises(ParseError, match="geen vergaderdatum gevonden") as error:
        parse("body_date_only.md")
    assert error.value.code == "no_meeting_date"
    # The title's date wins over "de vorige vergadering van 3 maart 2020" in item 1.
    assert parse("title_date_stuurgroep.md").meeting_date == date(2020, 12, 10)


def test_times_place_and_attendees() -> None:
    parsed = parse("logius_to_pdftext.txt")
    assert (parsed.start_time, parsed.end_time) == (time(10, 0), time(12, 0))
    assert parsed.place == "Webex/online"
    assert "Deelnemer A (RDW)" in parsed.attendees_text
    assert "Deelnemer B (UWV)" in parsed.attendees_text
    assert parsed.absentees_text == "Deelnemer C (Kadaster), Deelnemer D (DUO)"
    markdown = parse("logius_to_markdown.md")
    assert (markdown.start_time, markdown.place) == (time(13, 30), "Online via Webex")
    # The attendee table's rows, not its header row.
    assert markdown.attendees_text.startswith("Voorzitter Logius, Deelnemer A VNG")
    assert "Naam" not in markdown.attendees_text
    ministries = parse("datum_vergadering.txt")
    assert (ministries.start_time, ministries.end_time) == (time(14, 0), time(15, 30))
    assert ministries.place == "Den Haag, Turfmarkt"
    assert ministries.absentees_text == "5.1.2e (EZK)"
    assert set(ministries.ministries_present) >= {"BZK", "OCW"}


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        # "## 1. Opening" Markdown headings
        ("logius_to_markdown.md", ["Opening en mededelingen", "Roadmap 2022/2023"]),
        # "1." in a PDF's text, with a running page header inside item 2
        ("logius_to_pdftext.txt", ["Opening & mededelingen (vz)", "Wijzigingsvoorstel FSC"]),
        # Word numbering that came out as "1." before every item
        ("rijkshuisstijl_vergaderdatum.txt", ["Opening", "Verslag en actie-/besluitenlijst"]),
        ("vergaderdatum_en_tijd.md", ["Opening & mededelingen", "Presentatie CloudEvents"]),
        ("datum_vergadering.txt", ["Opening", "Verslag vorige vergadering"]),  # "1)"
        ("dd_header_werkgroep.md", ["Opening", "Pull requests"]),  # "1<TAB>", "3  "
        (
            "besluitenlijst_gemeente.txt",
            ["Opening en mededelingen", "Besluitenlijst van 5 januari 2021"],
        ),
        ("icbr_verslag.txt", ["Opening en vaststelling agenda", "Ambitie Rijksdienst 2022"]),
    ],
)
def test_agenda_items_per_numbering_style(name: str, titles: list[str]) -> None:
    items = parse(name).agenda_items
    assert [item.title for item in items[:2]] == titles
    assert [item.number for item in items] == [str(n) for n in range(1, len(items) + 1)]


def test_word_numbering_is_renumbered_in_order() -> None:
    items = parse("rijkshuisstijl_vergaderdatum.txt").agenda_items
    assert [(i.number, i.title) for i in items][-1] == ("5", "Rondvraag en sluiting")


def test_a_running_page_header_is_removed_from_the_body() -> None:
    item = parse("logius_to_pdftext.txt").agenda_items[1]
    assert "Pagina" not in item.body
    assert "24-12-2024" not in item.body
    assert "Het TO neemt kennis van de uitkomst." in item.body.replace("\n", " ")


def decisions(name: str) -> list[tuple[str, DecisionKind, str]]:
    return [(d.item, d.kind, d.text) for d in parse(name).decisions]


def test_decisions_and_action_items() -> None:
    found = decisions("logius_to_markdown.md")
    assert ("1", DecisionKind.ADOPTED) in {(item, kind) for item, kind, _ in found}
    assert ("2", DecisionKind.CONSENTED, "Het TO stemt in met publicatie van de roadmap.") in found
    assert (
        "2",
        DecisionKind.ACTION,
        "Actie: Logius werkt de roadmap bij voor het volgende overleg.",
    ) in found
    assert (
        "3",
        DecisionKind.DECIDED,
        "Besluit: het profiel gaat in openbare consultatie.",
    ) in found
    municipal = decisions("besluitenlijst_gemeente.txt")
    assert ("2", DecisionKind.ADOPTED, "De besluitenlijst wordt vastgesteld.") in municipal
    assert municipal[-1][:2] == ("3", DecisionKind.DECIDED)
    werkgroep = decisions("dd_header_werkgroep.md")
    assert [(item, kind) for item, kind, _ in werkgroep] == [
        ("2", DecisionKind.AGREED),
        ("3", DecisionKind.ACTION),
    ]


def test_rows_of_an_action_table_are_action_items() -> None:
    found = decisions("title_date_stuurgroep.md")
    actions = [(item, text) for item, kind, text in found if kind == DecisionKind.ACTION]
    assert actions == [
        ("4", "Monitor publiceren op de website – Logius – open"),
        ("4", "Brief aan de SG's opstellen – BZK – gereed"),
    ]
    assert ("3", DecisionKind.DECIDED, "De stuurgroep besluit de monitor te publiceren.") in found
    # The table is no part of the item's text.
    assert "|" not in parse("title_date_stuurgroep.md").agenda_items[3].body


@pytest.mark.parametrize(
    ("name", "series"),
    [
        ("logius_to_markdown.md", "Technisch Overleg Digikoppeling"),
        ("logius_to_pdftext.txt", "Technisch Overleg Digikoppeling"),
        ("title_date_stuurgroep.md", "Stuurgroep Digitale Toegankelijkheid"),
        ("besluitenlijst_gemeente.txt", "College van B en W"),
        ("icbr_verslag.txt", "ICBR"),
        ("dd_header_werkgroep.md", "Werkgroep API Design Rules"),
    ],
)
def test_series_names_are_clean(name: str, series: str) -> None:
    assert parse(name).series == series


def test_series_of_the_sgo_template_and_titles() -> None:
    for sample in sorted(SAMPLES.glob("*.txt")):
        parsed = parse_minutes(sample.read_bytes())
        assert (parsed.series, parsed.template) == ("SGO", "sgo")
    # Other councils use the SGO template: their title names them.
    fixtures = GENERIC.parent
    stuurgroep = parse_minutes((fixtures / "other_template_gehouden_op.txt").read_bytes())
    assert (stuurgroep.series, stuurgroep.template) == ("Stuurgroep Informatiehuishouding", "sgo")
    # Without an SGO description or another body's name: no series (the import: SGO).
    untitled = parse_minutes((fixtures / "time_own_row.txt").read_bytes())
    assert (untitled.series, untitled.template) == (None, "sgo")


def test_templates_are_recorded() -> None:
    assert parse("logius_to_markdown.md").template == "generic"
    assert parse("rijkshuisstijl_vergaderdatum.txt").template == "generic"


def test_redaction_codes_are_kept() -> None:
    parsed = parse("icbr_verslag.txt")
    assert parsed.redaction_codes == ("5.1.2e",)
    assert "5.1.2e (J&V) meldt" in parsed.agenda_items[2].body
    assert parsed.ministries_mentioned


def test_a_datum_row_in_a_verslag_header_is_the_meeting_date() -> None:
    parsed = parse("datum_row_werkgroep.md")
    assert parsed.meeting_date == date(2017, 12, 11)
    assert (parsed.start_time, parsed.end_time) == (time(9, 30), time(12, 0))
    assert parsed.document_date is None
    assert parsed.absentees_text == "Lid C (Logius)"
    assert [item.title for item in parsed.agenda_items] == [
        "Introductie, mededelingen",
        "Use cases",
        "Rondvraag",
    ]
    assert "numbered_by_position" in [warning.code for warning in parsed.warnings]
    assert parsed.decisions[0].kind == DecisionKind.AGREED


def test_a_datum_row_of_a_document_that_records_no_meeting_is_not_taken() -> None:
    with pytest.raises(ParseError, match="geen vergaderdatum gevonden") as error:
        parse("datum_row_not_minutes.md")
    assert error.value.code == "no_meeting_date"


def test_agendapunt_alone_on_its_line_and_a_title_that_names_no_series() -> None:
    parsed = parse("agendapunt_alone.md")
    assert parsed.meeting_date == date(2025, 7, 10)
    assert [(i.number, i.title) for i in parsed.agenda_items] == [
        ("1", "Agendapunt 1"),
        ("2", "Agendapunt 2"),
    ]
    assert [(d.item, d.kind) for d in parsed.decisions] == [
        ("1", DecisionKind.DECIDED),
        ("2", DecisionKind.ACTION),
    ]
    # "Verslag" alone names no body.
    assert parsed.series is None


@pytest.mark.parametrize(
    "text",
    [
        "Verslag Stuurgroep X\nVastgesteld door de stuurgroep op 14 april 2021\n\n"
        "1. Opening\nDe voorzitter opent.\n",
        "Notulen werkgroep X\nAgenda volgende overleg: 14 april 2021\n\n1. Opening\nTekst.\n",
        "# Verslag Werkgroep Y\nConcept, versie van 2 mei 2021 voor de werkgroep\n\n"
        "## 1. Opening\nTekst.\n",
    ],
    ids=["adopted-on", "next-meeting", "draft-version"],
)
def test_a_date_under_the_title_that_names_another_moment_is_not_taken(text: str) -> None:
    with pytest.raises(ParseError, match="geen vergaderdatum gevonden") as error:
        parse_minutes(text.encode())
    assert error.value.code == "no_meeting_date"
