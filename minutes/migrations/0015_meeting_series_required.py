"""Every meeting belongs to a series (set by 0014).

Its own migration: 0014 updated every meeting's row, and PostgreSQL does not alter a
table with foreign-key checks of that transaction still pending.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0014_series_and_source_documents"),
    ]

    operations = [
        migrations.AlterField(
            model_name="meeting",
            name="series",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="meetings", to="minutes.series", verbose_name="reeks"),
        ),
    ]
