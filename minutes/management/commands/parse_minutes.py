"""Run the minutes parser on files and show what it understood, as JSON.

Nothing is written to the database. With --json-dir each file's result goes to
DIR/<file stem>.json; otherwise one JSON object per file is printed. A file the
parser rejects gives {"error": "<reason>"} and a non-zero exit at the end.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from minutes.parsing import ParseError, parse_minutes


class Command(BaseCommand):
    help = "Parse minutes files without importing them and print the result as JSON."
    # Parsing needs no database, so don't let system checks touch it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Text files with minutes.")
        parser.add_argument("--json-dir", help="Write DIR/<file stem>.json instead of printing.")

    def handle(self, *args, **options):
        json_dir = Path(options["json_dir"]) if options["json_dir"] else None
        if json_dir:
            json_dir.mkdir(parents=True, exist_ok=True)
        failures = 0
        for name in options["files"]:
            path = Path(name)
            try:
                result = parse_minutes(
                    path.read_bytes(),
                    max_bytes=settings.SGO_PARSE_MAX_BYTES,
                    max_line_chars=settings.SGO_PARSE_MAX_LINE_CHARS,
                ).as_json()
            except (ParseError, OSError) as exc:
                failures += 1
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                result = {"error": reason}
                self.stderr.write(f"{path.name}: {reason}")
            text = json.dumps(result, ensure_ascii=False, indent=2)
            if json_dir:
                (json_dir / f"{path.stem}.json").write_text(text + "\n", encoding="utf-8")
            else:
                self.stdout.write(text)
        if failures:
            raise CommandError(f"{failures} of {len(options['files'])} files could not be parsed")
