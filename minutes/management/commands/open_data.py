"""Build or check the open data download (minutes/opendata.py), derived from the database.

manage.py open_data            build it afresh (the import service does so after each import)
manage.py open_data --ensure   build it when missing or behind the archive version
manage.py open_data --check    say whether it is current with the archive (exit 1 when not)
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from minutes import opendata
from minutes.models import ArchiveVersion


def describe(manifest: opendata.Manifest) -> str:
    rows = ", ".join(f"{n} {name}" for name, n in manifest.counts.items())
    sizes = ", ".join(f"{file.name} {file.size:,} bytes" for file in manifest.files)
    return f"archive version {manifest.archive_version}; {rows}; {sizes}"


class Command(BaseCommand):
    help = "Build (or check) the download of the whole archive: zip (NDJSON, CSV) and SQLite."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--ensure", action="store_true", help="Build it only when missing or out of date."
        )
        action.add_argument(
            "--check",
            action="store_true",
            help="Say whether it is current with the archive version (exit 1 when not).",
        )

    def handle(self, *args, **options):
        folder = opendata.directory()
        found = opendata.manifest()
        if options["check"]:
            if found is None:
                raise CommandError(f"No open data download in {folder}: run `manage.py open_data`.")
            if not opendata.is_current(found):
                raise CommandError(
                    f"Open data download is out of date: it reflects archive version "
                    f"{found.archive_version} (format {found.format}), the database is at "
                    f"{ArchiveVersion.current()} (format {opendata.FORMAT}). "
                    "Run `manage.py open_data`."
                )
            self.stdout.write(f"Open data download is current: {describe(found)}.")
            return
        if options["ensure"] and opendata.is_current(found):
            self.stdout.write(f"Open data download is current: {describe(found)}.")
            return
        started = time.monotonic()
        built = opendata.build()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Open data download built in {seconds:.1f}s ({folder}): {describe(built)}."
            )
        )
