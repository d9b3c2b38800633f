"""The management commands, as an admin runs them."""

import json
import re
import shutil
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import OutputWrapper

from minutes.management.progress import Progress
from minutes.models import ImportRun, Meeting
from tests.archive import EmptyArchiveTestCase
from tests.conftest import ROOT, SAMPLES


class Terminal(StringIO):
    """An output stream that says it is a terminal, as a shell's would."""

    def isatty(self) -> bool:
        return True


class ImportMinutesCommandTests(EmptyArchiveTestCase):
    def test_imports_a_folder_and_prints_counts(self):
        out = StringIO()
        call_command("import_minutes", str(SAMPLES), stdout=out, stderr=StringIO())
        self.assertIn("2 imported, 0 unchanged, 0 replaced, 0 failed", out.getvalue())
        self.assertEqual(Meeting.objects.count(), 2)
        self.assertEqual(ImportRun.objects.get().origin, "command")

    def test_second_run_reports_unchanged(self):
        call_command("import_minutes", str(SAMPLES), stdout=StringIO())
        out = StringIO()
        call_command("import_minutes", str(SAMPLES), stdout=out)
        self.assertIn("0 imported, 2 unchanged", out.getvalue())

    def test_dry_run_writes_nothing(self):
        out = StringIO()
        call_command("import_minutes", str(SAMPLES), "--dry-run", stdout=out)
        self.assertIn("Dry run, nothing written: 2 imported", out.getvalue())
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(ImportRun.objects.count(), 0)

    def test_bad_files_are_named_the_rest_imported_and_the_exit_is_an_error(self):
        folder = self._tmp_folder()
        shutil.copy(SAMPLES / "sgo-2021-01-19.txt", folder / "goed.txt")
        (folder / "leeg.txt").write_bytes(b"")
        (folder / "geen-datum.txt").write_text("Verslag\n\n1. Opening\n\nGeen datum.\n")
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "2 of 3 files failed"):
            call_command("import_minutes", str(folder), stdout=out, stderr=err)
        self.assertIn("FAILED leeg.txt: leeg bestand", err.getvalue())
        self.assertIn("FAILED geen-datum.txt: geen vergaderdatum", err.getvalue())
        self.assertIn("1 imported, 0 unchanged, 0 replaced, 2 failed", out.getvalue())
        self.assertEqual(Meeting.objects.count(), 1)

    def test_outside_a_terminal_progress_is_one_summary_line(self):
        out = StringIO()
        call_command("import_minutes", str(SAMPLES), stdout=out)
        self.assertRegex(
            out.getvalue(),
            r"\A2 imported, 0 unchanged, 0 replaced, 0 failed \(2 files in \d+\.\ds\)\n\Z",
        )

    def test_what_the_parser_noticed_is_printed_in_dutch(self):
        folder = self._tmp_folder()
        data = (SAMPLES / "sgo-2021-01-19.txt").read_bytes()
        (folder / "achterstevoren.txt").write_bytes(
            data.replace(b"15.00 - 16.30 uur", b"16.30 - 10.00 uur")
        )
        shutil.copy(SAMPLES / "sgo-2020-09-09.txt", folder)
        for extra in ([], ["--dry-run"]):
            with self.subTest(extra=extra):
                out = StringIO()
                call_command("import_minutes", str(folder), *extra, stdout=out)
                warnings = [line for line in out.getvalue().splitlines() if "WARNING" in line]
                self.assertEqual(
                    warnings,
                    [
                        "WARNING achterstevoren.txt: eindtijd 10.00 uur ligt vóór de begintijd "
                        "16.30 uur; de eindtijd is weggelaten"
                    ],
                )
                Meeting.objects.all().delete()

    def _tmp_folder(self):
        import tempfile
        from pathlib import Path

        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder)
        return folder


def test_in_a_terminal_progress_shows_count_rate_and_time_left():
    terminal = Terminal()
    progress = Progress(3, OutputWrapper(terminal), unit="files")
    for _ in range(3):
        time.sleep(0.12)  # tqdm redraws at most ten times a second
        progress.advance()
    progress.finish("3 imported")
    drawn = terminal.getvalue()
    # One line redrawn in place: count of total, time spent<time left, rate.
    assert "\n" not in drawn.rsplit("\r", 1)[0]
    assert re.search(r"\r *\d+%\|.*\| 1/3 \[00:00<00:00, +[\d.]+ files/s\]", drawn), drawn
    assert re.search(r"\r3 imported \(3 files in \d+\.\ds\)\n\Z", drawn), drawn


def test_parse_minutes_prints_the_documented_json(capsys):
    out = StringIO()
    call_command("parse_minutes", str(SAMPLES / "sgo-2021-01-19.txt"), stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {
        "meeting_date", "start_time", "end_time", "place", "reference", "document_date",
        "encoding", "series", "template", "agenda_items", "decisions",
        "ministries_mentioned", "ministries_present", "redaction_codes", "warnings", "body",
    }  # fmt: skip
    assert data["warnings"] == []
    assert data["meeting_date"] == "2021-01-19"
    assert data["start_time"] == "15:00"
    assert data["document_date"] == "2021-01-20"
    assert data["agenda_items"][4]["subitems"] == [
        {"letter": "a", "title": "RMR en MR vrijdag 22 januari 2021"},
        {"letter": "b", "title": "Voorportalen en Onderraden"},
    ]
    assert {"item": "2", "text": "Het verslag is vastgesteld.", "kind": "adopted"} in data[
        "decisions"
    ]


def test_parse_minutes_json_dir_and_errors(tmp_path):
    bad = tmp_path / "kapot.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    out_dir = tmp_path / "json"
    with pytest.raises(CommandError, match="1 of 2 files could not be parsed"):
        call_command(
            "parse_minutes",
            str(SAMPLES / "sgo-2020-09-09.txt"),
            str(bad),
            "--json-dir",
            str(out_dir),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert json.loads((out_dir / "kapot.json").read_text())["error"].startswith("geen tekstbestand")
    good = json.loads((out_dir / "sgo-2020-09-09.json").read_text())
    assert [item["number"] for item in good["agenda_items"]] == ["1", "ingelast", "2", "3", "4"]


def test_parse_minutes_exits_non_zero_from_the_shell(tmp_path):
    empty = tmp_path / "leeg.txt"
    empty.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "manage.py", "parse_minutes", str(empty)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert json.loads(proc.stdout) == {"error": "leeg bestand"}
