"""Ministries side by side: per year, items discussed and rondvraag contributions, also
as a share of that year's meetings (the page /ministeries/vergelijken/).

A share is of the meetings that year (all series): the meetings in which the ministry
was named in an agenda item, or had a rondvraag contribution, out of all of them.
"""

from __future__ import annotations

from django import forms
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext, gettext_lazy

from minutes.charts import small_multiple
from minutes.models import Meeting, MentionRole, Ministry, MinistryMention

MEASURES = {
    "besproken": (gettext_lazy("Agendapunten besproken"), False),
    "rondvraag": (gettext_lazy("Inbreng in de rondvraag"), False),
    "besproken-aandeel": (gettext_lazy("Aandeel vergaderingen besproken"), True),
    "rondvraag-aandeel": (gettext_lazy("Aandeel vergaderingen met inbreng in de rondvraag"), True),
}
DEFAULT_MEASURE = "besproken"
# The field of a year's row (table_rows) each measure shows.
MEASURE_FIELDS = {
    "besproken": "discussed",
    "rondvraag": "spoke",
    "besproken-aandeel": "discussed_share",
    "rondvraag-aandeel": "spoke_share",
}


class MeasureForm(forms.Form):
    """The measure the charts show (`?maat=`), shareable; none chosen: the default."""

    maat = forms.ChoiceField(
        label=gettext_lazy("Maat"),
        choices=[(value, label) for value, (label, _share) in MEASURES.items()],
        required=False,
    )

    def measure(self) -> str:
        return (self.cleaned_data.get("maat") if self.is_valid() else None) or DEFAULT_MEASURE


def counts() -> dict:
    """{"years": [...], "meetings": {year: n}, "per_ministry": {pk: {year: {...}}}} with,
    per ministry and year, `discussed` (items naming it), `spoke` (its rondvraag
    contributions), `discussed_meetings` and `spoke_meetings`. Two queries."""
    meetings = dict(
        Meeting.objects.order_by()
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    mentioned, speaker = Q(role=MentionRole.MENTIONED), Q(role=MentionRole.SPEAKER)
    rows = (
        MinistryMention.objects.exclude(role=MentionRole.PRESENT)
        .order_by()
        .annotate(year=ExtractYear("meeting__date"))
        .values("ministry", "year")
        .annotate(
            discussed=Count("agenda_item", distinct=True, filter=mentioned),
            spoke=Count("pk", filter=speaker),
            discussed_meetings=Count("meeting", distinct=True, filter=mentioned),
            spoke_meetings=Count("meeting", distinct=True, filter=speaker),
        )
    )
    per_ministry: dict[int, dict[int, dict[str, int]]] = {}
    for row in rows:
        per_ministry.setdefault(row.pop("ministry"), {})[row.pop("year")] = row
    return {"years": sorted(meetings), "meetings": meetings, "per_ministry": per_ministry}


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def table_rows(data: dict, ministry_pk: int) -> list[dict]:
    """A ministry's year rows: every measure, and the year's meetings."""
    own = data["per_ministry"].get(ministry_pk, {})
    rows = []
    for year in data["years"]:
        year_counts = own.get(year, {})
        meetings = data["meetings"][year]
        discussed_meetings = year_counts.get("discussed_meetings", 0)
        spoke_meetings = year_counts.get("spoke_meetings", 0)
        rows.append(
            {
                "year": year,
                "meetings": meetings,
                "discussed": year_counts.get("discussed", 0),
                "spoke": year_counts.get("spoke", 0),
                "discussed_meetings": discussed_meetings,
                "spoke_meetings": spoke_meetings,
                "discussed_share": _percent(discussed_meetings, meetings),
                "spoke_share": _percent(spoke_meetings, meetings),
            }
        )
    return rows


def _shown(value: float, share: bool) -> str:
    if share:
        return gettext("%(percent)s%%") % {"percent": f"{value:.0f}"}
    return str(int(value))


def _in_span(ministry: Ministry, data: dict) -> bool:
    """Whether the ministry existed in a year of the archive, or has counts in it."""
    if ministry.pk in data["per_ministry"]:
        return True
    if not data["years"]:
        return False
    first, last = data["years"][0], data["years"][-1]
    began = ministry.valid_from.year if ministry.valid_from else first
    ended = ministry.valid_until.year if ministry.valid_until else last
    return began <= last and ended >= first


def charts(data: dict, ministries: list[Ministry], measure: str) -> dict:
    """One small chart per ministry that existed in the archive's years (a ministry of
    other years only with counts), all on the same scale, each with its table rows:
    {"charts": [{"ministry", "chart", "rows", "total"}], "peak", "share", "label"}."""
    label, share = MEASURES[measure]
    field = MEASURE_FIELDS[measure]
    ministries = [m for m in ministries if _in_span(m, data)]
    per_ministry = {m.pk: table_rows(data, m.pk) for m in ministries}
    peak = max((row[field] for rows in per_ministry.values() for row in rows), default=0)
    if share:
        peak = max(peak, 1.0)
    years = [str(year) for year in data["years"]]
    result = []
    for ministry in ministries:
        rows = per_ministry[ministry.pk]
        values = [row[field] for row in rows]
        chart = small_multiple(values, years, peak or 1, shown=[_shown(v, share) for v in values])
        result.append({"ministry": ministry, "chart": chart, "rows": rows})
    return {
        "charts": result,
        "peak": _shown(peak, share),
        "share": share,
        "label": label,
        "measure": measure,
    }
