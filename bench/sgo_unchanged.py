"""The SGO template's output before and after a parser change: byte-identical but `series`.

    python -m bench.sgo_unchanged snapshot OUT.json [--generated N]
    python -m bench.sgo_unchanged compare BEFORE.json AFTER.json

`snapshot` parses every file in sample_data/ and tests/fixtures/ (and N files from
bench/build_corpus.py's Generator, seed 13) and stores each result: the whole
`ParsedMeeting` as `dataclasses.asdict` gives it (not only `as_json`), or the
`ParseError` message. `compare` lists every file whose result differs in anything
but the `series` field.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def files(generated: int) -> dict[str, bytes]:
    found = {}
    for folder in (ROOT / "sample_data", ROOT / "tests" / "fixtures"):
        for path in sorted(folder.glob("*.txt")):
            found[str(path.relative_to(ROOT))] = path.read_bytes()
    if generated:
        from bench.build_corpus import Generator

        generator = Generator(13, generated)
        for index in range(generated):
            meeting = generator.meeting(index)
            found[f"generated/{index}-{meeting.slug}"] = meeting.text.encode()
    return found


def result(data: bytes, aliases) -> dict:
    from minutes.parsing import ParseError, parse_minutes

    try:
        parsed = parse_minutes(data, aliases=aliases)
    except ParseError as exc:
        return {"error": str(exc)}
    return json.loads(json.dumps(dataclasses.asdict(parsed), default=str))


def snapshot(out: Path, generated: int) -> None:
    from minutes.ministries import default_alias_table

    aliases = default_alias_table()
    results = {name: result(data, aliases) for name, data in files(generated).items()}
    out.write_text(json.dumps(results, ensure_ascii=False, sort_keys=True))
    print(f"{len(results)} files parsed into {out}")


def compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    differ = []
    for name in sorted(set(old) | set(new)):
        a, b = dict(old.get(name, {"missing": True})), dict(new.get(name, {"missing": True}))
        a.pop("series", None)
        b.pop("series", None)
        if a != b:
            differ.append(name)
    series = sorted({str(new[name].get("series")) for name in new if "error" not in new[name]})
    print(f"{len(old)} files before, {len(new)} after; {len(differ)} differ beyond `series`")
    print(f"series found after: {series}")
    for name in differ:
        print("  differs:", name)
    return 1 if differ else 0


def main() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sgo_archive.settings")
    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("out", type=Path)
    snap.add_argument("--generated", type=int, default=0)
    comp = sub.add_parser("compare")
    comp.add_argument("before", type=Path)
    comp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.out, args.generated)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
