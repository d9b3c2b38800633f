"""Template filters and tags for reading the minutes, and the pages' shared fragments."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.db import DatabaseError
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext,
    gettext_lazy,
    ngettext,
    npgettext,
)

from minutes import rendering
from minutes.formats import local_date
from minutes.models import Decision, Meeting, Ministry, Series
from minutes.names import visible_name
from minutes.redactions import legend, shown_title

register = template.Library()

SITE_DESCRIPTION = gettext_lazy(
    "Onafhankelijk, doorzoekbaar archief van de verslagen van het SGO, het wekelijkse overleg "
    "van de secretarissen-generaal, openbaar gemaakt onder de Woo."
)
# Facet parameters that take several values at once, each one narrowing the results.
REPEATABLE = {"ministerie", "onderwerp", "grond"}


@register.simple_tag(takes_context=True)
def other_languages(context) -> list[dict[str, str]]:
    """This page in each other language: code, name (in that language) and address.

    The address keeps the page's query, so a filtered list or a search switches language
    and stays what it was; without a request (a fragment rendered alone) the home page.
    """
    from django.urls import translate_url

    request = context.get("request")
    here = request.get_full_path() if request is not None else "/"
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(here, code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]


# json_script's escaping: the JSON can hold no "</script>" (nor "<!--") of its own.
_JSON_LD_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def meeting_json_ld(context, meeting: Meeting, items) -> SafeString:
    """The meeting as a schema.org Event in JSON-LD, for search engines and link previews:
    its name, date, place, organizer (the series), its page and its agenda (sub-events by
    item, withheld titles as their markers). Dutch data, whatever the page's language."""
    request = context.get("request")

    def absolute(path: str) -> str:
        return request.build_absolute_uri(path) if request is not None else path

    with translation.override("nl"):
        url = absolute(meeting.get_absolute_url())
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": meeting.title(),
            "startDate": (
                f"{meeting.date.isoformat()}T{meeting.start_time.strftime('%H:%M')}"
                if meeting.start_time
                else meeting.date.isoformat()
            ),
            "url": url,
            "inLanguage": "nl",
            "eventStatus": "https://schema.org/EventScheduled",
            "organizer": {"@type": "Organization", "name": meeting.series.name},
            "subEvent": [
                {"@type": "Event", "name": shown_title(item.title), "url": f"{url}#{item.anchor}"}
                for item in items
            ],
        }
    if meeting.end_time:
        data["endDate"] = f"{meeting.date.isoformat()}T{meeting.end_time.strftime('%H:%M')}"
    if meeting.place:
        data["location"] = {"@type": "Place", "name": meeting.place}
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_LD_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.filter
def visible(text: str) -> str:
    """A file name (or a message naming one) with control and bidi characters written out."""
    return visible_name(str(text))


@register.filter
def minutes_text(text: str, decisions=None):
    """Render body text; `decisions` is an iterable of Decision rows or sentences."""
    sentences = [getattr(d, "text", d) for d in (decisions or [])]
    return rendering.render_text(text or "", sentences)


@register.filter
def minutes_inline(text: str, focusable: bool = False):
    """One line with redaction labels; `|minutes_inline:True` where no link holds it."""
    return rendering.render_inline(text or "", focusable=focusable)


@register.filter
def minutes_inline_marked(text: str, focusable: bool = False):
    """A search headline: escaped, redaction labels, matches in <mark>."""
    return rendering.render_inline(text or "", marks=True, focusable=focusable)


@register.filter
def minutes_title(text: str, focusable: bool = False):
    """An agenda item's title: as minutes_inline, or the marker of a withheld title."""
    return rendering.render_title(text or "", focusable=focusable)


@register.filter
def minutes_title_marked(text: str, focusable: bool = False):
    """An agenda item's title with search matches in <mark>, or its withheld marker."""
    return rendering.render_title(text or "", marks=True, focusable=focusable)


@register.filter
def plain_title(text: str) -> str:
    """An agenda item's title as plain text (a <title>, a hidden label): the marker's
    words for a withheld title."""
    return shown_title(text or "")


@register.simple_tag
def redaction(code: str, *, with_ground: bool = True):
    """A redaction code as a label: {% redaction code %}, see rendering.redaction_html."""
    return rendering.redaction_html(code, with_ground=with_ground)


@register.simple_tag
def redaction_legend(meeting: Meeting, items) -> list[tuple[str, str]]:
    """The codes a meeting page shows with their grounds: those in its attendance, titles
    and bodies, then any other of the meeting's codes (its provenance lists them all)."""
    texts = [meeting.attendees_text, meeting.absentees_text]
    for item in items:
        for each in (item, *item.children):
            texts += [each.title, each.body]
    return legend([*texts, " ".join(meeting.redaction_codes)])


@register.simple_tag
def site_description() -> str:
    return str(SITE_DESCRIPTION)


@register.filter
def day(value, layout: str = "j F Y") -> str:
    """A date in the page's language: `|day` ("19 januari 2021", "January 19, 2021"),
    `|day:"l j F Y"`; the layout is named the Dutch way (minutes.formats)."""
    return local_date(value, layout) if value else ""


def _link(href: str, content, *, current: bool = False) -> SafeString:
    return format_html(
        '<a class="utrecht-link utrecht-link--html-a" href="{}"{}>{}</a>',
        href,
        mark_safe(' aria-current="true"') if current else "",
        content,
    )


@register.simple_tag
def meeting_description(meeting, items) -> str:
    """A meeting page's meta description: its series, date and its agenda's titles."""
    titles = "; ".join(shown_title(item.title) for item in items)
    if not meeting.series.is_sgo:
        text = gettext("Verslag %(meeting)s: %(titles)s.")
        return text % {"meeting": meeting.name(), "titles": titles}
    text = gettext(
        "Verslag van het overleg van secretarissen-generaal (SGO) van %(date)s: %(titles)s."
    )
    return text % {"date": local_date(meeting.date, "j F Y"), "titles": titles}


@register.filter
def meeting_title(meeting: Meeting, day_format: str = "j F Y") -> str:
    """ "Verslag SGO 19 januari 2021", "Technisch Overleg Digikoppeling, 4 maart 2021"
    ("Minutes of SGO January 19, 2021" in English; `day_format` a Dutch layout)."""
    return meeting.title(day_format)


@register.filter
def meeting_name(meeting: Meeting, day_format: str = "j F Y") -> str:
    """ "SGO 19 januari 2021", "Technisch Overleg Digikoppeling, 4 maart 2021"."""
    return meeting.name(day_format)


@register.filter
def page_list(pages) -> str:
    """Page numbers as a reader counts them: "pagina 4", "pagina's 3–5 en 7"
    ("page 4", "pages 3–5 and 7")."""
    numbers = sorted(set(pages or ()))
    if not numbers:
        return ""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    if len(parts) == 1:
        listed = parts[0]
    else:
        listed = gettext("%(first)s en %(last)s") % {
            "first": ", ".join(parts[:-1]),
            "last": parts[-1],
        }
    return ngettext("pagina %(pages)s", "pagina's %(pages)s", len(numbers)) % {"pages": listed}


@register.simple_tag(takes_context=True)
def several_series(context) -> bool:
    """Whether more than one series holds meetings (then the site offers its series).

    A view that knows says so in its context; other pages ask the database once per
    request (header and footer both ask), and a page shown without it (a 404 while it
    is down) shows no series.
    """
    if "several_series" in context:
        return bool(context["several_series"])
    request = context.get("request")
    known = getattr(request, "several_series", None)
    if known is None:
        try:
            known = Series.objects.several_in_use()
        except DatabaseError:
            known = False
        if request is not None:
            request.several_series = known
    return known


@register.simple_tag
def ministry_link(
    ministry: Ministry,
    href: str | None = None,
    current: bool = False,
    with_period: bool = False,
):
    """A ministry by its abbreviation, its full name on hover, linked to its page (or `href`).

    The abbreviation and name are Dutch: on a page in another language they say so.
    `with_period` adds the years it existed, where it has them ("EZ (2024–)"): two
    ministries may share an abbreviation.
    """
    abbreviation = format_html(
        '<abbr title="{}"{}>{}</abbr>', ministry.name, _dutch(), ministry.abbreviation
    )
    if with_period and ministry.period:
        abbreviation = format_html("{} ({})", abbreviation, ministry.period)
    href = ministry.get_absolute_url() if href is None else href
    return _link(href, abbreviation, current=current)


@register.simple_tag
def ministry_links(ministries) -> SafeString:
    """Ministries as links, separated by commas ("AZ, BZK, EZK")."""
    return format_html_join(", ", "{}", ((ministry_link(m),) for m in ministries))


@register.simple_tag
def speaker_links(mentions) -> SafeString:
    """Rondvraag speakers by their heading as written ("J&V"), linked to their ministry."""
    links = []
    for mention in mentions:
        name = (mention.label or mention.ministry.abbreviation).replace(":", "")
        links.append(_link(mention.ministry.get_absolute_url(), name))
    return format_html_join(", ", "{}", ((link,) for link in links))


@register.filter
def alias_names(aliases) -> str:
    """Names of a ministry as "VenJ (2010–2017), …": with the years a former name was in use."""
    return ", ".join(
        f"{alias.text} ({alias.valid_from.year}–{alias.valid_until.year})"
        if alias.valid_from and alias.valid_until
        else alias.text
        for alias in aliases
    )


def _dutch() -> SafeString:
    """` lang="nl"` for Dutch text (a name, a quote) on a page in another language."""
    return mark_safe("" if get_language() == "nl" else ' lang="nl"')


def _kind_count(kind: str, n: int) -> str:
    """ "2 verslag vastgesteld", "3 ingestemd": a decision kind counted."""
    counted = {
        Decision.Kind.ADOPTED: lambda: npgettext(
            "decisions", "%(count)s verslag vastgesteld", "%(count)s verslag vastgesteld", n
        ),
        Decision.Kind.CONSENTED: lambda: npgettext(
            "decisions", "%(count)s ingestemd", "%(count)s ingestemd", n
        ),
        Decision.Kind.DECIDED: lambda: npgettext(
            "decisions", "%(count)s besloten", "%(count)s besloten", n
        ),
        Decision.Kind.AGREED: lambda: npgettext(
            "decisions", "%(count)s afgesproken", "%(count)s afgesproken", n
        ),
        Decision.Kind.ACTION: lambda: npgettext(
            "decisions", "%(count)s actiepunt", "%(count)s actiepunten", n
        ),
    }
    if kind not in counted:
        return f"{n} {kind}"
    return counted[kind]() % {"count": n}


@register.filter
def kind_counts(rows) -> list[str]:
    """Decision counts per kind ({"kind", "n"} rows) as "2 verslag vastgesteld"."""
    return [_kind_count(row["kind"], row["n"]) for row in rows]


@register.inclusion_tag("includes/empty.html", takes_context=True)
def empty_state(
    context,
    text: str,
    filtered: str = "",
    reset: str = "",
    elsewhere_url: str = "",
    elsewhere: str = "",
) -> dict:
    """Nothing to show, and a way on: "Geen agendapunten in deze periode; <link>.".

    With filters in use, `filtered` follows the text (" in deze periode; ") and `reset`
    links back to the unfiltered page; without, `elsewhere` links to `elsewhere_url`.
    """
    if context.get("active_filters"):
        # A page with its own query box keeps the query when the filters go.
        reset_url = context["request"].path + context.get("clear_query", "")
        sentence = format_html("{}{}{}", text, filtered, _link(reset_url, reset))
    elif elsewhere_url:
        sentence = format_html("{}. {}", text, _link(elsewhere_url, elsewhere))
    else:
        sentence = text
    return {"sentence": sentence}


def _narrowed(params: QueryDict, name: str, value: str) -> str:
    """The query string with `name=value` added (repeatable) or set, back on page one."""
    params = params.copy()
    if name in REPEATABLE:
        values = params.getlist(name)
        params.setlist(name, values if value in values else [*values, value])
    else:
        params[name] = value
    params.pop("page", None)
    return "?" + params.urlencode()


@register.inclusion_tag("includes/facet.html", takes_context=True)
def facet(context, name: str, title: str, rows) -> dict:
    """A facet beside a result list: values that narrow the results, with their counts.

    `name` is the filter's parameter: "jaar", "reeks" and "besluit" set their value,
    "ministerie" and "onderwerp" add to the values chosen. `rows` as the facet counts
    come: {"year", "n"}, {"series", "n"}, {"ministry", "n"} or {"topic", "n"}; for
    "besluit", the number of items with a decision.
    """
    params = context["request"].GET
    if name == "besluit":
        rows = [{"value": "true", "label": gettext("Met een besluit"), "n": rows}]
    links = []
    for row in rows:
        if "series" in row:
            value, label = row["series"].slug, row["series"].name
        elif "ministry" in row:
            value = row["ministry"].slug
        elif "topic" in row:
            value, label = row["topic"].slug, row["topic"].name
        elif "year" in row:
            value = label = str(row["year"])
        else:
            value, label = row["value"], row["label"]
        href = _narrowed(params, name, value)
        current = value in params.getlist(name)
        if "ministry" in row:
            html = ministry_link(row["ministry"], href, current, with_period=True)
        else:
            html = _link(href, label, current=current)
        links.append({"html": html, "n": row["n"]})
    return {"name": name, "title": title, "links": links}


@register.simple_tag
def coverage_weeks(year, series: Series, meeting_list: str) -> SafeString:
    """One year of the coverage calendar (minutes.coverage.Year) as its list items: each
    week with its number and its status as a symbol and in words; a week with minutes
    links its meeting, or that week's meetings when it holds several. Built here with
    each piece escaped once rather than in a template loop: a calendar of decades is
    thousands of cells."""
    week_word = escape(gettext("week"))
    marks = {
        "recess": _symbol("–", gettext("reces")),
        "gap": _symbol("?", gettext("mogelijk ontbrekend")),
        "outside": _symbol("·", gettext("buiten de reeks")),
    }
    several: dict[int, str] = {}  # the words for a week of n meetings
    series_query = escape(urlencode({"reeks": series.slug}))
    link = '<a class="utrecht-link utrecht-link--html-a sgo-week__link" href="{}">{}</a>'
    cells = []
    for week in year.weeks:
        status = week.status.value
        if status == "minutes" and len(week.meetings) == 1:
            day, slug = week.meetings[0]
            said = gettext("verslag van %(day)s") % {"day": local_date(day)}
            address = escape(reverse("minutes:meeting_detail", args=[slug]))
            mark = link.format(address, _symbol("✓", said))
        elif status == "minutes":
            n = len(week.meetings)
            if n not in several:
                several[n] = ngettext(
                    "%(counter)s verslag in deze week", "%(counter)s verslagen in deze week", n
                ) % {"counter": n}
            # ISO dates need no escaping.
            address = (
                f"{escape(meeting_list)}?van={week.monday.isoformat()}"
                f"&amp;tot={week.sunday.isoformat()}&amp;{series_query}"
            )
            mark = link.format(address, _symbol("✓", several[n]))
        else:
            mark = marks[status]
        cells.append(
            f'<li class="sgo-week sgo-week--{status}"><span class="sgo-visually-hidden">'
            f'{week_word}</span> <span class="sgo-week__number">{week.number}</span> {mark}</li>'
        )
    return mark_safe("\n".join(cells))  # every piece escaped above


def _symbol(symbol: str, words: str) -> str:
    """A symbol for the eye and its words for a screen reader (as escaped HTML)."""
    return (
        f'<span aria-hidden="true">{symbol}</span>'
        f'<span class="sgo-visually-hidden">{escape(words)}</span>'
    )
