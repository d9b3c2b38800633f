"""Sentences and decisions (`minutes.parsing.decisions`)."""

from __future__ import annotations

import pytest

from minutes.parsing import DecisionKind, classify_decision, parse_minutes
from minutes.parsing.decisions import split_sentences
from tests.parsing.helpers import (
    FIXTURES,
    decisions,
    parse_fixture,
)

# ----------------------------------------------------------------- whole files


@pytest.mark.parametrize(
    "name",
    [
        "verslag_aangehouden.txt",
        "kennisname.txt",
        "ministerraad_in_passing.txt",
        "moet_worden_vastgesteld.txt",
    ],
)
def test_not_decisions(name: str) -> None:
    meeting = parse_fixture(name)
    assert meeting.agenda_items
    assert decisions(meeting) == []


def test_decision_phrasings() -> None:
    meeting = parse_fixture("decision_phrasings.txt")
    # Not decisions: "Vastgesteld." under the agenda (not minutes), a request to decide
    # later, a decision still to come, and an observation ("Vastgesteld wordt dat").
    assert decisions(meeting) == [
        ("2", "Verslag vastgesteld.", "adopted"),
        ("3", "Vastgesteld met een wijziging van SG BZK.", "adopted"),
        (
            "4",
            "Het SGO neemt kennis van de notitie en stemt in met het vervolgproces.",
            "consented",
        ),
    ]


# A decision hard-wrapped so that a line ends in "c.q." (wrapped_cq_<width>.txt), as
# a reader takes it from the text, and the decision after it.
WRAPPED_DECISIONS = {
    60: "Na bespreking besluit het SGO dat de werkgroep het rijksbrede thuiswerkbeleid het "
    "voorstel uitwerkt c.q. aanvult met de opmerkingen van BZK en FIN, en het uiterlijk in "
    "de vergadering van maart c.q. april aan het SGO voorlegt, met een overzicht van de "
    "kosten c.q. de gevolgen voor de organisaties.",
    72: "Na een uitgebreide bespreking besluit het SGO dat de werkgroep thuiswerken en "
    "reizen het voorstel uitwerkt c.q. aanvult met wat BZK, FIN en SZW inbrachten, en het "
    "uiterlijk in de vergadering van maart c.q. april aan het SGO voorlegt, met een "
    "overzicht van de kosten c.q. de gevolgen voor de organisaties.",
    80: "Na de toelichting van de voorzitter van de werkgroep besluit het SGO dat de "
    "werkgroep thuiswerken en reizen het voorstel uitwerkt c.q. aanvult met de "
    "opmerkingen van BZK en FIN, en het uiterlijk in de vergadering van maart c.q. april "
    "aan het SGO voorlegt.",
}
PLANNING = "Het SGO stemt in met de planning die de werkgroep heeft voorgesteld."


@pytest.mark.parametrize("width", sorted(WRAPPED_DECISIONS))
def test_a_decision_wrapped_after_c_q_is_read_whole(width: int) -> None:
    data = (FIXTURES / f"wrapped_cq_{width}.txt").read_bytes()
    lines = data.decode().splitlines()
    wrapped = lines[lines.index("2. Thuiswerken") + 2 : lines.index("3. Rondvraag") - 1]
    # The fixture is what it says: wrapped at `width`, with a line ending in "c.q.".
    assert max(len(line) for line in wrapped) <= width
    assert any(line.endswith("c.q.") for line in wrapped[:-1])

    expected = [("2", WRAPPED_DECISIONS[width], "decided"), ("2", PLANNING, "consented")]
    assert decisions(parse_minutes(data)) == expected
    # The same as the paragraph on one line: the wrapping changes nothing.
    one_line = data.replace("\n".join(wrapped).encode(), " ".join(wrapped).encode())
    assert one_line != data
    assert decisions(parse_minutes(one_line)) == expected


# ---------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # "mw." ends no sentence.
        (
            "Gesproken wordt met mw. Jansen over de planning. Het SGO stemt in.",
            ["Gesproken wordt met mw. Jansen over de planning.", "Het SGO stemt in."],
        ),
        # A soft line wrap is undone.
        (
            "Het SGO stemt in met het\nvoorstel om de werkgroep te verlengen.",
            ["Het SGO stemt in met het voorstel om de werkgroep te verlengen."],
        ),
        # Nor does a wrap after "c.q." or "mw.": the sentence carries on.
        (
            "Het SGO besluit het voorstel uit te werken c.q.\naan te vullen. Het SGO stemt in.",
            ["Het SGO besluit het voorstel uit te werken c.q. aan te vullen.", "Het SGO stemt in."],
        ),
        (
            "Het SGO vraagt de werkgroep, waarin mw. 5.1.2e en dhr.\n5.1.2e zitting hebben, te "
            "rapporteren.",
            [
                "Het SGO vraagt de werkgroep, waarin mw. 5.1.2e en dhr. 5.1.2e zitting hebben, te "
                "rapporteren."
            ],
        ),
        # A full stop after a word that is no abbreviation still ends the unit.
        (
            "Het SGO stemt in met het voorstel.\nde werkgroep gaat aan de slag.",
            ["Het SGO stemt in met het voorstel.", "de werkgroep gaat aan de slag."],
        ),
        # List entries are units of their own, without their markers.
        (
            "SG AZ noemt twee onderwerpen:\n1. Brexit\n2. Coronamaatregelen",
            ["SG AZ noemt twee onderwerpen:", "Brexit", "Coronamaatregelen"],
        ),
        ("- Eerste punt\n- Tweede punt", ["Eerste punt", "Tweede punt"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


# ------------------------------------------------------------ classify_decision

MINUTES_ITEM = "Verslag SGO 12 januari 2021"
OTHER_ITEM = "Interdepartementale afstemming"


@pytest.mark.parametrize(
    ("sentence", "item_title", "kind"),
    [
        # The minutes of an earlier meeting adopted.
        ("Het verslag is vastgesteld.", MINUTES_ITEM, DecisionKind.ADOPTED),
        ("Vastgesteld.", MINUTES_ITEM, DecisionKind.ADOPTED),
        ("Het SGO stelt het verslag ongewijzigd vast.", MINUTES_ITEM, DecisionKind.ADOPTED),
        (
            "Met inachtneming van besproken wijziging wordt het verslag vastgesteld.",
            MINUTES_ITEM,
            DecisionKind.ADOPTED,
        ),
        # Consent, active and passive.
        ("Het SGO stemt in met de voorgestelde aanpak.", OTHER_ITEM, DecisionKind.CONSENTED),
        ("Aansluitend stemmen de SG-en in met het plan.", OTHER_ITEM, DecisionKind.CONSENTED),
        ("Ingestemd wordt met het voorstel van SG BZK.", OTHER_ITEM, DecisionKind.CONSENTED),
        # Taking note is no decision, the consent after "en" is.
        (
            "Het SGO neemt kennis van de notitie en stemt in met het vervolgproces.",
            OTHER_ITEM,
            DecisionKind.CONSENTED,
        ),
        # Decided.
        ("Het SGO besluit de werkgroep Brexit te verlengen.", OTHER_ITEM, DecisionKind.DECIDED),
        (
            "Besloten wordt de jaarplanning in januari opnieuw te agenderen.",
            OTHER_ITEM,
            DecisionKind.DECIDED,
        ),
        # Agreed.
        ("De SG's gaan akkoord met de planning.", OTHER_ITEM, DecisionKind.AGREED),
        (
            "Het SGO spreekt af om in de volgende vergadering op dit onderwerp terug te komen.",
            OTHER_ITEM,
            DecisionKind.AGREED,
        ),
        (
            "Afgesproken wordt dat SG JenV de coördinatie op zich neemt.",
            OTHER_ITEM,
            DecisionKind.AGREED,
        ),
        (
            "De leden van het SGO onderschrijven de hoofdlijnen van de werkagenda.",
            OTHER_ITEM,
            DecisionKind.AGREED,
        ),
    ],
)
def test_decisions_are_classified_by_kind(
    sentence: str, item_title: str, kind: DecisionKind
) -> None:
    assert classify_decision(sentence, item_title) is kind


@pytest.mark.parametrize(
    "sentence",
    [
        # Reported in passing: an agreement between others, not the SGO's.
        "Afgesproken is dat de MP de Voorzitter van de Tweede Kamer informeert.",
        # A bare "Vastgesteld." outside an item about the minutes.
        "Vastgesteld.",
        # Taking note, postponing, observing.
        "Het SGO neemt kennis van de voortgangsrapportage.",
        "Het verslag wordt aangehouden tot de volgende vergadering.",
        "Vastgesteld wordt dat de planning haalbaar is.",
        "Het verslag moet nog worden vastgesteld.",
        # Other bodies decide.
        "Het kabinet heeft besloten de maatregelen te verlengen.",
        "De ministerraad stemt in met het wetsvoorstel.",
        # Asked, or going, to decide.
        "Spreker informeert of de leden kunnen instemmen met het voorstel.",
        "Het SGO wordt gevraagd in te stemmen met het voorstel.",
        "Het SGO zal in de volgende vergadering besluiten over het voorstel.",
        # Reported by a member.
        "SG BZK meldt dat het SGO eerder heeft ingestemd met de aanpak.",
        # No verb of deciding at all.
        "Besproken.",
        "SG AZ licht de agenda van de ministerraad toe.",
    ],
)
def test_non_decisions(sentence: str) -> None:
    assert classify_decision(sentence, OTHER_ITEM) is None


def test_the_model_stores_every_kind_the_parser_gives() -> None:
    from minutes.models import Decision

    assert Decision.Kind.values == [kind.value for kind in DecisionKind]
