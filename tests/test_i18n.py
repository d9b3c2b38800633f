"""The English interface: a complete, compiled catalogue, and English pages without Dutch.

The catalogue (locale/en/LC_MESSAGES/django.po) must translate every string it holds,
and the compiled .mo that Django reads must say what the .po says. Every public page
type, rendered under /en/ on the session's archive (tests/archive.py), must be English
apart from the minutes themselves, which the pages mark lang="nl": the test strips
those and fails on any Dutch interface word left in the text, in the attributes a
reader meets (aria-label, title, placeholder, alt, a button's value) and in the meta
description, naming the page and the text. Feeds under /en/ speak English too, and
every link an English page or feed makes stays on the English pages.
"""

from __future__ import annotations

import ast
import gettext
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest

from tests.conftest import ROOT

CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# Dutch words of an interface that are no English words (whole words, any case): function
# words, the archive's nouns and verbs, month and day names.
WORDS = """
    aan aanwezig aanwezigen afgesproken afwezig agendapunt agendapunten alle alleen andere
    archief augustus bekijk beschikbaar besloten besluit besluiten bij bron bronbestand
    bronnen citeer citeren de deze die dinsdag dit donderdag een eerder eerdere eerst en
    februari gefilterd geen gemaakt geraadpleegd gevonden het hoofdmenu ingelast ingestemd
    inhoud jaar januari juli juni maandag maart meer mei met ministerie ministeries naar nee
    niet nieuwe nieuwste nog oktober onderwerp onderwerpen ook op openbaar oudste overzicht
    pagina periode reeks reeksen resultaat resultaten rondvraag soort sorteren taal te terug
    toon tonen tot vanaf van vastgesteld verslag verslagen vergadering vergaderingen
    volgende voor voorpagina vorige vrijdag waarin weggelakt wissen woensdag wordt zaterdag
    zijn zoek zoeken zoekterm zondag zonder ja
"""
DUTCH_WORDS = frozenset(WORDS.split())
# A word stands alone: "de" inside a digest ("025de958") is no word.
WORD_RE = re.compile(r"(?<!\w)[^\W\d_]+(?:['’][^\W\d_]+)?(?!\w)")
# Addresses and query strings keep their Dutch paths and parameters
# (/en/vergaderingen/?jaar=2021): no interface text.
PATH_RE = re.compile(r"\S*[/?=]\S*")
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
# American English writes the month first ("January 19, 2021"): a day before an English
# month is a Dutch layout left in place (`|date:"j F Y"` instead of `|day`).
MONTHS = "January February March April May June July August September October November December"
DAY_FIRST_RE = re.compile(rf"\b\d{{1,2}} (?:{'|'.join(MONTHS.split())})\b")
# Elements whose text no reader sees.
UNSEEN = {"script", "style", "template", "noscript"}


# --- the catalogue -------------------------------------------------------------------------


@dataclass
class Entry:
    """One message of a .po file: its context, msgid, plural and translations."""

    msgid: str = ""
    context: str | None = None
    plural: str | None = None
    translations: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def name(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context is not None else self.msgid


def read_catalogue(path: Path) -> list[Entry]:
    """The messages of a .po file, as makemessages writes it: one block of lines per
    message, blocks apart by a blank line (the header, msgid "", and obsolete #~
    messages left out)."""
    entries = []
    text = path.read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        entry = Entry()
        keyword = None
        for line in block.strip().splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
                continue
            if line.startswith("#~"):
                entry.obsolete = True
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                keyword, _, line = line.partition(" ")
            try:
                part = ast.literal_eval(line)
            except (SyntaxError, ValueError) as exc:
                raise AssertionError(f"{path}: unreadable line {line!r} in\n{block}") from exc
            if keyword == "msgctxt":
                entry.context = (entry.context or "") + part
            elif keyword == "msgid":
                entry.msgid += part
            elif keyword == "msgid_plural":
                entry.plural = (entry.plural or "") + part
            elif keyword and (match := re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)):
                index = int(match.group(1) or 0)
                entry.translations[index] = entry.translations.get(index, "") + part
            else:
                raise AssertionError(f"{path}: unexpected line {line!r} in\n{block}")
        if entry.msgid and not entry.obsolete:
            entries.append(entry)
    return entries


PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def test_the_catalogue_reads_as_messages():
    """The reader below finds the catalogue's messages (a broken reader would pass all)."""
    entries = {entry.name: entry for entry in read_catalogue(CATALOGUE)}
    assert entries["Taal"].translations == {0: "Language"}
    counted = entries["pagina %(pages)s"]
    assert counted.plural == "pagina's %(pages)s"
    assert counted.translations == {0: "page %(pages)s", 1: "pages %(pages)s"}
    assert entries["date layout|j F Y"].translations == {0: "F j, Y"}
    assert len(entries) > 50


def test_every_message_is_translated():
    untranslated = [
        entry.name
        for entry in read_catalogue(CATALOGUE)
        if "fuzzy" in entry.flags
        or not entry.translations
        or not all(entry.translations.values())
        or (entry.plural is not None and sorted(entry.translations) != [0, 1])
    ]
    assert not untranslated, (
        f"{len(untranslated)} messages in {CATALOGUE.relative_to(ROOT)} without an English "
        "translation (empty or fuzzy):\n" + "\n".join(untranslated)
    )


def test_translations_keep_their_placeholders():
    """ "%(count)s vergaderingen" → "%(count)s meetings": the same named placeholders."""
    wrong = []
    for entry in read_catalogue(CATALOGUE):
        for index, translation in entry.translations.items():
            source = entry.plural if index and entry.plural else entry.msgid
            if set(PLACEHOLDER_RE.findall(source)) != set(PLACEHOLDER_RE.findall(translation)):
                wrong.append(f"{entry.name!r} → {translation!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_compiled_catalogue_is_current():
    """The .mo Django reads (`make setup` compiles it) holds exactly the .po's messages."""
    assert COMPILED.exists(), f"{COMPILED.relative_to(ROOT)} missing: run `make setup`"
    with COMPILED.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header
    expected: dict = {}
    for entry in read_catalogue(CATALOGUE):
        key = f"{entry.context}\x04{entry.msgid}" if entry.context is not None else entry.msgid
        if entry.plural is None:
            expected[key] = entry.translations[0]
        else:
            for index, translation in entry.translations.items():
                expected[(key, index)] = translation
    stale = sorted(
        str(key)
        for key in expected.keys() | compiled.keys()
        if expected.get(key) != compiled.get(key)
    )
    assert not stale, (
        f"{COMPILED.relative_to(ROOT)} is not compiled from the current .po "
        "(run `make setup`); differing messages:\n" + "\n".join(stale)
    )


# --- the English pages ---------------------------------------------------------------------

# Every public page type under /en/: (name, address, status).
PAGES = [
    ("home", "/en/", 200),
    ("meeting list", "/en/vergaderingen/", 200),
    ("meeting list, filtered", "/en/vergaderingen/?jaar=2021&ministerie=ezk&sorteer=oud", 200),
    ("meeting list, nothing found", "/en/vergaderingen/?jaar=1990", 200),
    ("meeting list, bad filter", "/en/vergaderingen/?van=2021-12-31&tot=2021-01-01", 400),
    ("meeting", "/en/vergaderingen/2021-01-19/", 200),
    ("meeting, other sample", "/en/vergaderingen/2020-09-09/", 200),
    ("meeting, searched within", "/en/vergaderingen/2021-01-19/?q=thuiswerken", 200),
    ("search, no query", "/en/zoeken/", 200),
    ("search, results", "/en/zoeken/?q=thuiswerken", 200),
    ("search, filtered", "/en/zoeken/?q=thuiswerken&jaar=2021&besluit=true&sorteer=nieuw", 200),
    ("search, nothing found", "/en/zoeken/?q=onbestaandwoordxyz", 200),
    ("decisions", "/en/besluiten/", 200),
    ("coverage", "/en/dekking/", 200),
    ("redactions", "/en/weglakkingen/", 200),
    ("meeting list, by ground", "/en/vergaderingen/?grond=buiten-verzoek", 200),
    ("decisions, routine shown", "/en/besluiten/?vastgesteld=ja", 200),
    ("decisions, searched", "/en/besluiten/?q=governance", 200),
    ("decisions, nothing found", "/en/besluiten/?q=onbestaandwoordxyz", 200),
    ("ministries", "/en/ministeries/", 200),
    ("ministry", "/en/ministeries/ezk/", 200),
    ("former ministry", "/en/ministeries/venj/", 200),
    ("ministry, own items only", "/en/ministeries/jenv/?alleen=eigen", 200),
    ("ministry, filtered", "/en/ministeries/ezk/?van=2021-01-01", 200),
    ("ministry, a role", "/en/ministeries/ezk/?rol=rondvraag", 200),
    ("ministries compared", "/en/ministeries/vergelijken/", 200),
    ("ministries compared, a share", "/en/ministeries/vergelijken/?maat=besproken-aandeel", 200),
    ("ministries compared, bad measure", "/en/ministeries/vergelijken/?maat=xyz", 400),
    ("meeting list, a role", "/en/vergaderingen/?ministerie=def&rol=aanwezig", 200),
    ("topics", "/en/onderwerpen/", 200),
    ("topic", "/en/onderwerpen/covid-19/", 200),
    ("series list", "/en/reeksen/", 200),
    ("series", "/en/reeksen/sgo/", 200),
    ("open data", "/en/open-data/", 200),
    ("not found", "/en/bestaat-niet/", 404),
]


@dataclass
class Reading:
    """What a reader meets on a page: the interface's texts as (where, text), where is
    "" for text in the page and "[title] ", "[aria-label] " … for a title or attribute;
    and the page's texts marked as Dutch (the minutes, names), each element's whole."""

    texts: list[tuple[str, str]] = field(default_factory=list)
    dutch: list[str] = field(default_factory=list)


def interface_language(element, inherited: str) -> str:
    return (element.get("lang") or inherited).strip().lower()


def read_page(html: str) -> tuple[lxml.html.HtmlElement, Reading]:
    root = lxml.html.document_fromstring(html)
    reading = Reading()

    def add(text: str | None, language: str, where: str = "") -> None:
        text = " ".join((text or "").split())
        if text and not language.startswith("nl"):
            reading.texts.append((where, text))

    def walk(element, inherited: str) -> None:
        if not isinstance(element.tag, str):  # a comment or processing instruction
            return
        language = interface_language(element, inherited)
        tag = element.tag.lower()
        if tag in UNSEEN:
            return
        if language.startswith("nl") and not inherited.startswith("nl"):
            reading.dutch.append(" ".join(element.text_content().split()))
        add(element.text, language, "[title] " if tag == "title" else "")
        for name in ATTRIBUTES:
            if element.get(name) is not None:
                add(element.get(name), language, f"[{name}] ")
        if tag == "input" and element.get("type") in ("submit", "button", "reset"):
            add(element.get("value"), language, "[value] ")
        for child in element:
            walk(child, language)
            add(child.tail, language)

    walk(root, "")
    return root, reading


def unquoted(text: str, quotes: list[str]) -> str:
    """`text` without the Dutch texts of its page it quotes (whole words, longest first):
    a title or description may name a ministry or quote an agenda title."""
    for quote in sorted({q for q in quotes if len(q) >= 4}, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(quote)}(?!\w)", " ", text)
    return text


def dutch_words(text: str) -> list[str]:
    text = PATH_RE.sub(" ", text)
    return [word for word in WORD_RE.findall(text) if word.lower().split("'")[0] in DUTCH_WORDS]


def dutch_left(reading: Reading, description: str | None) -> list[str]:
    """Each interface text with Dutch words, as "words: text". Text in the page must be
    marked itself; a title, an attribute or the meta description may quote the page's
    Dutch texts."""
    found = []
    texts = list(reading.texts)
    if description is not None:
        texts.append(("[meta description] ", description))
    for where, text in texts:
        words = dutch_words(unquoted(text, reading.dutch) if where else text)
        if words:
            found.append(f"{', '.join(dict.fromkeys(words))}: {where}{text[:200]}")
        for date in DAY_FIRST_RE.findall(text):
            found.append(f"{date!r} day before month: {where}{text[:200]}")
    return found


SITE = "http://testserver"


def links_leaving_english(root) -> list[str]:
    """Links of an English page to the site's pages that are not English.

    A query string or fragment keeps the page's address; an address of the site, also
    written out in full, starts with /en/. Static files, the Dutch-only admin, the API
    (English, of no page language) and the link to this page in Dutch (hreflang="nl")
    are no English pages.
    """
    leaving = []
    for element, attribute, address, _pos in root.iterlinks():
        path = address.removeprefix(SITE)
        outside = ("/static/", "/beheer/", "/api/", "//")
        if not path.startswith("/") or path.startswith(outside):
            continue
        if element.get("hreflang") == "nl" or path.startswith("/en/"):
            continue
        leaving.append(f"<{element.tag} {attribute}={address!r}> leaves the English pages")
    return leaving


def test_the_link_check_finds_links_to_dutch_pages():
    root = lxml.html.document_fromstring(
        '<html lang="en"><head><link rel="canonical" href="http://testserver/zoeken/">'
        '<link rel="stylesheet" href="/static/css/site.css"></head><body>'
        '<a href="/en/vergaderingen/">Meetings</a><a href="?jaar=2021">2021</a>'
        '<a href="/vergaderingen/?jaar=2020">2020</a><a href="/" hreflang="nl">Nederlands</a>'
        '<form action="/zoeken/"></form><a href="https://example.org/x/">elsewhere</a>'
        "</body></html>"
    )
    assert links_leaving_english(root) == [
        "<link href='http://testserver/zoeken/'> leaves the English pages",
        "<a href='/vergaderingen/?jaar=2020'> leaves the English pages",
        "<form action='/zoeken/'> leaves the English pages",
    ]


def test_the_dutch_word_check_finds_dutch_and_passes_english():
    """The check itself: Dutch interface text is caught; English, text marked as Dutch
    and a title or description quoting it pass."""
    _root, reading = read_page(
        '<html lang="en"><head><title>Ministerie van Defensie – SGO Archive</title></head>'
        '<body><nav aria-label="Hoofdmenu"><a href="/en/vergaderingen/">Meetings</a></nav>'
        '<h1 lang="nl">Ministerie van Defensie</h1>'
        '<p lang="nl">Het verslag is vastgesteld. <span lang="en">Decision</span></p>'
        "<p>Ministerie van Defensie</p><p>3 agendapunten gevonden</p>"
        "<p>Minutes of SGO January 19, 2021; next: 26 January 2021</p>"
        "<p>See /en/vergaderingen/ ?jaar=2021</p>"
        '<input type="submit" value="Zoeken"></body></html>'
    )
    assert reading.dutch == ["Ministerie van Defensie", "Het verslag is vastgesteld. Decision"]
    left = dutch_left(reading, "Minutes of Ministerie van Defensie: het verslag.")
    assert left == [
        "Hoofdmenu: [aria-label] Hoofdmenu",
        "Ministerie, van: Ministerie van Defensie",
        "agendapunten, gevonden: 3 agendapunten gevonden",
        "'26 January' day before month: Minutes of SGO January 19, 2021; next: 26 January 2021",
        "Zoeken: [value] Zoeken",
        "het, verslag: [meta description] Minutes of Ministerie van Defensie: het verslag.",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path", "status"), PAGES, ids=[page[0] for page in PAGES])
def test_english_pages_have_no_dutch_interface_text(client, name, path, status):
    response = client.get(path)
    assert response.status_code == status, f"{name} {path}: {response.status_code}"
    assert response["Content-Language"] == "en"
    root, reading = read_page(response.content.decode())
    problems = []
    if root.get("lang") != "en":
        problems.append(f'<html lang="{root.get("lang")}">, not "en"')
    described = root.xpath('//meta[@name="description"]/@content')
    if not described:
        problems.append("no meta description")
    problems += dutch_left(reading, described[0] if described else None)
    problems += links_leaving_english(root)
    if problems:
        pytest.fail(f"{name} ({path}):\n" + "\n".join(problems), pytrace=False)


# --- the English feeds ---------------------------------------------------------------------

ENGLISH_KINDS = ("minutes adopted", "approved", "decided", "agreed", "action item")


def read_feed(client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, path
    return ET.fromstring(response.content).find("channel")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/en/vergaderingen/feed/", "SGO Archive: meetings"),
        ("/en/vergaderingen/feed/?jaar=2021", "SGO Archive: meetings (filtered)"),
        ("/en/reeksen/sgo/feed/", "SGO Archive: Secretarissen-Generaal Overleg"),
        ("/en/zoeken/feed/?q=thuiswerken", "SGO Archive: search for “thuiswerken”"),
        ("/en/besluiten/feed/", "SGO Archive: decisions"),
        ("/en/besluiten/feed/?q=governance", "SGO Archive: decisions about “governance”"),
    ],
)
def test_english_feeds_speak_english_and_link_to_english_pages(client, path, title):
    channel = read_feed(client, path)
    assert channel.findtext("title") == title
    assert channel.findtext("language") == "en"
    description = channel.findtext("description")
    assert description and not dutch_words(description), description
    assert channel.findtext("link").startswith("http://testserver/en/")
    items = channel.findall("item")
    assert items, f"{path}: no items to check"
    for item in items:
        assert item.findtext("link").startswith("http://testserver/en/"), item.findtext("link")
        if "/besluiten/" in path:
            assert item.findtext("title").startswith(ENGLISH_KINDS), item.findtext("title")
        if "/vergaderingen/" in path or "/reeksen/" in path:
            assert item.findtext("title").startswith("Minutes of SGO "), item.findtext("title")
            assert not dutch_words(item.findtext("title")), item.findtext("title")
            assert item.findtext("description").startswith("Agenda: ")


@pytest.mark.django_db
def test_robots_keep_crawlers_from_the_english_search_and_exports_too(client):
    robots = client.get("/robots.txt").content.decode().splitlines()
    for path in ("/zoeken/", "/en/zoeken/", "/besluiten/export.csv", "/en/besluiten/export.csv"):
        assert f"Disallow: {path}" in robots, robots
    assert len(robots) == len(set(robots)), robots  # the admin once
