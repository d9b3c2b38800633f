"""The parser's warnings stored with earlier imports, in English, as their Dutch messages.

The parser now gives each warning a code and a Dutch message (PARSE_WARNINGS in
minutes/parsing/text.py); the messages are written out here as they were when this
migration was made, so it does not change with that table.
"""

import re

from django.db import migrations

DUTCH = {
    "no numbered agenda items found": "geen genummerde agendapunten gevonden",
    "document date is before the meeting date": (
        "de datum van het verslag ligt vóór de vergaderdatum"
    ),
    "agenda items numbered by position: the minutes number none": (
        "agendapunten genummerd naar hun volgorde: het verslag nummert ze niet"
    ),
}
END_BEFORE_START = re.compile(
    r"end time (\d\d):(\d\d) is before the start time (\d\d):(\d\d); end time dropped"
)


def dutch(warning: str) -> str:
    if warning in DUTCH:
        return DUTCH[warning]
    match = END_BEFORE_START.fullmatch(warning)
    if match:
        end_h, end_m, start_h, start_m = match.groups()
        return (
            f"eindtijd {end_h}.{end_m} uur ligt vóór de begintijd {start_h}.{start_m} uur; "
            "de eindtijd is weggelaten"
        )
    return warning


def forwards(apps, schema_editor):
    Meeting = apps.get_model("minutes", "Meeting")
    changed = []
    for meeting in Meeting.objects.exclude(parse_warnings=[]).only("pk", "parse_warnings"):
        warnings = [dutch(warning)[:200] for warning in meeting.parse_warnings]
        if warnings != meeting.parse_warnings:
            meeting.parse_warnings = warnings
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["parse_warnings"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0022_release_url"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
