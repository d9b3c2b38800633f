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

from minutes.models import MentionRole, MinistryMention


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


def taking_part(
    ministry: object, role: str | None, *, meeting_ref: str, item_ref: str | None = None
) -> models.Exists:
    """Whether the row (a meeting, or an agenda item with `item_ref`) has `ministry` (or
    any of a list of ministries) in `role`: `meeting_ref` and `item_ref` say how the row
    reaches its meeting and item."""
    role = of(role)
    which = {"ministry__in": ministry} if isinstance(ministry, list) else {"ministry": ministry}
    mentions = MinistryMention.objects.filter(**which, role__in=MENTION_ROLES[role])
    if item_ref and role != Role.PRESENT:
        return models.Exists(mentions.filter(agenda_item=models.OuterRef(item_ref)))
    return models.Exists(mentions.filter(meeting=models.OuterRef(meeting_ref)))


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
