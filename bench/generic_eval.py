"""How the parser does on real minutes of other bodies (issue 13's target).

    python -m bench.generic_eval FOLDER EXPECTED.csv [--rounds 5]

EXPECTED.csv has the columns `file,expected_date,note`: the meeting date a reader
finds in the file (ISO), or empty when the file gives none (it must be rejected). A
note that starts with "document error" marks a file whose own text gives another date
than the meeting's (a typo the folder or file name shows): a wrong date there is
counted apart, as `wrong_date_document_error`.
Reports per file and in total: dated right, wrong date, rejected (rightly or not),
crashed, and files dated right with agenda items found; and the parse time per file
(median over files of each file's median of `--rounds` runs) beside the SGO samples'.
Timings depend on the machine's load: the report prints `/proc/loadavg` with them.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_ms(data: bytes, rounds: int, aliases) -> float:
    """The median time of `rounds` parses of one file, in milliseconds."""
    from minutes.parsing import ParseError, parse_minutes

    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with contextlib.suppress(ParseError):
            parse_minutes(data, aliases=aliases)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def outcome_of(data: bytes, expected: str, aliases) -> tuple[str, str]:
    """(outcome, detail) of parsing one file against its expected date."""
    from minutes.parsing import ParseError, parse_minutes

    try:
        parsed = parse_minutes(data, aliases=aliases)
    except ParseError as exc:
        return ("rejected_right" if not expected else "rejected_wrongly"), str(exc)[:70]
    except Exception as exc:  # a crash is what this counts
        return "crashed", repr(exc)
    got = parsed.meeting_date.isoformat()
    detail = (
        f"{got} {parsed.template} items={len(parsed.agenda_items)} "
        f"decisions={len(parsed.decisions)} series={parsed.series!r}"
    )
    if not expected:
        return "dated_but_none_given", detail
    if got != expected:
        return "wrong_date", detail
    return ("right_with_items" if parsed.agenda_items else "right_without_items"), detail


def evaluate(folder: Path, expected_csv: Path, rounds: int) -> dict:
    from minutes.ministries import default_alias_table

    aliases = default_alias_table()
    with expected_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    counts: dict[str, object] = {}
    times = []
    for row in rows:
        data = (folder / row["file"]).read_bytes()
        outcome, detail = outcome_of(data, row["expected_date"].strip(), aliases)
        if outcome == "wrong_date" and row.get("note", "").startswith("document error"):
            # The file itself gives another date than the meeting's (a typo in it).
            outcome = "wrong_date_document_error"
        counts[outcome] = int(counts.get(outcome, 0)) + 1
        print(f"{outcome:20} {row['file'][:64]:64} {detail}")
        if outcome != "crashed":
            times.append(median_ms(data, rounds, aliases))
    dated = sum(1 for r in rows if r["expected_date"].strip())
    right = int(counts.get("right_with_items", 0))
    counts["files"] = len(rows)
    counts["files_with_a_date"] = dated
    counts["dated_right_and_items_pct"] = round(100 * right / max(1, dated), 1)
    counts["ms_per_file_median"] = round(statistics.median(times), 2) if times else None
    samples = sorted((ROOT / "sample_data").glob("*.txt"))
    counts["sgo_samples_ms_median"] = round(
        statistics.median(median_ms(p.read_bytes(), rounds, aliases) for p in samples), 2
    )
    counts["loadavg"] = Path("/proc/loadavg").read_text().strip()
    return counts


def main() -> None:
    import os
    import sys

    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")
    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("expected", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    for key, value in evaluate(args.folder, args.expected, args.rounds).items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
