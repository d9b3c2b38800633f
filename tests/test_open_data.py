"""The open data download (minutes/opendata.py): the zip's NDJSON and CSV, the SQLite
file, the rebuild after an import, the command, the files' view and the /open-data/ page.

Each test builds into a folder of its own on the session's archive (tests/archive.py),
plus a meeting of invented minutes with withheld titles and a would-be formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from minutes import opendata
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    Meeting,
    Ministry,
    MinistryAlias,
    MinistryMention,
    MinistrySuccession,
    Series,
    SourceDocument,
    Topic,
)
from minutes.services import SourceFile, import_batch, read_paths
from tests.archive import import_a_later_meeting, minutes
from tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db

WITHHELD_MINUTES = minutes(
    "3 maart 2021",
    [
        ("buiten verzoek", "buiten verzoek"),
        ("5.1.2i", "5.1.2i"),
        ('=HYPERLINK("http://example.org")', "@SUM(1+1) staat hier als tekst."),
    ],
)


def db_counts() -> dict[str, int]:
    return {
        "series": Series.objects.count(),
        "source_documents": SourceDocument.objects.count(),
        "meetings": Meeting.objects.count(),
        "agenda_items": AgendaItem.objects.count(),
        "decisions": Decision.objects.count(),
        "ministries": Ministry.objects.count(),
        "ministry_names": MinistryAlias.objects.count(),
        "ministry_successions": MinistrySuccession.objects.count(),
        "ministry_mentions": MinistryMention.objects.count(),
        "topics": Topic.objects.count(),
        "item_topics": AgendaItem.topics.through.objects.count(),
    }


@pytest.fixture
def folder(settings, tmp_path) -> Path:
    """The download's folder for this test (empty: nothing built yet)."""
    settings.SGO_OPEN_DATA_DIR = str(tmp_path / "open-data")
    settings.SGO_SITE_URL = "https://sgo.example.org"
    return tmp_path / "open-data"


@pytest.fixture
def built(folder) -> opendata.Manifest:
    result = import_batch([SourceFile("sgo-2021-03-03.txt", WITHHELD_MINUTES)])
    assert result.count("imported") == 1, result.outcomes
    return opendata.build()


def ndjson(folder: Path, table: str) -> list[dict]:
    with zipfile.ZipFile(folder / opendata.ZIP_NAME) as archive:
        text = archive.read(f"ndjson/{table}.ndjson").decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


def csv_rows(folder: Path, table: str) -> tuple[bytes, list[dict]]:
    with zipfile.ZipFile(folder / opendata.ZIP_NAME) as archive:
        data = archive.read(f"csv/{table}.csv")
    return data, list(
        csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    )


def test_every_table_in_ndjson_and_csv_counts_as_the_database(folder, built):
    expected = db_counts()
    assert set(expected) == {table.name for table in opendata.TABLES}
    assert built.counts == expected
    assert expected["meetings"] == 3 and expected["agenda_items"] > 10
    for table in opendata.TABLES:
        names = [field.name for field in table.fields]
        records = ndjson(folder, table.name)
        assert len(records) == expected[table.name], table.name
        assert all(list(record) == names for record in records), table.name
        data, rows = csv_rows(folder, table.name)
        assert data.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM"
        assert len(rows) == expected[table.name], table.name
        assert rows == [] or list(rows[0]) == names


def test_records_carry_ids_iso_dates_and_absolute_urls(folder, built):
    meeting = Meeting.objects.select_related("series").get(slug="2021-01-19")
    record = next(r for r in ndjson(folder, "meetings") if r["id"] == meeting.pk)
    assert record["date"] == "2021-01-19"
    assert record["series_id"] == meeting.series_id
    assert record["url"] == "https://sgo.example.org/vergaderingen/2021-01-19/"
    assert record["title"] == "Verslag SGO 19 januari 2021"
    assert record["redaction_codes"] == meeting.redaction_codes
    assert record["imported_at"].endswith("Z")
    item = AgendaItem.objects.filter(meeting=meeting, parent__isnull=False).first()
    assert item is not None, "the sample has sub-items"
    items = {r["id"]: r for r in ndjson(folder, "agenda_items")}
    assert items[item.pk]["parent_id"] == item.parent_id
    assert items[item.pk]["label"] == item.parent.number + item.number
    assert items[item.pk]["text"] == (item.body or None)
    assert (
        items[item.pk]["url"] == f"https://sgo.example.org/vergaderingen/2021-01-19/#{item.anchor}"
    )
    decision = Decision.objects.select_related("agenda_item").first()
    decisions = {r["id"]: r for r in ndjson(folder, "decisions")}
    assert decisions[decision.pk]["meeting_id"] == decision.agenda_item.meeting_id
    assert decisions[decision.pk]["kind"] == decision.kind
    ministry = Ministry.objects.get(slug="ezk")
    ministries = {r["abbreviation"]: r for r in ndjson(folder, "ministries")}
    former = [a for a in ministry.aliases.all() if a.is_former_name]
    assert len(ministries["EZK"]["former_names"]) == len(former)


def test_withheld_titles_show_the_marker_and_the_codes_as_released(folder, built):
    items = {
        r["position"]: r
        for r in ndjson(folder, "agenda_items")
        if r["url"].startswith("https://sgo.example.org/vergaderingen/2021-03-03/")
    }
    assert items[0]["title"] == "Niet openbaar: buiten het verzoek"
    assert items[0]["withheld"] == "buiten verzoek"
    assert items[1]["title"].startswith("Agendapunt weggelakt, Woo-grond 5.1.2i")
    assert items[1]["withheld"] == "5.1.2i"
    assert items[2]["withheld"] is None
    _data, rows = csv_rows(folder, "agenda_items")
    by_title = {row["withheld"]: row for row in rows if row["withheld"]}
    assert set(by_title) == {"buiten verzoek", "5.1.2i"}


def test_csv_cells_never_start_a_formula(folder, built):
    _data, rows = csv_rows(folder, "agenda_items")
    row = next(r for r in rows if "HYPERLINK" in r["title"])
    assert row["title"] == '\'=HYPERLINK("http://example.org")'
    assert row["text"].startswith("'@SUM")
    # NDJSON keeps the text as it is.
    record = next(r for r in ndjson(folder, "agenda_items") if "HYPERLINK" in r["title"])
    assert record["title"].startswith("=HYPERLINK")


def test_sqlite_file_has_the_tables_keys_and_full_text(folder, built):
    expected = db_counts()
    database = sqlite3.connect(folder / opendata.SQLITE_NAME)
    try:
        for name, count in expected.items():
            assert database.execute(f"SELECT count(*) FROM {name}").fetchone()[0] == count, name
        assert database.execute("PRAGMA foreign_key_check").fetchall() == []
        joined = database.execute(
            "SELECT count(*) FROM decisions d JOIN agenda_items a ON a.id = d.agenda_item_id "
            "JOIN meetings m ON m.id = a.meeting_id AND m.id = d.meeting_id"
        ).fetchone()[0]
        assert joined == expected["decisions"]
        keys = database.execute("PRAGMA foreign_key_list(agenda_items)").fetchall()
        assert {(row[2], row[3]) for row in keys} == {
            ("meetings", "meeting_id"),
            ("agenda_items", "parent_id"),
        }
        indexed = {row[1] for row in database.execute("PRAGMA index_list(ministry_mentions)")}
        assert {"ministry_mentions_meeting_id", "ministry_mentions_agenda_item_id"} <= indexed
        hits = database.execute(
            "SELECT a.title FROM agenda_items_fts "
            "JOIN agenda_items a ON a.id = agenda_items_fts.rowid "
            "WHERE agenda_items_fts MATCH 'thuiswerken'"
        ).fetchall()
        assert hits, "the full-text index finds an agenda item"
        codes = database.execute(
            "SELECT redaction_codes FROM meetings WHERE slug = '2021-01-19'"
        ).fetchone()[0]
        assert json.loads(codes) == Meeting.objects.get(slug="2021-01-19").redaction_codes
    finally:
        database.close()


def test_manifest_names_each_files_size_and_digest(folder, built):
    found = opendata.manifest()
    assert found == built
    assert found.archive_version == ArchiveVersion.current()
    for name in opendata.FILES:
        data = (folder / name).read_bytes()
        described = found.file(name)
        assert described.size == len(data)
        assert described.sha256 == hashlib.sha256(data).hexdigest()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".lock", opendata.MANIFEST_NAME, *opendata.FILES]
    ), "no temporary files left behind"
    with zipfile.ZipFile(folder / opendata.ZIP_NAME) as archive:
        package = json.loads(archive.read("datapackage.json"))
    assert [r["name"] for r in package["resources"]] == [t.name for t in opendata.TABLES]


def test_an_import_that_changed_something_rebuilds_and_a_dry_run_does_not(
    folder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_batch([SourceFile("sgo-2021-03-03.txt", WITHHELD_MINUTES)], dry_run=True)
    assert opendata.manifest() is None, "a dry run builds nothing"
    with django_capture_on_commit_callbacks(execute=True):
        import_batch(read_paths([SAMPLES]))  # every file unchanged
    assert opendata.manifest() is None, "a run that imported nothing builds nothing"
    with django_capture_on_commit_callbacks(execute=True):
        import_a_later_meeting()
    found = opendata.manifest()
    assert found is not None
    assert found.counts["meetings"] == Meeting.objects.count() == 3
    assert found.archive_version == ArchiveVersion.current()
    assert len(ndjson(folder, "meetings")) == 3


def test_a_failing_build_does_not_fail_the_import(
    folder, built, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    before = (folder / opendata.ZIP_NAME).read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(opendata, "build", broken)
    with (
        caplog.at_level(logging.ERROR, logger="minutes.opendata"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        import_a_later_meeting()  # asserts the meeting was imported
    assert Meeting.objects.filter(date="2020-10-14").exists()
    assert "could not be rebuilt" in caplog.text
    assert (folder / opendata.ZIP_NAME).read_bytes() == before, "the old download stays"
    assert opendata.manifest() == built
    assert not opendata.is_current()


def test_command_builds_and_checks(folder):
    with pytest.raises(CommandError, match="No open data download"):
        call_command("open_data", "--check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("open_data", stdout=out)
    assert "built" in out.getvalue()
    call_command("open_data", "--check", stdout=out)
    ensure = io.StringIO()
    call_command("open_data", "--ensure", stdout=ensure)
    assert "is current" in ensure.getvalue()
    ArchiveVersion.bump([])
    with pytest.raises(CommandError, match="out of date"):
        call_command("open_data", "--check", stdout=io.StringIO())


def test_files_are_404_with_a_reason_before_the_first_build(client, folder):
    response = client.get("/open-data/sgo-archief.zip")
    assert response.status_code == 404
    assert "nog niet gemaakt" in response.content.decode()
    page = client.get("/open-data/")
    assert page.status_code == 200
    assert "nog niet gemaakt" in page.content.decode()
    assert client.get("/open-data/iets-anders.zip").status_code == 404


def test_view_serves_the_files_with_length_and_validators(client, folder, built):
    for name, content_type in opendata.FILES.items():
        response = client.get(f"/open-data/{name}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert int(response["Content-Length"]) == (folder / name).stat().st_size
        assert b"".join(response.streaming_content) == (folder / name).read_bytes()
        assert response["Last-Modified"]
        again = client.get(f"/open-data/{name}", HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
    with zipfile.ZipFile(io.BytesIO((folder / opendata.ZIP_NAME).read_bytes())) as archive:
        assert archive.testzip() is None


def test_page_documents_fields_files_counts_and_licence(client, folder, built):
    response = client.get("/open-data/")
    assert response.status_code == 200
    html = response.content.decode()
    for table in opendata.TABLES:
        assert f'id="tabel-{table.name}"' in html
        for field in table.fields:
            assert f"<code>{field.name}</code>" in html
            with translation.override("nl"):
                assert str(field.html()) in html
    for described in built.files:
        assert described.sha256 in html
        assert f'href="/open-data/{described.name}"' in html
    assert f"{built.counts['agenda_items']} records" in html
    assert "Wet open overheid" in html and "CC0" in html
    english = client.get("/en/open-data/").content.decode()
    with translation.override("en"):
        number = str(opendata.table("agenda_items").fields[4].html())
    assert number in english and '‘<span lang="nl">ingelast</span>’' in number


def test_page_is_linked_from_the_footer_and_the_meeting_list(client, folder):
    html = client.get("/vergaderingen/").content.decode()
    assert html.count('href="/open-data/"') == 2


@pytest.mark.django_db(transaction=True)
def test_confirming_an_upload_in_the_admin_rebuilds_in_the_background(
    imported_samples, folder, settings, tmp_path
):
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile

    from minutes import uploads

    settings.MEDIA_ROOT = str(tmp_path / "media")
    shutil.rmtree(folder, ignore_errors=True)  # the fixture's import built one
    user = User.objects.create_user("importeur", password="geheim-wachtwoord-1")
    upload = SimpleUploadedFile("sgo-2021-03-03.txt", WITHHELD_MINUTES, content_type="text/plain")
    run = uploads.stage_upload([upload], user=user, limits=uploads.ImportLimits.from_settings())
    assert opendata.manifest() is None, "staging a preview builds nothing"
    chosen = [file.sha256 for file in uploads.staged_files(run)]
    result = uploads.confirm(run, chosen=chosen)
    assert result.count("imported") == 1
    builds = [t for t in threading.enumerate() if t.name == opendata.BACKGROUND_THREAD]
    assert builds, "the build runs in a thread of its own"
    for thread in builds:
        thread.join()
    found = opendata.manifest()
    assert found is not None and found.counts["meetings"] == Meeting.objects.count() == 3
    assert found.archive_version == ArchiveVersion.current()


def test_a_build_that_was_killed_leaves_nothing_the_next_keeps(folder, built):
    (folder / ".building-killed").mkdir()
    (folder / ".building-killed" / "meetings.csv").write_text("half a file")
    opendata.build()
    assert not (folder / ".building-killed").exists()
