"""The archive every database test starts from: both sample minutes, imported once;
and small invented minutes (`minutes()`) for what the samples lack.

`django_db_setup` (conftest) imports the samples through the real import service
into the test database once per session; each test runs in a transaction on top of
it and sees exactly that archive. A test about importing into an empty archive
derives from `EmptyArchiveTestCase`, which removes the archive inside its own
transaction (rolled back afterwards, so the next test finds it again).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.db import connection
from django.test import TestCase

from tests.conftest import SAMPLES


def import_archive():
    """Import both samples (again): "unchanged" when they are already there."""
    from minutes.services import import_batch, read_paths

    result = import_batch(read_paths([SAMPLES]))
    assert not result.failed, result.failed
    return result


def import_a_later_meeting() -> None:
    """A new meeting (the 2020-09-09 sample moved to 14 October), through the real import."""
    from minutes.services import SourceFile, import_batch

    data = (
        (SAMPLES / "sgo-2020-09-09.txt")
        .read_bytes()
        .replace(b"9 september 2020, 16.30", b"14 oktober 2020, 16.30")
        .replace(b"4151247", b"8880099")
    )
    result = import_batch([SourceFile("sgo-2020-10-14.txt", data)])
    assert result.count("imported") == 1, result.outcomes


def empty_archive() -> None:
    """Remove every meeting and import run; keep the seeded tables."""
    from minutes.models import ImportRun, Meeting

    Meeting.objects.all().delete()
    ImportRun.objects.all().delete()
    ImportRun.staged.all().delete()


class IndexedTestCase(TestCase):
    """A test case whose own data (set up in setUpTestData) is in the search index too.

    The index is rebuilt from the database inside the test case's transaction, and
    again after it rolled back, so the next test finds the shared archive's index.
    """

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from minutes.search import index

        index.rebuild()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        from minutes.search import index

        index.rebuild()


class EmptyArchiveTestCase(TestCase):
    """A test case that starts from an archive without minutes (and an index without them).

    Imports inside a test case's transaction never reach the index (it is updated
    after a commit); a test that needs them there runs the commit hooks with
    `captureOnCommitCallbacks(execute=True)` and derives from IndexedTestCase.
    """

    @classmethod
    def setUpTestData(cls) -> None:
        empty_archive()
        super().setUpTestData()


def items_where(pattern: str, flags: int = re.IGNORECASE) -> set[int]:
    """Agenda items whose own title or body matches a regular expression: a search's oracle."""
    from minutes.models import AgendaItem

    regex = re.compile(pattern, flags)
    return {i.pk for i in AgendaItem.objects.all() if regex.search(f"{i.title}\n{i.body}")}


def minutes(day: str, items: list[tuple[str, str]]) -> bytes:
    """Small invented minutes in the layout of the real ones, names redacted."""
    lines = [
        "Omschrijving\tSGO, verslag",
        f"Vergaderdatum en -tijd\t{day}, 16.00 - 17.30 uur",
        "Vergaderplaats\tTrêveszaal",
        "Aanwezig\t5.1.2e (AZ, vz), 5.1.2e (FIN)",
        "Afwezig\t",
        "",
    ]
    for number, (title, body) in enumerate(items, start=1):
        lines += [f"{number}. {title}", "", body, ""]
    return "\n".join(lines).encode("utf-8")


@contextmanager
def refusing(model, condition: str, message: str):
    """PostgreSQL itself refuses the rows of a model's table that meet a condition (SQL
    on NEW): a trigger that raises, whichever way the rows are written (INSERT or COPY).
    An honest failure half-way a write, undone with the test's transaction."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {condition} THEN RAISE EXCEPTION '{message}'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_refuse BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER test_refuse ON {table}")
            cursor.execute("DROP FUNCTION test_refuse()")
