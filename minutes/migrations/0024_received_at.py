"""When the archive first received each meeting's text (feeds order by it), and when the
archive last changed (the API's Last-Modified).

A stored meeting's first receipt is the earliest of its import time and the start of
any import run that logged a file for it (a replaced meeting's first run is older than
its current text).
"""

from django.db import migrations, models

BACKFILL = """
UPDATE minutes_meeting AS m
SET received_at = LEAST(
    m.imported_at,
    COALESCE(
        (
            SELECT MIN(r.started_at)
            FROM minutes_importfile AS f
            JOIN minutes_importrun AS r ON r.id = f.run_id
            WHERE f.meeting_id = m.id
        ),
        m.imported_at
    )
)
"""

CHANGED = """
UPDATE minutes_archiveversion
SET changed_at = COALESCE((SELECT MAX(imported_at) FROM minutes_meeting), now())
"""


class Migration(migrations.Migration):
    dependencies = [("minutes", "0023_dutch_parse_warnings")]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="received_at",
            field=models.DateTimeField(null=True, verbose_name="ontvangen op"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="meeting",
            name="received_at",
            field=models.DateTimeField(db_index=True, verbose_name="ontvangen op"),
        ),
        migrations.AddField(
            model_name="archiveversion",
            name="changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="gewijzigd op"),
        ),
        migrations.RunSQL(CHANGED, migrations.RunSQL.noop),
    ]
