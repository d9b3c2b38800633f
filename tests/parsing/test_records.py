"""The records' one label rule for agenda items."""

import pytest

from minutes.parsing import INSERTED, item_label, list_label


@pytest.mark.parametrize(
    ("number", "letter", "cited", "listed"),
    [
        ("5", "", "5", "5."),
        ("5", "a", "5a", "5a."),
        ("12", "b", "12b", "12b."),
        (INSERTED, "", "Ingelast", "Ingelast"),
    ],
)
def test_items_are_cited_and_listed_by_one_rule(number, letter, cited, listed):
    assert item_label(number, letter) == cited
    assert list_label(number, letter) == listed
