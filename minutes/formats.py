"""Dates as each language of the interface writes them.

The pages name a date's layout the Dutch way ("j F Y": 19 januari 2021); the catalogue
gives each layout its English counterpart ("F j, Y": January 19, 2021), and Django's
date format writes the month and day names in the active language. A layout without
a translation is used as it is.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

LAYOUTS = {
    # Translators: a date layout of Django's date format: 19 januari 2021.
    "j F Y": pgettext_lazy("date layout", "j F Y"),
    # Translators: a date layout of Django's date format: dinsdag 19 januari 2021.
    "l j F Y": pgettext_lazy("date layout", "l j F Y"),
    # Translators: a date layout of Django's date format: 19 januari 2021 16:30.
    "j F Y H:i": pgettext_lazy("date layout", "j F Y H:i"),
    # Translators: a date layout of Django's date format: a month, "jan 2021".
    "b Y": pgettext_lazy("date layout", "b Y"),
}


def layout(name: str) -> str:
    """The active language's layout for a Dutch one ("j F Y" → "F j, Y" in English)."""
    return str(LAYOUTS.get(name, name))


def local_date(value: date | datetime, name: str = "j F Y") -> str:
    """A date in the active language, in its layout for `name` (a Dutch layout)."""
    return date_format(value, layout(name))
