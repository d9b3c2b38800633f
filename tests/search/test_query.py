"""The query language's boundary: cleaning, the one length limit, sorts, keywords."""

import pytest
from django.http import QueryDict

from minutes import search
from minutes.filters import MeetingFilter, SearchFilter
from minutes.search.config import HEADLINE_START, HEADLINE_STOP, MAX_QUERY_LENGTH


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        (None, ""),
        ("", ""),
        ("  thuiswerken   rijksdienst\t", "thuiswerken rijksdienst"),
        ("thuis\x00werken", "thuiswerken"),
        (f"thuis{HEADLINE_START}werken{HEADLINE_STOP}", "thuiswerken"),
        ("EZK/LNV", "EZK LNV"),  # a slash between words separates them
        ("</script>", "</script>"),  # but markup keeps its shape
        ('"exacte zin" -uitsluiten or', '"exacte zin" -uitsluiten or'),
    ],
)
def test_clean_query(raw, cleaned):
    assert search.clean_query(raw) == cleaned


def test_a_query_is_cut_at_the_one_limit():
    assert len(search.clean_query("x" * (MAX_QUERY_LENGTH + 50))) == MAX_QUERY_LENGTH


def filterset(cls, **params):
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = value
    return cls(data)


@pytest.mark.parametrize("cls", [SearchFilter, MeetingFilter])
def test_the_form_refuses_what_is_longer_than_the_limit(cls):
    at_limit = filterset(cls, q="a" * MAX_QUERY_LENGTH)
    assert at_limit.form.is_valid(), at_limit.form.errors
    over = filterset(cls, q="a" * (MAX_QUERY_LENGTH + 1))
    assert not over.form.is_valid()
    assert f"niet meer dan {MAX_QUERY_LENGTH} tekens" in str(over.form.errors["q"])


def test_the_form_hands_on_the_cleaned_query():
    form = filterset(SearchFilter, q="  thuis\x00werken  EZK/LNV ").form
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == "thuiswerken EZK LNV"


def test_the_ui_sort_values_map_onto_every_sort():
    choices = {value for value, _ in SearchFilter.base_filters["sorteer"].extra["choices"]}
    assert set(SearchFilter.SORTS) == choices
    assert set(SearchFilter.SORTS.values()) == set(search.Sort)
