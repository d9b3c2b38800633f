"""Import minutes from text files, released PDFs and folders of them.

A PDF gives one meeting per document in it (read from its text layer, or by OCR
where a page has none); its pages' progress is shown while it is read. Every
meeting goes into the series named with `--series`, else the one its text names
(minutes.services.SeriesBook).

Files are imported in batches (parsed in parallel; a batch's new meetings in one
transaction, each replacement in its own: minutes.services.import_batch). Re-importing
an unchanged file does
nothing; a changed file replaces its meeting's agenda, decisions and mentions. A
file that cannot be read or parsed, a folder entry that is not read, a meeting date
that cannot be right and a suspicious replacement (fewer agenda items or decisions,
much less or much more text) are reported by name and reason, the rest of the batch
goes on, and the command exits non-zero at the end. `--force` carries out the
suspicious replacements. What the parser noticed in a file it read (an end time
before the start, no numbered agenda items) is printed as a WARNING line with its
Dutch message (`minutes.parsing.PARSE_WARNINGS`). `--release-url` names the Woo
release the files came from: the run records it and every meeting it imports or
replaces gets it (a replacement without it keeps the address its meeting had).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from minutes.management.progress import Progress
from minutes.models import ImportFile, validate_release_url
from minutes.services import SeriesBook, import_batch, mark_interrupted_runs, read_paths


class Command(BaseCommand):
    help = "Import minutes (.txt and .pdf files, or folders searched for them)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files or folders to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and report what would happen, without writing anything.",
        )
        parser.add_argument(
            "--series",
            metavar="NAME",
            help=(
                "Put every meeting in this series (its name or slug; a new name creates "
                "it), instead of the series each document names."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Carry out suspicious replacements too: new versions with fewer agenda items "
                "or decisions, or much less or much more text than the stored version."
            ),
        )
        parser.add_argument(
            "--release-url",
            metavar="URL",
            default="",
            help=(
                "The web address (http or https) of the Woo release the files came from; "
                "shown with each meeting imported or replaced in this run."
            ),
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        dry_run = options["dry_run"]
        release_url = options["release_url"].strip()
        if release_url:
            try:
                validate_release_url(release_url)
            except ValidationError as exc:
                raise CommandError(f"--release-url {release_url}: {exc.messages[0]}") from exc
        if interrupted := mark_interrupted_runs():
            self.stderr.write(f"{interrupted} earlier import run(s) were interrupted; see the log")
        sources = read_paths(options["paths"])
        progress = Progress(len(sources), self.stdout, unit="files") if verbosity >= 1 else None
        series = None
        if options["series"]:
            try:
                series = SeriesBook().named(options["series"], create=not dry_run)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if series is not None and verbosity >= 1:
            self.stdout.write(f"Series: {series.name} (/{series.slug}/)")
        pages: dict[str, Progress] = {}

        def read_pages(name: str, done: int, total: int) -> None:
            if verbosity < 1:
                return
            if name not in pages:
                pages[name] = Progress(total, self.stdout, unit="pages")
            pages[name].advance(done - pages[name].done)
            if done == total:
                pages.pop(name).finish(f"{name}: {total} pages read")

        def released(name: str, parts: int) -> None:
            if progress:
                progress.grow(parts - 1)

        sources.on_pages, sources.on_release = read_pages, released

        def report(outcome):
            if outcome.status == ImportFile.Status.FAILED:
                # Failures are always reported, whatever the verbosity.
                self.stderr.write(f"FAILED {outcome.name}: {outcome.error}")
            elif outcome.status == ImportFile.Status.SKIPPED and verbosity >= 1:
                self.stdout.write(f"SKIPPED {outcome.name}: {outcome.error}")
            elif outcome.check and outcome.check.suspicious:
                # So is a suspicious replacement --force carried out.
                self.stderr.write(f"FORCED {outcome.name}: {outcome.check.note()}")
            elif verbosity >= 2:
                meeting = outcome.meeting or (outcome.parsed and outcome.parsed.meeting_date)
                self.stdout.write(f"{outcome.status} {outcome.name} ({meeting})")
            if outcome.parsed and outcome.status != ImportFile.Status.FAILED and verbosity >= 1:
                # What the parser noticed in a file it read, in Dutch (PARSE_WARNINGS).
                for warning in outcome.parsed.warnings:
                    self.stdout.write(f"WARNING {outcome.name}: {warning.message}")
            if progress:
                progress.advance()

        result = import_batch(
            sources,
            dry_run=dry_run,
            force=options["force"],
            on_file=report,
            keep_outcomes=False,
            series=series,
            release_url=release_url,
        )
        summary = ("Dry run, nothing written: " if dry_run else "") + result.summary()
        if progress:
            progress.finish(self.style.SUCCESS(summary) if not result.failed else summary)
        if result.failed:
            raise CommandError(f"{len(result.failed)} of {result.total} files failed")
