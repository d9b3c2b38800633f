"""Import SGO minutes from text files and folders of text files.

Files are imported in batches (parsed in parallel; a batch's new meetings in one
transaction, each replacement in its own: minutes.services.import_batch). Re-importing
an unchanged file does
nothing; a changed file replaces its meeting's agenda, decisions and mentions. A
file that cannot be read or parsed, a folder entry that is not read, a meeting date
that cannot be right and a suspicious replacement (fewer agenda items or decisions,
much less or much more text) are reported by name and reason, the rest of the batch
goes on, and the command exits non-zero at the end. `--force` carries out the
suspicious replacements.
"""

from django.core.management.base import BaseCommand, CommandError

from minutes.management.progress import Progress
from minutes.models import ImportFile
from minutes.services import import_batch, mark_interrupted_runs, read_paths


class Command(BaseCommand):
    help = "Import SGO minutes (.txt files, or folders searched for them)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and report what would happen, without writing anything.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Carry out suspicious replacements too: new versions with fewer agenda items "
                "or decisions, or much less or much more text than the stored version."
            ),
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        dry_run = options["dry_run"]
        if interrupted := mark_interrupted_runs():
            self.stderr.write(f"{interrupted} earlier import run(s) were interrupted; see the log")
        sources = read_paths(options["paths"])
        progress = Progress(len(sources), self.stdout, unit="files") if verbosity >= 1 else None

        def report(outcome):
            if outcome.status == ImportFile.Status.FAILED:
                # Failures are always reported, whatever the verbosity.
                self.stderr.write(f"FAILED {outcome.name}: {outcome.error}")
            elif outcome.check and outcome.check.suspicious:
                # So is a suspicious replacement --force carried out.
                self.stderr.write(f"FORCED {outcome.name}: {outcome.check.note()}")
            elif verbosity >= 2:
                meeting = outcome.meeting or (outcome.parsed and outcome.parsed.meeting_date)
                self.stdout.write(f"{outcome.status} {outcome.name} ({meeting})")
            if progress:
                progress.advance()

        result = import_batch(
            sources, dry_run=dry_run, force=options["force"], on_file=report, keep_outcomes=False
        )
        summary = ("Dry run, nothing written: " if dry_run else "") + result.summary()
        if progress:
            progress.finish(self.style.SUCCESS(summary) if not result.failed else summary)
        if result.failed:
            raise CommandError(f"{len(result.failed)} of {result.total} files failed")
