"""Browsing the archive in a real browser (headless Debian Chromium via Playwright).

Covers the browsing issue end to end: filtering the meeting list through the form,
removing a filter chip, jumping to an agenda item from the table of contents, the
redaction label as seen and as heard, a sentence that a page header cut in two, and
axe-core plus a 360 px layout check on every page type. Screenshots (desktop 1280 px
and mobile 360 px, full page) land in artifacts/ for a person to look at.

Run `make static` first. `visit` fails a page whose stylesheets did not load, so an
unstyled page is never what axe or the screenshots look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

MEETING_2021 = "/vergaderingen/2021-01-19/"
MEETING_2020 = "/vergaderingen/2020-09-09/"
MOBILE = {"width": 360, "height": 800}
# A sentence the source splits over a page break, with the repeated page header between.
SPLIT_SENTENCE = "Aansluitend wordt gemeld dat de derde en vierde actielijn"
PAGE_HEADER_TEXTS = ["Kabinet Minister-President", "Onze referentie"]

# Every page type of the public site: (artifact name, path, expected HTTP status).
# "{topic}" stands for a seeded topic that has agenda items after the import.
PAGE_TYPES = [
    ("home", "/", 200),
    ("meeting-list", "/vergaderingen/", 200),
    ("meeting-list-filtered", "/vergaderingen/?jaar=2021&ministerie=ezk", 200),
    ("meeting-list-error", "/vergaderingen/?van=xx", 400),
    ("meeting", MEETING_2021, 200),
    ("meeting-search", MEETING_2021 + "?q=thuiswerken", 200),
    ("ministry-list", "/ministeries/", 200),
    ("ministry", "/ministeries/ezk/", 200),
    ("ministry-role", "/ministeries/ezk/?rol=besproken", 200),
    ("ministry-compare", "/ministeries/vergelijken/", 200),
    ("ministry-compare-share", "/ministeries/vergelijken/?maat=rondvraag-aandeel", 200),
    # Issue 16: a former ministry, its successor's items listed with the name of the time.
    ("former-ministry", "/ministeries/venj/", 200),
    ("ministry-own-only", "/ministeries/jenv/?alleen=eigen", 200),
    ("topic-list", "/onderwerpen/", 200),
    ("topic", "/onderwerpen/{topic}/", 200),
    ("decision-list", "/besluiten/", 200),
    ("decision-list-query", "/besluiten/?q=SGO", 200),
    ("decision-list-routine", "/besluiten/?vastgesteld=ja&jaar=2021", 200),
    ("decision-list-empty", "/besluiten/?q=thuiswerken&jaar=2020", 200),
    ("search", "/zoeken/?q=thuiswerken", 200),
    ("search-empty", "/zoeken/?q=onbestaandwoordxyz", 200),
    ("search-empty-filtered", "/zoeken/?q=onbestaandwoordxyz&jaar=2020", 200),
    ("search-decisions", "/zoeken/?q=governance", 200),
    ("search-form", "/zoeken/", 200),
    ("open-data", "/open-data/", 200),
    ("coverage", "/dekking/", 200),
    ("redactions", "/weglakkingen/", 200),
    ("meeting-list-ground", "/vergaderingen/?grond=buiten-verzoek", 200),
    ("not-found", "/vergaderingen/1999-01-01/", 404),
]

# With a second series beside the SGO's (tests/test_series.py): the series pages, lists
# and search that name and offer the series, and a meeting read from a PDF partly by OCR.
SERIES = "technisch-overleg-digikoppeling"
MEETING_PDF = f"/vergaderingen/{SERIES}-2021-06-10/"
SERIES_PAGE_TYPES = [
    ("home-series", "/", 200),
    ("series-list", "/reeksen/", 200),
    ("series", f"/reeksen/{SERIES}/", 200),
    ("series-empty", "/reeksen/overig/", 200),
    ("meeting-list-series", "/vergaderingen/", 200),
    ("meeting-list-one-series", f"/vergaderingen/?reeks={SERIES}", 200),
    ("meeting-pdf-ocr", MEETING_PDF, 200),
    ("search-series", "/zoeken/?q=thuiswerken", 200),
    ("ministry-series", f"/ministeries/fin/?reeks={SERIES}", 200),
    ("coverage-series", "/dekking/", 200),
]


@pytest.fixture
def site(live_server, imported_samples) -> str:
    """The live site with both sample minutes imported."""
    return live_server.url


@pytest.fixture
def series_site(live_server, imported_samples, settings, tmp_path) -> str:
    """The live site with the samples and a second series, one meeting read from a PDF."""
    from minutes.search import index
    from tests.test_series import add_second_series

    settings.MEDIA_ROOT = str(tmp_path / "media")
    add_second_series()
    index.rebuild()
    return live_server.url


@pytest.fixture
def mobile_page(browser, unhashed_static):
    context = browser.new_context(viewport=MOBILE, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def topic_slug() -> str:
    from minutes.models import Topic

    topic = (
        Topic.objects.with_item_counts()
        .filter(item_count__gt=0)
        .order_by("-item_count", "slug")
        .first()
    )
    assert topic is not None, "no seeded topic matched an agenda item of the samples"
    return topic.slug


def visit(page, url: str, status: int = 200):
    """Open a page; assert its status and that every stylesheet loaded and applies."""
    failed = []

    def record(response):
        # The page itself may be an error page; the site has no favicon.ico.
        extra = response.url != url and not response.url.endswith("/favicon.ico")
        if extra and response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", record)
    try:
        response = page.goto(url)
    finally:
        page.remove_listener("response", record)
    assert response is not None
    assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
    assert not failed, f"{url}: failed subresources {failed}"
    empty = page.evaluate(
        "[...document.styleSheets].filter(s => !s.cssRules.length).map(s => s.href)"
    )
    assert page.evaluate("document.styleSheets.length") >= 3
    assert not empty, f"{url}: stylesheets without rules {empty}"
    return response


def meeting_links(page) -> list[str]:
    return page.locator(".sgo-results .sgo-result__title a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )


def axe_report(page, label: str) -> str:
    """axe-core's report on the page as it is now; empty when there are no violations."""
    results = Axe().run(page)
    if results.violations_count == 0:
        return ""
    return f"axe: {label}: {results.violations_count} violation(s)\n{results.generate_report()}"


# The innermost elements that stick out past the viewport's right edge (none of their
# children do): named in the failure message to point at the cause.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const out = (el) => el.getBoundingClientRect().right > width + 0.5;
  const name = (el) => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls;
  };
  return [...document.body.querySelectorAll('*')]
    .filter((el) => out(el) && ![...el.children].some(out))
    .slice(0, 12)
    .map((el) => `${name(el)} (right ${Math.round(el.getBoundingClientRect().right)}px)`);
}
"""


@pytest.mark.browser
def test_filter_meetings_by_ministry_and_year_then_remove_a_chip(site, page, screenshot):
    visit(page, site + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Vergaderingen"
    ).click()
    expect(page).to_have_url(site + "/vergaderingen/")
    assert sorted(meeting_links(page)) == [MEETING_2020, MEETING_2021]

    form = page.locator("form.sgo-filter-form")
    # Issue 16: a ministry with a period is labelled with it (two may share an abbreviation).
    form.get_by_role("checkbox", name="EZK (2017–2024)", exact=True).check()
    form.get_by_label("Jaar", exact=True).fill("2021")
    form.get_by_role("button", name="Toepassen").click()
    page.wait_for_url("**/vergaderingen/?*")

    query = parse_qs(urlsplit(page.url).query)
    assert query["ministerie"] == ["ezk"], page.url
    assert query["jaar"] == ["2021"], page.url
    assert meeting_links(page) == [MEETING_2021]
    expect(page.locator(".sgo-result-count")).to_have_text(
        "1 vergadering gevonden met deze filters."
    )
    # The form keeps what was chosen.
    expect(form.get_by_role("checkbox", name="EZK (2017–2024)", exact=True)).to_be_checked()
    expect(form.get_by_label("Jaar", exact=True)).to_have_value("2021")
    screenshot(page, "meeting-list-filtered-ui-desktop")

    chips = page.locator(".chip-list a.chip")
    expect(chips).to_have_count(2)
    year_chip = chips.filter(has_text="2021")
    # Chromium puts a space before the visually hidden (absolutely positioned) part.
    expect(year_chip).to_have_accessible_name(re.compile(r"^Jaar: 2021\s*, filter verwijderen$"))
    year_chip.click()
    page.wait_for_url(lambda url: "jaar=2021" not in url)

    query = parse_qs(urlsplit(page.url).query)
    assert query.get("ministerie") == ["ezk"], page.url
    assert not query.get("jaar"), page.url
    expect(page.locator(".chip-list a.chip")).to_have_count(1)
    assert sorted(meeting_links(page)) == [MEETING_2020, MEETING_2021]
    expect(page.locator(".sgo-result-count")).to_have_text(
        "2 vergaderingen gevonden met deze filters."
    )


@pytest.mark.browser
def test_table_of_contents_anchor_scrolls_to_the_agenda_item(site, page):
    visit(page, site + MEETING_2021)
    target = page.locator("#punt-4")
    expect(target).not_to_be_in_viewport()

    page.locator('nav.toc a[href="#punt-4"]').click()

    expect(page).to_have_url(site + MEETING_2021 + "#punt-4")
    assert page.evaluate("location.hash") == "#punt-4"
    expect(target).to_be_in_viewport()
    expect(target.get_by_role("heading", level=2)).to_be_in_viewport()


@pytest.mark.browser
def test_redaction_label_shows_the_code_and_names_the_ground(site, page):
    visit(page, site + MEETING_2021)
    label = page.locator(".sgo-item .redaction").first
    expect(label).to_be_visible()

    # Seen: the code only, as a dark box; the explanation is clipped away.
    assert (
        label.evaluate(
            """el => [...el.childNodes]
              .filter(n => n.nodeType === Node.TEXT_NODE)
              .map(n => n.textContent).join('').trim()"""
        )
        == "5.1.2e"
    )
    for explanation in label.locator(".redaction__explanation").all():
        box = explanation.bounding_box()
        assert box is not None and box["width"] <= 1 and box["height"] <= 1, box
    colours = label.evaluate(
        "el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]"
    )
    assert colours[0] != colours[1], colours

    # Heard: the accessibility tree carries the code and the Woo ground.
    spoken = label.aria_snapshot()
    assert "5.1.2e" in spoken, spoken
    assert "persoonlijke levenssfeer" in spoken, spoken
    assert "weggelakt" in spoken.lower(), spoken
    expect(label.get_by_text("persoonlijke levenssfeer")).to_have_count(1)


def tab_to_redaction(page, limit: int = 150):
    """Press Tab until a redaction label has the focus; that label."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.redaction--explained')"):
            return page.locator(".redaction--explained:focus")
    raise AssertionError(f"no redaction label within {limit} presses of Tab")


def ground_box(label):
    return label.locator(".redaction__ground").bounding_box()


@pytest.mark.browser
def test_tabbing_to_a_redaction_label_shows_its_ground(site, page, mobile_page):
    visit(page, site + MEETING_2021)
    before = ground_box(page.locator(".sgo-item .redaction--explained").first)
    assert before is not None and before["width"] <= 1, before

    label = tab_to_redaction(page)
    ground = label.locator(".redaction__ground")
    expect(ground).to_have_text(": eerbiediging van de persoonlijke levenssfeer")
    box = ground.bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 10, box
    expect(ground).to_be_in_viewport()
    # A focus ring shows where the focus is.
    assert label.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    report = axe_report(page, "meeting with a redaction label focused at 1280 px")
    assert not report, report

    # Focus moves on: the ground is hidden again.
    page.keyboard.press("Tab")
    box = ground_box(page.locator(".redaction--explained").first)
    assert box is not None and box["width"] <= 1, box

    # At 360 px the open label wraps within the line: no sideways scroll.
    visit(mobile_page, site + MEETING_2021)
    label = tab_to_redaction(mobile_page)
    expect(label.locator(".redaction__ground")).to_be_in_viewport()
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= MOBILE["width"], mobile_page.evaluate(OVERFLOWING)
    report = axe_report(mobile_page, "meeting with a redaction label focused at 360 px")
    assert not report, report


@pytest.mark.browser
def test_tapping_a_redaction_label_shows_its_ground(site, browser, unhashed_static):
    context = browser.new_context(viewport=MOBILE, locale="nl-NL", has_touch=True, is_mobile=True)
    try:
        phone = context.new_page()
        visit(phone, site + MEETING_2021)
        label = phone.locator(".sgo-item .redaction--explained").first
        label.scroll_into_view_if_needed()
        label.tap()
        ground = label.locator(".redaction__ground")
        box = ground.bounding_box()
        assert box is not None and box["width"] > 50, box
        expect(ground).to_contain_text("persoonlijke levenssfeer")
    finally:
        context.close()


@pytest.mark.browser
def test_link_to_an_agenda_item_paragraph_anchors_and_the_legend(site, page):
    visit(page, site + MEETING_2021)
    link = page.get_by_role("link", name=re.compile(r"^Link naar dit agendapunt\s*\(4\. Voortgang"))
    expect(link).to_be_visible()
    expect(link).to_have_text(re.compile(r"^Link naar dit agendapunt"))
    link.click()
    expect(page).to_have_url(site + MEETING_2021 + "#punt-4")
    expect(page.locator("#punt-4 h2")).to_be_in_viewport()

    page.goto(site + MEETING_2021 + "#punt-3-p4")
    paragraph = page.locator("#punt-3-p4")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph.locator("li")).to_have_count(5)

    legend = page.get_by_role("region", name="Weggelakte gegevens op deze pagina")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("eerbiediging van de persoonlijke levenssfeer")

    citation = page.locator(".sgo-cite__text")
    expect(citation).to_contain_text(
        f"Secretarissen-Generaal Overleg, verslag van 19 januari 2021, referentie 4182454. "
        "Bron: sgo-2021-01-19.txt, openbaar gemaakt onder de Woo. "
        f"SGO-archief, {site}{MEETING_2021} (geraadpleegd op "
    )


@pytest.mark.browser
@pytest.mark.parametrize("path", [MEETING_2021, MEETING_2020])
def test_page_headers_are_gone_from_the_minutes_text(site, page, path):
    visit(page, site + path)
    body = page.locator(".sgo-with-aside__main")
    text = body.inner_text()
    for header in PAGE_HEADER_TEXTS:
        assert header not in text, f"page header {header!r} in the minutes of {path}"
    assert "Kabinet Minister-President" not in page.locator("main").inner_text()
    if path == MEETING_2021:
        # The sentence cut by the page header is one sentence in one paragraph.
        sentence = body.locator("p", has_text=SPLIT_SENTENCE)
        expect(sentence).to_have_count(1)
        expect(sentence).to_contain_text(
            SPLIT_SENTENCE + " eerst nader worden uitgewerkt om een beter beeld"
        )


@pytest.mark.browser
@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=[n for n, _, _ in PAGE_TYPES])
def test_page_type_is_accessible_and_fits_a_phone(
    site, page, mobile_page, screenshot, name, path, status
):
    if "{topic}" in path:
        path = path.format(topic=topic_slug())
    check_page_type(page, mobile_page, screenshot, name, site, path, status)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "path", "status"), SERIES_PAGE_TYPES, ids=[n for n, _, _ in SERIES_PAGE_TYPES]
)
def test_series_page_type_is_accessible_fits_a_phone_and_keeps_the_csp(
    series_site, page, mobile_page, screenshot, name, path, status
):
    from tests.test_csp_browser import LISTEN, open_under_csp

    violations: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    open_under_csp(page, violations, series_site + path, status)
    check_page_type(page, mobile_page, screenshot, name, series_site, path, status)


# The English interface (issue 14): every page type again under /en/, its artifacts named
# "…-en-desktop.png" and "…-en-mobile.png". The interface speaks English, the minutes stay Dutch.
EN = "/en"


@pytest.mark.browser
@pytest.mark.parametrize(("name", "path", "status"), PAGE_TYPES, ids=[n for n, _, _ in PAGE_TYPES])
def test_english_page_type_is_accessible_and_fits_a_phone(
    site, page, mobile_page, screenshot, name, path, status
):
    if "{topic}" in path:
        path = path.format(topic=topic_slug())
    check_page_type(
        page, mobile_page, screenshot, f"{name}-en", site, EN + path, status, language="en"
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("name", "path", "status"), SERIES_PAGE_TYPES, ids=[n for n, _, _ in SERIES_PAGE_TYPES]
)
def test_english_series_page_type_is_accessible_and_fits_a_phone(
    series_site, page, mobile_page, screenshot, name, path, status
):
    check_page_type(
        page, mobile_page, screenshot, f"{name}-en", series_site, EN + path, status, language="en"
    )


@pytest.mark.browser
def test_the_language_link_opens_the_same_page_in_english_and_back(site, page):
    path = "/zoeken/?q=thuiswerken&jaar=2021"
    visit(page, site + path)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.locator("header.sgo-header").get_by_role("link", name="English").click()

    page.wait_for_url(site + EN + path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results for “thuiswerken”")
    expect(page.get_by_label("Search term", exact=True)).to_have_value("thuiswerken")
    expect(page.locator(".sgo-result-count")).to_have_text("1 agenda item found.")
    # Links built on the English page stay English.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Decisions").click()
    expect(page).to_have_url(site + EN + "/besluiten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decisions")

    page.locator("header.sgo-header").get_by_role("link", name="Nederlands").click()
    expect(page).to_have_url(site + "/besluiten/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text("Besluiten")


@pytest.mark.browser
def test_an_english_meeting_page_has_english_dates_and_marks_the_minutes_dutch(site, page):
    visit(page, site + EN + MEETING_2021)
    facts = page.locator(".sgo-meeting__facts > div")
    expect(facts.filter(has=page.locator("dt", has_text="Date")).first.locator("dd")).to_have_text(
        "January 19, 2021"
    )
    expect(facts.filter(has=page.locator("dt", has_text="Time")).locator("dd")).to_have_text(
        "3 p.m.–4:30 p.m."
    )
    expect(page.locator("#punt-4-titel [lang=nl]")).to_contain_text("Voortgang op de herziening")
    expect(page.locator("#punt-4 > .sgo-item__body")).to_have_attribute("lang", "nl")
    expect(
        page.get_by_role("link", name=re.compile(r"^Link to this agenda item\s*\(4\. Voortgang"))
    ).to_be_visible()
    expect(page.locator(".sgo-prev-next")).to_have_text(re.compile(r"Previous: September 9, 2020"))

    citation = page.locator(".sgo-cite__text")
    expect(citation).to_contain_text(
        "Secretarissen-Generaal Overleg, minutes of January 19, 2021, reference 4182454. "
        "Source: sgo-2021-01-19.txt, released under the Woo. "
        f"SGO Archive, {site}{EN}{MEETING_2021} (accessed "
    )
    expect(citation.locator("[lang=nl]")).to_have_text("Secretarissen-Generaal Overleg")
    # Every address on the page leads to an English page (or the source file itself).
    paths = page.locator("main a[href^='/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert paths and all(p.startswith((EN + "/", "/bronnen/")) for p in paths), paths


@pytest.mark.browser
def test_series_are_offered_and_the_original_pdf_downloads(series_site, page):
    visit(page, series_site + "/")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    nav.get_by_role("link", name="Reeksen").click()
    expect(page).to_have_url(series_site + "/reeksen/")
    page.get_by_role("link", name="Technisch Overleg Digikoppeling").click()
    expect(page).to_have_url(series_site + f"/reeksen/{SERIES}/")
    expect(page.locator(".sgo-results .sgo-result")).to_have_count(3)
    page.get_by_role("link", name="Technisch Overleg Digikoppeling, donderdag 10 juni 2021").click()
    expect(page).to_have_url(series_site + MEETING_PDF)

    note = page.locator(".sgo-ocr-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Pagina's 4–5 van de pdf")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Oorspronkelijke pdf downloaden").click()
    download = waiting.value
    from tests.test_series import PDF, PDF_NAME

    assert download.suggested_filename == PDF_NAME
    assert Path(download.path()).read_bytes() == PDF


# A phone's first screen (issue 14): the first search result must start on it.
PHONE = {"width": 360, "height": 740}


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/zoeken/?q=thuiswerken", "/zoeken/?q=thuiswerken&jaar=2021"])
def test_first_search_result_is_on_a_phones_first_screen(site, browser, unhashed_static, path):
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    phone = context.new_page()
    try:
        visit(phone, site + path)
        first = phone.locator(".sgo-results .sgo-result").first
        expect(first).to_be_visible()
        top = first.bounding_box()["y"]
        assert top < PHONE["height"], f"first result starts at {top}px, below the first screen"
        # One query box: the header's is not on the search page.
        expect(phone.get_by_role("searchbox")).to_have_count(1)
        # The filters are folded away, and open on a tap.
        year_facet = phone.get_by_role("heading", name="Jaar", exact=True)
        expect(year_facet).to_be_hidden()
        phone.locator("summary.sgo-filters__summary").click()
        expect(year_facet).to_be_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_filters_stay_open_beside_the_results_on_a_desktop(site, page):
    visit(page, site + "/zoeken/?q=thuiswerken")
    expect(page.locator("summary.sgo-filters__summary")).to_be_hidden()
    expect(page.get_by_role("heading", name="Jaar", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Toepassen")).to_be_visible()
    expect(page.get_by_role("searchbox")).to_have_count(1)


@pytest.mark.browser
def test_decision_filters_are_folded_on_a_phone(site, browser, unhashed_static):
    """/besluiten/ as the search page: the filters folded into one line above the
    decisions on a small screen, open on a tap, and open at once when a filter cannot be
    applied (its error is in them)."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    phone = context.new_page()
    try:
        visit(phone, site + "/besluiten/")
        first = phone.locator(".sgo-results .sgo-result").first
        expect(first).to_be_visible()
        summary = phone.locator("summary.sgo-filters__summary").bounding_box()
        assert summary["y"] + summary["height"] < first.bounding_box()["y"]
        assert summary["height"] < 80, f"the folded filters take {summary['height']}px"
        kind_facet = phone.get_by_role("heading", name="Soort besluit", exact=True)
        expect(kind_facet).to_be_hidden()
        expect(phone.get_by_role("button", name="Toepassen")).to_be_hidden()
        phone.locator("summary.sgo-filters__summary").click()
        expect(kind_facet).to_be_visible()
        expect(phone.get_by_role("button", name="Toepassen")).to_be_visible()

        visit(phone, site + "/besluiten/?jaar=abc", status=400)
        expect(phone.get_by_role("button", name="Toepassen")).to_be_visible()
    finally:
        context.close()


@pytest.mark.browser
def test_decision_filters_stay_open_beside_the_decisions_on_a_desktop(site, page):
    visit(page, site + "/besluiten/")
    expect(page.locator("summary.sgo-filters__summary")).to_be_hidden()
    expect(page.get_by_role("heading", name="Soort besluit", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Toepassen")).to_be_visible()


@pytest.mark.browser
def test_find_decisions_by_subject_and_show_the_routine_ones(site, page):
    visit(page, site + "/besluiten/")
    expect(page.locator(".sgo-results .decision")).to_have_count(3)
    page.get_by_label("Zoek in de besluiten").fill("verslag")
    page.get_by_label("Zoek in de besluiten").press("Enter")
    page.wait_for_url("**/besluiten/?q=verslag")
    expect(page.locator(".sgo-results .decision")).to_have_count(0)
    expect(page.locator(".sgo-routine-note")).to_contain_text("2 vastgestelde verslagen")
    form = page.locator("form.sgo-filter-form")
    form.get_by_role("checkbox", name="Ook vastgestelde verslagen tonen").check()
    form.get_by_role("button", name="Toepassen").click()
    page.wait_for_url("**vastgesteld=ja*")
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["verslag"] and query["vastgesteld"] == ["ja"], page.url
    expect(page.locator(".sgo-results .decision")).to_have_count(2)
    expect(form.get_by_role("checkbox", name="Ook vastgestelde verslagen tonen")).to_be_checked()


def check_page_type(
    page, mobile_page, screenshot, name, site, path, status, language: str = "nl"
) -> None:
    """One page at 1280 and 360 px: its status, language and styles, one h1, axe, no
    sideways scroll."""
    url = site + path
    visit(page, url, status)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("main h1")).to_have_count(1)
    screenshot(page, f"{name}-desktop")
    visit(mobile_page, url, status)
    expect(mobile_page.locator("main h1")).to_have_count(1)
    screenshot(mobile_page, f"{name}-mobile")

    # Collect every problem of this page before failing, so one run reports them all.
    problems = [
        axe_report(page, f"{path} at 1280 px"),
        axe_report(mobile_page, f"{path} at 360 px"),
    ]
    scroll_width = mobile_page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > MOBILE["width"]:
        problems.append(
            f"{path}: horizontal scroll at 360 px (scrollWidth {scroll_width}); "
            f"sticking out: {mobile_page.evaluate(OVERFLOWING)}"
        )
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)
