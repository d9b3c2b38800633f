"""Kill and resume (issue 11): a SIGKILL in the middle of an import leaves every meeting
whole or absent, and the re-run finishes the job without duplicates; a file whose rows
the database refuses at commit leaves nothing of itself, and the rest goes on.

The import runs as an operator runs it, `manage.py import_minutes <folder>` in a process
of its own, on generated minutes, against this test's database and search index. What
is tested is the contract, not the pipeline inside: a transaction per file or batches of
many meetings per transaction, parsing in this process or in a pool, all must pass.

The kill is made to land while the importer writes meetings: with it stopped by SIGSTOP
while we look, `pg_locks` shows a transaction of it holding written meeting rows, their
agenda items, decisions, mentions and topic tags, its commit to come (`import_and_kill`).
A pipeline that commits part of a meeting is caught, not missed by luck.

Every file gets a word of its own ("Kenmerk zqx…q." under item 1), so a search for it
must find its meeting's first agenda item and nothing else: a meeting indexed twice, or
one indexed by the killed run and never stored, shows.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max

from bench.import_bench import write_corpus
from minutes import search
from minutes.models import (
    AgendaItem,
    ArchiveVersion,
    Decision,
    ImportFile,
    ImportRun,
    Meeting,
    MinistryMention,
    Topic,
)
from minutes.parsing import ParsedMeeting, parse_minutes
from minutes.search import index
from minutes.services import alias_table, ministry_ids
from tests.archive import empty_archive
from tests.conftest import ROOT

FILES = 1500
SEED = 20261207
# The kill lands once this many meetings are committed (and fewer than all of them).
KILL_AFTER = 100
POLL_SECONDS = 0.05
# Child processes that take longer than this have hung.
CHILD_TIMEOUT = 900
OPENING = b"\n1. Opening en mededelingen\n"
Status = ImportFile.Status
TOPIC_LINKS = AgendaItem.topics.through


# --------------------------------------------------------------------------- the files


def marker(n: int) -> str:
    """A word of this file alone: consonants only, so no stemming or compound
    splitting makes it match another file's."""
    consonants = "bcdfghjklmnpqrstvwxz"
    letters = []
    for _ in range(4):
        n, rest = divmod(n, len(consonants))
        letters.append(consonants[rest])
    assert n == 0, "more files than markers"
    return f"zqx{''.join(letters)}q"


def write_minutes(folder: Path, count: int, seed: int) -> dict[str, str]:
    """`count` generated minutes as .txt files, each with its own marker word in the
    body of agenda item 1; returns file name -> marker."""
    folder.mkdir()
    write_corpus(folder, count, seed)
    files = sorted(folder.glob("*.txt"))
    assert len(files) == count, f"{len(files)} files for {count} meetings (a name twice?)"
    markers = {}
    for n, path in enumerate(files):
        data = path.read_bytes()
        word = marker(n)
        marked = data.replace(OPENING, OPENING + f"\nKenmerk {word}.\n".encode(), 1)
        assert marked != data, f"{path.name} has no item 1 to mark"
        path.write_bytes(marked)
        markers[path.name] = word
    return markers


@dataclass(frozen=True)
class Whole:
    """A meeting as its file gives it: what a whole stored meeting has."""

    sha256: str
    text: str
    items: int  # agenda items, sub-items counted
    decisions: int
    mentions: int  # present, mentioned per item, speaking per item


def parse_file(path: Path) -> ParsedMeeting:
    """The parse the importer makes: with the database's ministry spellings."""
    return parse_minutes(path.read_bytes(), aliases=alias_table())


def whole(path: Path) -> Whole:
    parsed = parse_file(path)
    # Names resolved on the meeting's date, as the import does (issue 16): two names that
    # meant one ministry then ("EZK" and "LNV" in 2012) are one row.
    ids, day = ministry_ids(), parsed.meeting_date

    def meant(keys) -> set[int]:
        return {pk for pk in (ids.get(key, day) for key in keys) if pk is not None}

    mentions = len(meant(parsed.ministries_present))
    for item in parsed.agenda_items:
        mentions += len(meant(item.ministries_mentioned))
        # One speaker row per ministry per item, however many headings it has there.
        mentions += len(meant(c.ministry for c in item.contributions))
    return Whole(
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        text=parsed.text,
        items=sum(1 + len(item.subitems) for item in parsed.agenda_items),
        decisions=len(parsed.decisions),
        mentions=mentions,
    )


# --------------------------------------------------------------------------- the database


def database_url() -> str:
    """The URL of this test's database, for a child process."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    if host.startswith("/"):  # the embedded server's socket folder, as dj-database-url reads it
        host = quote(host, safe="")
    return f"postgres://{quote(s['USER'], safe='')}{password}@{host}:{port}/{s['NAME']}"


def stored() -> dict[str, dict]:
    """Every stored meeting by source name: its row and its children's counts."""
    items = Counter(
        dict(AgendaItem.objects.values_list("meeting").annotate(n=Count("pk")).order_by())
    )
    decisions = Counter(
        dict(
            Decision.objects.values_list("agenda_item__meeting").annotate(n=Count("pk")).order_by()
        )
    )
    mentions = Counter(
        dict(MinistryMention.objects.values_list("meeting").annotate(n=Count("pk")).order_by())
    )
    links = Counter(
        dict(
            TOPIC_LINKS.objects.values_list("agendaitem__meeting")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )
    return {
        m["source_name"]: {
            **m,
            "items": items[m["pk"]],
            "decisions": decisions[m["pk"]],
            "mentions": mentions[m["pk"]],
            "topic_links": links[m["pk"]],
        }
        for m in Meeting.objects.values("pk", "source_name", "sha256", "imported_at")
    }


def assert_whole(folder: Path, meetings: dict[str, dict], context: object = "") -> None:
    """Each of these stored meetings has all its file gives: text, agenda, decisions,
    ministries and topic tags."""
    topics = {t.pk: list(t.keywords) for t in Topic.objects.all() if t.keywords}
    for name, row in meetings.items():
        path = folder / name
        assert path.is_file(), f"a meeting from no file of the folder: {name}"
        expected = whole(path)
        meeting = Meeting.objects.only("original_text").get(pk=row["pk"])
        found = (row["sha256"], meeting.original_text, row["items"], row["decisions"])
        assert found == (expected.sha256, expected.text, expected.items, expected.decisions), (
            f"{name} is stored in part: {row}, its file gives {expected.items} items and "
            f"{expected.decisions} decisions {context}"
        )
        assert row["mentions"] == expected.mentions, f"{name}: ministries in part: {row} {context}"
        tags = search.keyword_matches(topics, meeting_id=row["pk"])
        expected_links = {(item, topic) for topic, items in tags.items() for item in items}
        links = set(
            TOPIC_LINKS.objects.filter(agendaitem__meeting_id=row["pk"]).values_list(
                "agendaitem_id", "topic_id"
            )
        )
        assert links == expected_links, f"{name}: topic tags in part {context}"


def archive_state() -> dict:
    """What a run that changes nothing leaves as it was."""
    state: dict = {"version": ArchiveVersion.current()}
    for model in (Meeting, AgendaItem, Decision, MinistryMention, TOPIC_LINKS):
        state[model._meta.db_table] = model.objects.aggregate(n=Count("pk"), last=Max("pk"))
    state["meetings"] = sorted(
        Meeting.objects.values_list("pk", "sha256", "source_name", "imported_at")
    )
    return state


CHILD_TABLES = [m._meta.db_table for m in (AgendaItem, Decision, MinistryMention)]
# A statement that writes a meeting's children: Django's INSERT INTO "table", or COPY.
WRITES_CHILDREN = rf"^\s*(insert\s+into|copy)\s+\"?({'|'.join(CHILD_TABLES)})\"?[\s(]"
# What a look waits for, best first (see `writing_a_meeting`).
ALL_WRITTEN, ITEMS_WRITTEN, CHILDREN_WRITTEN, ANYWHERE = 0, 1, 2, 3
# A look waits for each at least this many looks and commits (of a meeting, or of a
# batch of them) seen go by, then settles for the next.
MAX_LOOKS = 30
MIN_COMMITS = 2
LOOK_SECONDS = 0.01


def holding_writes(cursor, tables: list[str]) -> bool:
    """Does another session hold a transaction that has written rows of all these
    tables, not yet committed? (The lock a write takes is held to the end of its
    transaction.)"""
    cursor.execute(
        """
        SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE d.datname = current_database() AND l.pid <> pg_backend_pid()
          AND l.granted AND l.mode = 'RowExclusiveLock'
          AND l.relation = ANY(%s::regclass[])
        GROUP BY l.pid HAVING count(DISTINCT l.relation) = %s
        """,
        [tables, len(tables)],
    )
    return cursor.fetchone() is not None


def writing_a_meeting(wanted: int) -> str:
    """What another session is seen doing that leaves meetings half-written should it
    die now, as good as `wanted` or better; "" if nothing.

    ALL_WRITTEN: a transaction holds written rows of meetings, of all their children
    (agenda items, decisions, mentions) and topic tags, its commit to come.
    ITEMS_WRITTEN: one holds written meeting and agenda item rows. CHILDREN_WRITTEN: one
    holds written rows of some children, or the session's last statement wrote some
    (committed at once if written outside a transaction). ANYWHERE: any moment.
    """
    meetings, links = Meeting._meta.db_table, TOPIC_LINKS._meta.db_table
    with connection.cursor() as cursor:
        if holding_writes(cursor, [meetings, *CHILD_TABLES, links]):
            return "in a transaction that wrote meetings, all their children and topic tags"
        if wanted >= ITEMS_WRITTEN and holding_writes(
            cursor, [meetings, AgendaItem._meta.db_table]
        ):
            return "in a transaction that wrote meetings and agenda items"
        if wanted < CHILDREN_WRITTEN:
            return ""
        if any(holding_writes(cursor, [table]) for table in CHILD_TABLES):
            return "in a transaction that wrote some children of meetings"
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query ~* %s",
            [WRITES_CHILDREN],
        )
        if cursor.fetchone():
            return "after a statement writing agenda items, decisions or mentions"
    return "" if wanted < ANYWHERE else "anywhere: not seen writing"


def other_sessions() -> set[int]:
    """The backend pids of this database's other client sessions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {row[0] for row in cursor.fetchall()}


def wait_for_other_sessions_to_end(before: set[int], timeout: float = 30) -> None:
    """The killed importer's sessions are gone: their transactions rolled back.

    `before`: the sessions open before the import started (an earlier test's idle
    connections, a live server's threads), which are not the importer's.
    """
    deadline = time.monotonic() + timeout
    while other_sessions() - before:
        assert time.monotonic() < deadline, "the killed import's session lives on"
        time.sleep(POLL_SECONDS)


# --------------------------------------------------------------------------- the command


def child_env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SGO_SEARCH_INDEX_DIR": str(settings.SEARCH_INDEX_DIR),
    }


def start_import(folder: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:  # a file, not a pipe: a full pipe would stall the import
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_minutes", str(folder)],
            cwd=ROOT,
            env=child_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, parsing workers included
        )


def end_group(proc: subprocess.Popen) -> None:
    """Kill whatever is left of the import's process group (orphaned workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def run_import(folder: Path, log: Path) -> str:
    """A whole import to the end; its output."""
    proc = start_import(folder, log)
    try:
        returncode = proc.wait(timeout=CHILD_TIMEOUT)
    finally:
        end_group(proc)
    output = log.read_text()
    assert returncode == 0, f"import_minutes exited {returncode}:\n{output[-3000:]}"
    return output


@dataclass(frozen=True)
class Kill:
    pid: int
    where: str  # what the importer was seen doing
    looks: int


def import_and_kill(folder: Path, total: int, log: Path) -> Kill | None:
    """Start the import and SIGKILL it mid-way, while it writes meetings.

    Once KILL_AFTER meetings are committed, the importer is stopped (SIGSTOP) every
    LOOK_SECONDS while we look (`writing_a_meeting`): killed when it is writing, let go
    on otherwise. The looks wait for a transaction with meetings, all their children
    and tags written; after MAX_LOOKS looks and MIN_COMMITS commits without one, for
    one with meetings and agenda items; then for any child rows being written (a
    pipeline that splits a meeting over transactions shows neither); then take any
    moment. Returns None when the import got to all its meetings before a kill could
    land.
    """
    before = other_sessions()
    proc = start_import(folder, log)
    wanted = looks = looks_here = commits_here = 0
    last: int | None = None
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT
        while proc.poll() is None:
            assert time.monotonic() < deadline, "the import neither ended nor got far"
            if Meeting.objects.count() < KILL_AFTER:
                time.sleep(POLL_SECONDS)
                continue
            proc.send_signal(signal.SIGSTOP)  # hold it still while we look
            count = Meeting.objects.count()
            if count >= total:
                break
            commits_here += last is not None and count > last
            last = count
            where = writing_a_meeting(wanted)
            if where:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return Kill(proc.pid, where, looks)
            looks += 1
            looks_here += 1
            if looks_here >= MAX_LOOKS and commits_here >= MIN_COMMITS and wanted < ANYWHERE:
                wanted, looks_here, commits_here = wanted + 1, 0, 0
            proc.send_signal(signal.SIGCONT)
            time.sleep(LOOK_SECONDS)
        return None
    finally:
        end_group(proc)
        wait_for_other_sessions_to_end(before)


def summary(imported: int, unchanged: int) -> str:
    return f"{imported} imported, {unchanged} unchanged, 0 replaced, 0 failed"


# --------------------------------------------------------------------------- the tests


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_leaves_whole_meetings_and_the_rerun_finishes_the_job(no_minutes, tmp_path):
    # Should the whole import commit before a kill could land (batches as large as
    # the folder), try once more with four times the files; then fail, never pass.
    for attempt, total in enumerate((FILES, 4 * FILES)):
        if attempt:
            empty_archive()
            index.rebuild()
        folder = tmp_path / f"verslagen-{total}"
        markers = write_minutes(folder, total, SEED + attempt)
        kill = import_and_kill(folder, total, tmp_path / f"killed-{total}.log")
        if kill is not None:
            break
    else:
        pytest.fail(
            f"the import of {4 * FILES} files committed everything before a kill could land "
            "in a transaction writing a meeting: give this test more files"
        )

    # ---- after the kill: every stored meeting is whole, the rest absent
    at_kill = stored()
    assert KILL_AFTER <= len(at_kill) < total, kill
    assert_whole(folder, at_kill, kill)
    killed = ImportRun.objects.get()
    assert (killed.status, killed.pid) == (ImportRun.Status.RUNNING, kill.pid)
    # What the killed run logged is stored: no file logged as imported and then lost.
    # (Not the converse: a meeting may be committed before its log row, as today; the
    # re-run logs it as unchanged.)
    logged = list(killed.files.values_list("name", "status", "sha256", "meeting__sha256"))
    assert {row[1] for row in logged} <= {Status.IMPORTED}, logged
    for name, _, sha256, meeting_sha256 in logged:
        assert name in at_kill and sha256 == meeting_sha256 == at_kill[name]["sha256"], name

    # ---- the re-run finishes the job
    output = run_import(folder, tmp_path / "rerun.log")
    assert summary(total - len(at_kill), len(at_kill)) in output, output
    after = stored()
    assert set(after) == set(markers), "not every file is a meeting, or one is there twice"
    assert Meeting.objects.count() == total
    assert len({row["sha256"] for row in after.values()}) == total
    killed.refresh_from_db()
    assert killed.status == ImportRun.Status.INTERRUPTED
    rerun = ImportRun.objects.exclude(pk=killed.pk).get()
    assert rerun.status == ImportRun.Status.FINISHED
    # The re-run logs every file once: new ones imported, the killed run's unchanged.
    log = {
        name: (status, meeting)
        for name, status, meeting in rerun.files.values_list("name", "status", "meeting")
    }
    assert rerun.files.count() == len(log) == total
    for name, (status, meeting) in log.items():
        expected_status = Status.UNCHANGED if name in at_kill else Status.IMPORTED
        assert (status, meeting) == (expected_status, after[name]["pk"]), name
    # The killed run's meetings were left as they were.
    for name, row in at_kill.items():
        assert after[name] == row, name
    # The files the kill cut short (most likely the next in name order), and a sample of
    # the rest, are whole too.
    missing = sorted(set(markers) - set(at_kill))
    sample = missing[:40] + missing[40::50]
    assert_whole(folder, {name: after[name] for name in sample})

    # ---- the search index follows: current, each meeting in it once
    index.forget()  # written by the child processes
    state = index.status()
    assert state.current, state
    assert state.documents == AgendaItem.objects.count()
    assert state.decisions == Decision.objects.count()
    first_items = dict(
        AgendaItem.objects.filter(parent=None, position=0).values_list("meeting__source_name", "pk")
    )
    for name, word in markers.items():
        assert search.item_ids(word) == [first_items[name]], f"{name}: {word}"

    # ---- a third run finds everything unchanged and changes nothing
    before = archive_state()
    output = run_import(folder, tmp_path / "third.log")
    assert summary(0, total) in output, output
    assert archive_state() == before
    third = ImportRun.objects.order_by("-pk").first()
    assert third.status == ImportRun.Status.FINISHED
    assert dict(Counter(third.files.values_list("status", flat=True))) == {Status.UNCHANGED: total}
    index.forget()
    assert index.status() == state


# A deferred constraint trigger: it checks each new row of {table} when the transaction
# commits, as a deferred foreign key does, and refuses those of the meeting whose text
# holds the marker. By then that meeting and all its rows are written.
FAULT = """
CREATE FUNCTION sgo_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    meeting bigint;
BEGIN
    IF TG_TABLE_NAME = 'minutes_decision' THEN
        SELECT meeting_id INTO meeting FROM minutes_agendaitem WHERE id = NEW.agenda_item_id;
    ELSE
        meeting := NEW.meeting_id;
    END IF;
    IF EXISTS (
        SELECT 1 FROM minutes_meeting WHERE id = meeting AND strpos(original_text, TG_ARGV[0]) > 0
    ) THEN
        RAISE EXCEPTION 'test fault: % row of % refused', TG_TABLE_NAME, TG_ARGV[0];
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER sgo_test_refuse AFTER INSERT ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION sgo_test_refuse('{word}');
"""
FAULT_REMOVED = """
DROP TRIGGER IF EXISTS sgo_test_refuse ON {table};
DROP FUNCTION IF EXISTS sgo_test_refuse();
"""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refused", [AgendaItem, Decision, MinistryMention])
def test_a_file_the_database_refuses_at_commit_leaves_nothing_and_the_rest_goes_on(
    no_minutes, tmp_path, refused
):
    """The database refuses one file's rows of one kind when their transaction
    commits: all of the file must go, whichever transaction wrote what (a pipeline
    that splits a meeting over transactions leaves part of it), and the rest stays."""
    folder = tmp_path / "verslagen"
    markers = write_minutes(folder, 24, SEED + 7)
    bad = sorted(markers)[11]
    bad_whole = whole(folder / bad)
    assert bad_whole.decisions and bad_whole.mentions  # rows of every kind to refuse
    table = refused._meta.db_table
    with connection.cursor() as cursor:
        # The marker is consonants only: safe to write into the statement.
        cursor.execute(FAULT.format(table=table, word=markers[bad]))
    try:
        with pytest.raises(CommandError, match="1 of 24 files failed"):
            call_command("import_minutes", str(folder), stdout=StringIO(), stderr=StringIO())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(FAULT_REMOVED.format(table=table))

    failed = ImportFile.objects.get(status=Status.FAILED)
    assert (failed.name, failed.meeting) == (bad, None)
    assert f"test fault: {table} row of {markers[bad]} refused" in failed.error
    meetings = stored()
    assert set(meetings) == set(markers) - {bad}
    assert_whole(folder, meetings)
    # Nothing of the refused file is left: not its meeting, not one of its rows.
    expected = [whole(folder / name) for name in meetings]
    assert AgendaItem.objects.count() == sum(w.items for w in expected)
    assert Decision.objects.count() == sum(w.decisions for w in expected)
    assert MinistryMention.objects.count() == sum(w.mentions for w in expected)
    index.forget()
    assert index.status().current
    assert search.item_ids(markers[bad]) == []

    # Once the database takes it, the next run imports it and leaves the rest alone.
    out = StringIO()
    call_command("import_minutes", str(folder), stdout=out, stderr=StringIO())
    assert summary(1, 23) in out.getvalue()
    assert_whole(folder, {bad: stored()[bad]})
    index.forget()
    assert index.status().current
    assert len(search.item_ids(markers[bad])) == 1
