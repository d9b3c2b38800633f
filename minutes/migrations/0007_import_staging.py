"""Uploads are staged in the import log's own rows until their owner confirms them.

An import run gets a status (staged, running, finished); a staged run's files keep
their bytes in the default storage and the parser's reading for the preview.
Existing runs are finished when they have a finish time, else they never finished.
"""

from django.db import migrations, models

import minutes.models


def set_status(apps, schema_editor):
    ImportRun = apps.get_model("minutes", "ImportRun")
    ImportRun._base_manager.filter(finished_at__isnull=False).update(status="finished")


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0006_search_vector_splits_slashes"),
    ]

    operations = [
        migrations.AddField(
            model_name="importfile",
            name="data",
            field=models.FileField(
                blank=True,
                max_length=200,
                upload_to=minutes.models.staged_file_path,
                verbose_name="bestand",
            ),
        ),
        migrations.AddField(
            model_name="importfile",
            name="preview",
            field=models.JSONField(blank=True, default=dict, verbose_name="voorvertoning"),
        ),
        migrations.AddField(
            model_name="importrun",
            name="staged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="voorvertoning gemaakt"),
        ),
        migrations.AddField(
            model_name="importrun",
            name="status",
            field=models.CharField(
                choices=[("staged", "voorvertoning"), ("running", "bezig"), ("finished", "klaar")],
                default="running",
                max_length=20,
                verbose_name="stand",
            ),
        ),
        migrations.RunPython(set_status, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="importrun",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["staged", "running", "finished"])),
                name="import_run_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="importrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("finished_at__isnull", False), ("status", "finished")),
                    models.Q(
                        models.Q(("status", "finished"), _negated=True),
                        ("finished_at__isnull", True),
                    ),
                    _connector="OR",
                ),
                name="import_run_finished_has_time",
            ),
        ),
    ]
