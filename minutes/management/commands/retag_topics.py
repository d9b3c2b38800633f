"""Tag every agenda item again with the topics whose keywords it matches.

Run it after changing many topics at once, or after a change to the text search
configuration. Saving a single topic in the admin re-tags that topic already.
The whole run is one transaction, so the site never shows half-tagged topics.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minutes.management.progress import Progress
from minutes.models import AgendaItem, Topic
from minutes.services import tag_topics


class Command(BaseCommand):
    help = "Re-tag all agenda items with the topics whose keywords they match."

    def add_arguments(self, parser):
        parser.add_argument(
            "--topic",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="Re-tag only this topic (repeatable). Default: every topic.",
        )

    def handle(self, *args, **options):
        topics = Topic.objects.order_by("pk")
        if options["slugs"]:
            topics = topics.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(topics.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown topic: {', '.join(sorted(missing))}")
        topics = list(topics)
        progress = (
            Progress(len(topics), self.stdout, unit="topics") if options["verbosity"] >= 1 else None
        )
        links = 0
        with transaction.atomic():
            # One topic at a time, so a long run can show how far it is.
            for topic in topics:
                written = tag_topics(topics=[topic])
                links += written
                if options["verbosity"] >= 2:
                    self.stdout.write(f"{topic.slug}: {written} items")
                if progress:
                    progress.advance()
        if progress:
            items = AgendaItem.objects.count()
            progress.finish(
                self.style.SUCCESS(
                    f"Re-tagged {items} agenda items: {links} links to {len(topics)} topics"
                )
            )
