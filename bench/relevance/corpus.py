"""The judged set's corpus: real and invented minutes, loaded by the real import service.

The two real minutes in sample_data/, every minutes file under tests/fixtures/ that
the importer accepts, and the invented minutes of the search tests
(tests/search/test_engine.py, INVENTED). Always imported in this order, so a meeting
gets the same slug ("2021-01-19", or "-2" for a second meeting that day) each time.
Needs Django set up (the invented minutes import the models' module).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_data"
FIXTURES = ROOT / "tests" / "fixtures"


def sample_sources() -> list:
    """The two real minutes (what tests/conftest.py imports once per test session)."""
    from minutes.services import read_paths

    return list(read_paths([SAMPLES]))


def extra_sources() -> list:
    """The rest of the corpus: the fixtures' *.txt (recursively) and the invented minutes."""
    from minutes.services import read_paths
    from tests.search.test_engine import INVENTED

    return [*read_paths([FIXTURES]), *INVENTED]


def sources() -> list:
    """Every file of the corpus, in import order."""
    return [*sample_sources(), *extra_sources()]


def load(files: list) -> dict[str, list[str]]:
    """Import `files` one by one through the real import service; say what became of each.

    A file the importer would take as a new version of a meeting already in the
    corpus (same file name, or same date and reference: several header fixtures are
    stubs of the 2021-01-19 sample) is left out, so the first version of every
    meeting stays; so are files the importer refuses. Returns the file names per
    outcome: "imported", "duplicate", "failed".
    """
    from minutes.services import import_batch

    done: dict[str, list[str]] = {"imported": [], "duplicate": [], "failed": []}
    for source in files:
        # Forced: a stub that would replace a meeting is a duplicate here, whatever the
        # replacement guard would say of it.
        preview = import_batch([source], dry_run=True, force=True).outcomes[0]
        if preview.status == "failed":
            done["failed"].append(source.name)
        elif preview.status != "imported":
            done["duplicate"].append(source.name)
        else:
            result = import_batch([source])
            done["failed" if result.failed else "imported"].append(source.name)
    return done
