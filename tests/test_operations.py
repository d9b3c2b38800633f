"""Operations (issue 12): health check, database outages, interrupted imports, HEAD,
bounded exports, cached rendering and bounded timelines, on the real components."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import psutil
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from django.urls import URLPattern, reverse
from django.utils import timezone

from minutes import rendering, urls
from minutes.middleware import DatabaseUnavailableMiddleware
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    ImportFile,
    ImportRun,
    Meeting,
    Ministry,
    MinistryMention,
    Series,
    SourceDocument,
)
from minutes.services import SourceFile, import_batch, mark_interrupted_runs, this_process
from tests.archive import IndexedTestCase
from tests.conftest import ROOT, SAMPLES

UNREACHABLE_DATABASE = "postgres://postgres@127.0.0.1:1/sgo_archive"


def run_django(script: str, **env: str) -> subprocess.CompletedProcess:
    """Run `script` in a fresh Python with Django set up and `env` on top of ours."""
    prelude = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sgo_archive.settings')\n"
        "django.setup()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_database_url():
    """The URL of the database this test runs on, for a subprocess."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    if host.startswith("/"):  # the embedded server's socket folder, as dj-database-url reads it
        host = quote(host, safe="")
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


# --------------------------------------------------------------------------- /healthz


class HealthTests(IndexedTestCase):
    """The index is rebuilt for the case: tests before it may leave it at another version."""

    def get(self):
        response = self.client.get("/healthz")
        return response.status_code, json.loads(response.content)

    def test_all_checks_pass(self):
        status, body = self.get()
        self.assertEqual(status, 200)
        self.assertEqual(
            body,
            {
                "status": "ok",
                "checks": {"database": "ok", "migrations": "ok", "search_index": "ok"},
            },
        )
        self.assertIn("no-cache", self.client.get("/healthz")["Cache-Control"])

    def test_unapplied_migration_fails_and_is_named(self):
        latest = MigrationRecorder.Migration.objects.filter(app="minutes").order_by("-name").first()
        latest.delete()  # rolled back with the test's transaction
        status, body = self.get()
        self.assertEqual(status, 503)
        self.assertEqual(body["status"], "fail")
        self.assertEqual(body["checks"]["database"], "ok")
        self.assertIn(f"minutes.{latest.name}", body["checks"]["migrations"])
        self.assertTrue(body["checks"]["migrations"].startswith("1 not applied"))

    def test_missing_index_fails_and_is_named(self):
        with override_settings(SEARCH_INDEX_DIR=str(ROOT / "artifacts" / "no-index-here")):
            status, body = self.get()
        self.assertEqual(status, 503)
        self.assertTrue(body["checks"]["search_index"].startswith("missing"))
        self.assertEqual(body["checks"]["migrations"], "ok")

    def test_damaged_index_fails_and_is_named(self):
        damaged = Path(tempfile.mkdtemp(prefix="sgo-damaged-index-")) / "index"
        shutil.copytree(settings.SEARCH_INDEX_DIR, damaged)
        self.addCleanup(shutil.rmtree, damaged.parent)
        for segment in damaged.glob("*.idx"):
            segment.write_bytes(b"not an index")
        (damaged / "meta.json").write_text("{broken")
        with override_settings(SEARCH_INDEX_DIR=str(damaged)):
            status, body = self.get()
        self.assertEqual(status, 503)
        self.assertTrue(body["checks"]["search_index"].startswith("unreadable"), body)

    def test_index_behind_the_archive_is_named_but_serves(self):
        # Every import leaves the index behind until its commit hook caught up: the
        # server still answers every page (search a moment behind), so it stays in.
        ArchiveVersion.bump([])
        status, body = self.get()
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["checks"]["search_index"].startswith("behind"))

    def test_not_in_the_sitemap_and_kept_from_crawlers(self):
        self.assertNotContains(self.client.get("/sitemap.xml"), "healthz")

    def test_the_sitemap_lists_the_overview_pages(self):
        body = self.client.get("/sitemap.xml").content.decode()
        for path in ("/ministeries/vergelijken/", "/weglakkingen/", "/dekking/", "/open-data/"):
            self.assertIn(f"<loc>http://testserver{path}</loc>", body)
        self.assertContains(self.client.get("/robots.txt"), "Disallow: /healthz")


# --------------------------------------------------------------------------- database outage


def test_unreachable_database_answers_503_not_500():
    """A real connection to a closed port: the health check and pages say 503."""
    proc = run_django(
        """
        import json
        from django.test import Client
        client = Client(raise_request_exception=False)
        answers = {}
        for url in ["/healthz", "/", "/vergaderingen/", "/vergaderingen/2021-01-19/",
                    "/ministeries/ezk/", "/vergaderingen/export.csv"]:
            r = client.get(url)
            body = b"".join(r.streaming_content) if r.streaming else r.content
            answers[url] = [r.status_code, r.get("Retry-After"), body.decode()]
        print(json.dumps(answers))
        """,
        DATABASE_URL=UNREACHABLE_DATABASE,
        DJANGO_DEBUG="false",
    )
    assert proc.returncode == 0, proc.stderr
    answers = json.loads(proc.stdout.strip().splitlines()[-1])
    status, _retry, body = answers.pop("/healthz")
    assert status == 503
    checks = json.loads(body)["checks"]
    assert checks["database"].startswith("unreachable")
    assert checks["migrations"].startswith("not checked")
    for url, (status, retry_after, body) in answers.items():
        assert status == 503, url
        assert retry_after == "30", url
        assert "Het archief is even niet bereikbaar" in body, url
        assert '<html lang="nl">' in body


class DriverErrorTests(SimpleTestCase):
    def test_the_drivers_own_error_answers_503_too(self):
        """Seen under load while the database stopped: a server-side cursor's close
        raised psycopg.OperationalError unwrapped by Django, and the page said 500."""
        middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse())
        request = RequestFactory().get("/zoeken/?q=besproken")
        error = psycopg.OperationalError("consuming input failed: server closed the connection")
        response = middleware.process_exception(request, error)
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertContains(response, "even niet bereikbaar", status_code=503)
        self.assertIsNone(middleware.process_exception(request, ValueError("no outage")))


# --------------------------------------------------------------------------- HEAD


def _public_urls() -> list[str]:
    meeting = Meeting.objects.order_by("date").first()
    ministry = Ministry.objects.get(slug="ezk")
    topic = AgendaItem.objects.filter(topics__isnull=False).values_list("topics__slug", flat=True)
    # An earlier text of the meeting: replaced by itself with one more line.
    data = meeting.original_text.encode() + b"\nEen regel erbij.\n"
    assert import_batch([SourceFile(meeting.source_name, data)]).count("replaced") == 1
    version = ImportFile.objects.earlier_versions(meeting).get()
    # The PDF the meeting was read from (issue 13): its download is a public URL too.
    document = SourceDocument(name="bron.pdf", sha256="e" * 64, size=8, imported_at=timezone.now())
    document.file.save("bron.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    Meeting.objects.filter(pk=meeting.pk).update(source_document=document)
    kwargs = {
        "meeting_detail": {"slug": meeting.slug},
        "meeting_text": {"slug": meeting.slug},
        "meeting_text_version": {"slug": meeting.slug, "version": version.pk},
        "ministry_detail": {"slug": ministry.slug},
        "topic_detail": {"slug": topic.first()},
        "source_document": {"sha256": document.sha256},
        "series_detail": {"slug": meeting.series.slug},
        "series_feed": {"slug": meeting.series.slug},
        "open_data_file": {"name": "sgo-archief.zip"},
        "meeting_json": {"slug": meeting.slug},
        **{
            f"{kind}_{what}": {"slug": slug}
            for kind, slug in (("ministry", ministry.slug), ("topic", topic.first()))
            for what in ("feed", "export_csv", "export_json")
        },
    }
    found = []
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        found.append(reverse(f"minutes:{pattern.name}", kwargs=kwargs.get(pattern.name)))
    return found


class HeadTests(TestCase):
    def setUp(self) -> None:
        media = tempfile.mkdtemp(prefix="sgo-test-media-")
        self.addCleanup(shutil.rmtree, media, True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)

    def test_head_answers_as_get_on_every_public_url(self):
        public = _public_urls()
        self.assertIn("/vergaderingen/export.csv", public)
        self.assertEqual(len(public), len(urls.urlpatterns))
        for login in (False, True):
            if login:  # earlier texts of a meeting are for importers only
                self.client.force_login(User.objects.create_superuser("beheer", password="x-1"))
            for url in public:
                for query in ("", "?q=regels" if url == "/zoeken/" else ""):
                    get = self.client.get(url + query)
                    head = self.client.head(url + query)
                    self.assertEqual(head.status_code, get.status_code, url)
                    allowed = {200, 503 if url == "/healthz" else 200}
                    if not login and "/tekst/" in url and url.count("/") > 4:
                        allowed = {403}
                    self.assertIn(get.status_code, allowed, url)
                    self.assertEqual(head["Content-Type"], get["Content-Type"], url)
                    body = b"".join(head.streaming_content) if head.streaming else head.content
                    self.assertEqual(body, b"", url)

    def test_head_sends_no_body_from_the_wsgi_handler_itself(self):
        """Not only the test client drops it: any WSGI server gets an empty body."""
        handler = WSGIHandler()
        # As the test client does: keep the test's connection (and its transaction) open.
        for signal_ in (request_started, request_finished):
            signal_.disconnect(close_old_connections)
            self.addCleanup(signal_.connect, close_old_connections)
        for url in ("/vergaderingen/2021-01-19/tekst/", "/vergaderingen/export.csv", "/"):
            sent = {}

            def start_response(status, headers, sent=sent):
                sent["status"], sent["headers"] = status, dict(headers)

            get_body = b"".join(handler(RequestFactory().get(url).environ, start_response))
            get_headers = sent["headers"]
            head_body = b"".join(handler(RequestFactory().head(url).environ, start_response))
            self.assertEqual(sent["status"], "200 OK", url)
            self.assertEqual(head_body, b"", url)
            self.assertGreater(len(get_body), 0, url)
            if "Content-Length" in get_headers:
                self.assertEqual(sent["headers"]["Content-Length"], str(len(get_body)), url)


# --------------------------------------------------------------------------- exports


class ExportLimitTests(TestCase):
    @override_settings(SGO_EXPORT_MAX_ROWS=1)
    def test_a_selection_over_the_limit_is_refused_whole(self):
        self.assertEqual(Meeting.objects.count(), 2)
        for name in ("export.csv", "export.json"):
            response = self.client.get(f"/vergaderingen/{name}?ministerie=ezk&page=2")
            self.assertEqual(response.status_code, 400, name)
            self.assertFalse(response.streaming)
            self.assertContains(response, "Uw selectie bevat 2 vergaderingen", status_code=400)
            self.assertContains(response, "ten hoogste 1", status_code=400)
            # Back to the same selection (without the page) to narrow it.
            self.assertContains(response, 'href="/vergaderingen/?ministerie=ezk"', status_code=400)

    @override_settings(SGO_EXPORT_MAX_ROWS=1)
    def test_a_selection_within_the_limit_streams(self):
        response = self.client.get("/vergaderingen/export.json?jaar=2020")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        data = json.loads(b"".join(response.streaming_content))
        self.assertEqual([m["date"] for m in data], ["2020-09-09"])
        csv_response = self.client.get("/vergaderingen/export.csv?jaar=2021")
        self.assertTrue(csv_response.streaming)
        rows = b"".join(csv_response.streaming_content).decode("utf-8-sig").splitlines()
        self.assertEqual(len(rows), 2)  # header and one meeting

    def test_the_limit_comes_from_the_environment(self):
        proc = run_django(
            "from django.conf import settings; print(settings.SGO_EXPORT_MAX_ROWS)",
            SGO_EXPORT_MAX_ROWS="123",
        )
        self.assertEqual(proc.stdout.strip(), "123", proc.stderr)

    def test_feeds_hold_the_newest_twenty(self):
        from minutes.feeds import MeetingFeed, SearchFeed

        self.assertEqual((MeetingFeed.limit, SearchFeed.limit), (20, 20))


# --------------------------------------------------------------------------- rendering cache


class RenderCacheTests(TestCase):
    URL = "/vergaderingen/2021-01-19/"

    def renders(self, url: str = URL) -> tuple[int, str]:
        with mock.patch.object(rendering, "render_text", wraps=rendering.render_text) as spy:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return spy.call_count, response.content.decode()

    def test_second_view_does_not_render_again(self):
        first, page = self.renders()
        self.assertGreater(first, 0)
        again, second_page = self.renders()
        self.assertEqual(again, 0)
        self.assertEqual(page, second_page)
        # A search within the meeting marks matches: rendered for that request.
        marked, page = self.renders(self.URL + "?q=regels")
        self.assertGreater(marked, 0)

    def test_a_replacement_shows_its_new_text(self):
        old = "Spreker meldt vervolgens dat de afgelopen periode"
        new = "Spreker meldt in de vervangen versie dat de afgelopen periode"
        self.assertTrue(old in self.renders()[1])
        changed = (SAMPLES / "sgo-2021-01-19.txt").read_text(encoding="utf-8")
        self.assertIn(old, changed)
        changed = changed.replace(old, new, 1)
        result = import_batch([SourceFile("sgo-2021-01-19.txt", changed.encode("utf-8"))])
        self.assertEqual(result.outcomes[0].status, "replaced", result.outcomes[0].error)
        count, page = self.renders()
        self.assertGreater(count, 0)
        self.assertTrue(new in page and old not in page)

    def test_an_edit_in_the_admin_shows(self):
        self.renders()
        item = AgendaItem.objects.filter(meeting__slug="2021-01-19").exclude(body="").first()
        item.body = "Bewerkte tekst in beheer."
        item.save()
        ArchiveVersion.bump([item.meeting_id])  # what the admin's save does (SearchIndexedAdmin)
        self.assertTrue("Bewerkte tekst in beheer." in self.renders()[1])


# --------------------------------------------------------------------------- timelines


class TimelineTests(TestCase):
    def test_a_meeting_in_year_one_does_not_list_every_year_since(self):
        ezk = Ministry.objects.get(slug="ezk")
        stray = Meeting.objects.create(
            series=Series.objects.get(slug=Series.SGO),
            date=date(1, 1, 7),
            slug="0001-01-07",
            source_name="verdwaald.txt",
            sha256="f" * 64,
            encoding="utf-8",
            original_text="Verslag met een verkeerde datum.",
            imported_at=timezone.now(),
            received_at=timezone.now(),
        )
        item = AgendaItem.objects.create(
            meeting=stray, position=1, number="1", anchor="punt-1", title="Opening", body="EZK."
        )
        MinistryMention.objects.create(
            meeting=stray, agenda_item=item, ministry=ezk, role=MinistryMention.Role.MENTIONED
        )
        timeline = ezk.timeline()
        self.assertEqual(timeline[0], {"year": 1, "month": 0, "count": 1})
        self.assertEqual(timeline[1], {"year": 2, "month": 0, "count": 0, "until": 2019})
        self.assertEqual([p["year"] for p in timeline[2:]], [2020, 2021])
        response = self.client.get("/ministeries/ezk/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="sgo-chart__bar"', count=4)
        self.assertContains(response, "2–2019")

    def test_short_gaps_stay_listed_year_by_year(self):
        ezk = Ministry.objects.get(slug="ezk")
        first = Meeting.objects.filter(ministry_mentions__ministry=ezk).order_by("date").first()
        Meeting.objects.filter(pk=first.pk).update(date=first.date.replace(year=2015))
        self.assertEqual(
            [(p["year"], p["count"]) for p in ezk.timeline()],
            [(2015, 1), (2016, 0), (2017, 0), (2018, 0), (2019, 0), (2020, 0), (2021, 1)],
        )


# --------------------------------------------------------------------------- interrupted imports


class InterruptedRunTests(TestCase):
    def run_of(self, **fields) -> ImportRun:
        return ImportRun.objects.create(
            origin=ImportRun.Origin.COMMAND,
            status=ImportRun.Status.RUNNING,
            started_at=fields.pop("started_at", timezone.now()),
            **fields,
        )

    def test_a_live_process_keeps_its_run_and_a_dead_one_loses_it(self):
        live = self.run_of(**this_process())
        dead_process = subprocess.Popen([sys.executable, "-c", "pass"])
        started = psutil.Process(dead_process.pid).create_time()
        dead_process.wait()
        dead = self.run_of(host=socket.gethostname(), pid=dead_process.pid, process_started=started)
        # Same pid, another start time: the pid was reused by another process.
        reused = self.run_of(host=socket.gethostname(), pid=os.getpid(), process_started=1.0)
        self.assertEqual(mark_interrupted_runs(), 2)
        statuses = dict(ImportRun.objects.values_list("pk", "status"))
        self.assertEqual(statuses[live.pk], "running")
        self.assertEqual(statuses[dead.pk], "interrupted")
        self.assertEqual(statuses[reused.pk], "interrupted")

    def test_another_hosts_run_is_interrupted_after_the_age_bound(self):
        recent = self.run_of(host="elders", pid=1, process_started=1.0)
        old = self.run_of(
            host="elders",
            pid=1,
            process_started=1.0,
            started_at=timezone.now() - timedelta(hours=7),
        )
        with override_settings(SGO_IMPORT_RUN_MAX_SECONDS=6 * 3600):
            call_command("import_minutes", str(SAMPLES), verbosity=0)
        statuses = dict(ImportRun.objects.values_list("pk", "status"))
        self.assertEqual(statuses[recent.pk], "running")
        self.assertEqual(statuses[old.pk], "interrupted")


STALLING_IMPORT = """
    import sys, time
    from pathlib import Path
    from minutes import batches, services
    marker = Path(sys.argv[1])
    write_children = batches.write_children

    def stall(*args, **kwargs):
        # Inside the file's transaction: the meeting row and its agenda are written.
        write_children(*args, **kwargs)
        marker.write_text("stalled")
        time.sleep(600)

    batches.write_children = stall
    services.import_batch(services.read_paths([sys.argv[2]]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_shows_as_interrupted_and_leaves_no_partial_meeting(
    no_minutes, tmp_path, client
):
    marker = tmp_path / "stalled"
    prelude = (
        "import os, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sgo_archive.settings')\n"
        "django.setup()\n"
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            prelude + textwrap.dedent(STALLING_IMPORT),
            str(marker),
            str(SAMPLES / "sgo-2021-01-19.txt"),
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": test_database_url()},
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never reached its transaction"
            time.sleep(0.1)
        run = ImportRun.objects.get()
        assert (run.status, run.pid) == ("running", proc.pid)
        assert mark_interrupted_runs() == 0  # alive: left alone
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    superuser = User.objects.create_superuser("beheer", password="geheim-wachtwoord-1")
    client.force_login(superuser)
    response = client.get(reverse("admin:minutes_importrun_changelist"))
    assert response.status_code == 200
    assert "afgebroken" in response.content.decode()
    assert ImportRun.objects.get().status == "interrupted"
    # The file's transaction died with its process: nothing of the meeting is stored.
    assert not Meeting.objects.exists()
    assert not AgendaItem.objects.exists()
