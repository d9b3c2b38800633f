"""Importing minutes in the admin, in a real browser: upload → preview → confirm.

Screenshots of the preview (desktop and 360 px) and of the result land in
artifacts/. Run `make static` first: the live server serves collected static files.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission, User
from playwright.sync_api import expect

from minutes.models import ImportRun, Meeting
from tests.conftest import FIXTURES, SAMPLES

pytestmark = pytest.mark.browser

PASSWORD = "geheim-wachtwoord-1"
SAMPLE_2020 = SAMPLES / "sgo-2020-09-09.txt"
SAMPLE_2021 = SAMPLES / "sgo-2021-01-19.txt"
BAD_FILE = FIXTURES / "admin" / "geen-verslag.txt"
UPLOAD_PATH = "/beheer/minutes/importrun/importeren/"


@pytest.fixture
def importer(no_minutes) -> User:
    """A staff user allowed to import, and nothing else, in an archive without minutes.

    `no_minutes` asks for `seeded`: the ministries and topics the data migrations
    seed are there even after an earlier transactional test's flush.
    """
    user = User.objects.create_user("importeur", password=PASSWORD, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="minutes", codename="import_minutes")
    )
    return user


@pytest.fixture
def staging_dir(settings, tmp_path):
    # The live server runs in this process, so it sees the overridden setting.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def assert_accessible(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, result.generate_report()


def test_upload_preview_and_confirm_in_chromium(
    live_server, page, screenshot, importer, staging_dir, unhashed_static
):
    page.goto(f"{live_server.url}/beheer/login/?next={UPLOAD_PATH}")
    page.get_by_label("Gebruikersnaam").fill(importer.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", name="Verslagen importeren")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Bestanden").set_input_files([SAMPLE_2020, SAMPLE_2021, BAD_FILE])
    page.get_by_role("button", name="Voorvertoning tonen").click()

    # Step 2: the preview, one row per file; nothing is written yet.
    expect(page.get_by_role("heading", name="Voorvertoning import")).to_be_visible()
    rows = page.locator("#voorvertoning tbody tr")
    expect(rows).to_have_count(3)
    bad = page.locator("tr[data-status=failed]")
    expect(bad).to_contain_text("geen-verslag.txt")
    expect(bad).to_contain_text("Mislukt")
    expect(bad).to_contain_text("geen vergaderdatum gevonden")
    expect(page.locator("tr[data-status=imported]")).to_have_count(2)
    expect(page.get_by_label("sgo-2021-01-19.txt")).to_be_checked()
    expect(page.get_by_label("sgo-2020-09-09.txt")).to_be_checked()
    expect(rows.nth(1)).to_contain_text("dinsdag 19 januari 2021")
    # Counted as the public pages count: top-level items, with the sub-items apart.
    rows.nth(1).get_by_text("6 agendapunten (8 met subpunten)").click()
    expect(rows.nth(1)).to_contain_text("Presentatie Rijksdienst 2022")
    assert Meeting.objects.count() == 0
    assert_accessible(page)
    screenshot(page, "admin-import-preview")
    page.set_viewport_size({"width": 360, "height": 800})
    screenshot(page, "admin-import-preview-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Step 3: import the ticked files; the result is the run with its files.
    page.get_by_role("button", name="Gekozen bestanden importeren").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Import voltooid: 2 geïmporteerd, 0 ongewijzigd, 0 vervangen, 1 mislukt"
    )
    expect(page.locator("#files-group")).to_contain_text("geen-verslag.txt")
    screenshot(page, "admin-import-result")

    assert Meeting.objects.count() == 2
    run = ImportRun.objects.get()
    assert run.user == importer
    assert run.origin == ImportRun.Origin.UPLOAD
    assert sorted(run.files.values_list("status", flat=True)) == ["failed", "imported", "imported"]
    assert not [p for p in staging_dir.rglob("*") if p.is_file()]
    assert not ImportRun.staged.exists()


def login(page, live_server, importer: User) -> None:
    page.goto(f"{live_server.url}/beheer/login/?next={UPLOAD_PATH}")
    page.get_by_label("Gebruikersnaam").fill(importer.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


# How far the preview table reaches past its box, in CSS pixels: more than 0 and the
# right-hand columns are cut off, to be scrolled to.
OVERFLOW = """() => {
    const table = document.querySelector('#voorvertoning');
    return table.scrollWidth - table.parentElement.clientWidth;
}"""


def test_the_preview_table_fits_at_1280_px_with_every_list_open(
    live_server, page, screenshot, importer, staging_dir, unhashed_static
):
    login(page, live_server, importer)
    page.get_by_label("Bestanden").set_input_files([SAMPLE_2020, SAMPLE_2021, BAD_FILE])
    page.get_by_role("button", name="Voorvertoning tonen").click()
    expect(page.locator("#voorvertoning tbody tr")).to_have_count(3)
    assert page.viewport_size == {"width": 1280, "height": 900}
    assert page.evaluate(OVERFLOW) <= 0
    # Opened, the agenda and decision lists widen nothing either.
    for summary in page.locator("#voorvertoning summary").all():
        summary.click()
    expect(page.locator("#voorvertoning details[open]")).to_have_count(4)
    assert page.evaluate(OVERFLOW) <= 0
    # Nor does the page itself scroll sideways.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280
    screenshot(page, "admin-import-preview-open-1280")


def test_a_suspicious_replacement_is_confirmed_per_file_and_the_old_text_stays_readable(
    live_server, page, screenshot, importer, staging_dir, unhashed_static, tmp_path
):
    from minutes.services import SourceFile, import_batch

    full = SAMPLE_2021.read_bytes()
    import_batch([SourceFile(SAMPLE_2021.name, full)])
    half = tmp_path / SAMPLE_2021.name
    half.write_bytes(full[: len(full) // 2])

    page.goto(f"{live_server.url}/beheer/login/?next={UPLOAD_PATH}")
    page.get_by_label("Gebruikersnaam").fill(importer.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_label("Bestanden").set_input_files([half])
    page.get_by_role("button", name="Voorvertoning tonen").click()

    row = page.locator("tr[data-status=replaced]")
    expect(row).to_contain_text("Verschil: agendapunten 6 → 3, besluiten 3 → 1")
    expect(row).to_contain_text("Verdachte vervanging")
    choose = page.get_by_label("sgo-2021-01-19.txt")
    confirm = page.get_by_label("Ik heb het verschil gezien: vervang de huidige versie toch.")
    expect(choose).not_to_be_checked()
    expect(confirm).not_to_be_checked()
    assert_accessible(page)
    screenshot(page, "admin-import-suspicious")
    choose.check()
    confirm.check()
    page.get_by_role("button", name="Gekozen bestanden importeren").click()
    expect(page.locator(".messagelist")).to_contain_text("0 ongewijzigd, 1 vervangen, 0 mislukt")

    page.goto(f"{live_server.url}/vergaderingen/2021-01-19/")
    versions = page.get_by_role("region", name="Eerdere versies")
    expect(versions).to_contain_text("vervangen")
    versions.get_by_role("link", name="Versie 1").click()
    # The whole earlier text, its second half (gone from the meeting now) included.
    expect(page.locator("body")).to_contain_text("Het SGO spreekt aansluitend af")
    assert page.url.startswith(f"{live_server.url}/vergaderingen/2021-01-19/tekst/")
    assert Meeting.objects.get().agenda_items.count() == 3
