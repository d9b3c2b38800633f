"""How a ministry takes part, as the filters, facets, counts and timelines choose it.

The `rol` parameter of every ministry filter and facet (`?ministerie=ezk&rol=besproken`):

- `betrokken` (the default): discussed (named in an agenda item) or spoke in the
  rondvraag; being present only does not count.
- `besproken`: named in an agenda item.
- `rondvraag`: a contribution to the rondvraag (any other business).
- `aanwezig`: listed as present at the meeting. Lists of agenda items (search,
  decisions, a ministry's page) read it as present at the item's meeting: presence is
  recorded per meeting, never per item.
"""

from __future__ import annotations

from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy


class MentionRole(models.TextChoices):
    """How a mention records a ministry taking part (MinistryMention.role); use it as
    `MinistryMention.Role`. The roles a visitor chooses (`Role`) each count some of them."""

    PRESENT = "present", "aanwezig"
    SPEAKER = "speaker", "inbreng rondvraag"
    MENTIONED = "mentioned", "genoemd"


class Role(models.TextChoices):
    INVOLVED = "betrokken", gettext_lazy("Besproken of inbreng in de rondvraag")
    DISCUSSED = "besproken", gettext_lazy("Besproken in een agendapunt")
    RONDVRAAG = "rondvraag", gettext_lazy("Inbreng in de rondvraag")
    PRESENT = "aanwezig", pgettext_lazy("ministry role", "Aanwezig")


DEFAULT = Role.INVOLVED

# The mention roles (MinistryMention.role) each choice counts.
MENTION_ROLES: dict[str, tuple[str, ...]] = {
    Role.INVOLVED: (MentionRole.MENTIONED, MentionRole.SPEAKER),
    Role.DISCUSSED: (MentionRole.MENTIONED,),
    Role.RONDVRAAG: (MentionRole.SPEAKER,),
    Role.PRESENT: (MentionRole.PRESENT,),
}


def of(value: str | None) -> Role:
    """The role a cleaned `rol` value stands for: the default when none was chosen."""
    return Role(value) if value else DEFAULT


def mention_roles(role: str | None) -> tuple[str, ...]:
    return MENTION_ROLES[of(role)]


# Each role's count (MinistryQuerySet.role_counts) and what it counts: the unit its
# timeline counts too, so the periods add up to the count shown.
COUNTS: dict[str, tuple[str, str]] = {
    Role.INVOLVED: ("meetings_involved", gettext_lazy("Vergaderingen besproken of rondvraag")),
    Role.DISCUSSED: ("items_discussed", gettext_lazy("Agendapunten besproken")),
    Role.RONDVRAAG: ("rondvraag_contributions", gettext_lazy("Inbreng in de rondvraag")),
    Role.PRESENT: ("meetings_present", gettext_lazy("Vergaderingen aanwezig")),
}


def count_rows(counts: dict[str, int], chosen: str, params: QueryDict) -> list[dict]:
    """A ministry's four counts, in the roles' order, each with the query string that
    shows its timeline and items (`rol`, the page's other parameters kept)."""
    rows = []
    for role in Role:
        key, label = COUNTS[role]
        query = params.copy()
        query["rol"] = role.value
        query.pop("page", None)
        rows.append(
            {
                "role": role.value,
                "label": label,
                "n": counts[key],
                "query": query.urlencode(),
                "current": role == chosen,
            }
        )
    return rows


def timeline_unit(role: str) -> str:
    """What one period of the timeline counts, as its table's column says it."""
    if of(role) == Role.DISCUSSED:
        return gettext("Agendapunten")
    if of(role) == Role.RONDVRAAG:
        return gettext("Bijdragen")
    return gettext("Vergaderingen")


def timeline_caption(role: str, abbreviation: str) -> str:
    captions = {
        Role.INVOLVED: gettext(
            "Vergaderingen waarin %(ministry)s werd besproken of inbreng had in de rondvraag"
        ),
        Role.DISCUSSED: gettext("Agendapunten waarin %(ministry)s werd besproken"),
        Role.RONDVRAAG: gettext("Inbreng van %(ministry)s in de rondvraag"),
        Role.PRESENT: gettext("Vergaderingen waarbij %(ministry)s aanwezig was"),
    }
    return captions[of(role)] % {"ministry": abbreviation}
