"""Redactions as records (minutes.models.Redaction), filled for the meetings already
stored from their stored text: the attendee and absentee lists and the agenda items,
as the import now records them (minutes.parsing.redactions)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from minutes.services import fill_redactions

    fill_redactions(
        meetings=apps.get_model("minutes", "Meeting"),
        items=apps.get_model("minutes", "AgendaItem"),
        redactions=apps.get_model("minutes", "Redaction"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0025_ministry_periods"),
    ]

    operations = [
        migrations.CreateModel(
            name="Redaction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(verbose_name="volgorde")),
                (
                    "part",
                    models.CharField(
                        choices=[
                            ("aanwezig", "aanwezig"),
                            ("afwezig", "afwezig"),
                            ("titel", "titel"),
                            ("tekst", "tekst"),
                        ],
                        max_length=10,
                        verbose_name="deel",
                    ),
                ),
                ("offset", models.PositiveIntegerField(verbose_name="positie in de tekst")),
                (
                    "code",
                    models.CharField(
                        blank=True, max_length=20, verbose_name="code zoals vrijgegeven"
                    ),
                ),
                ("ground", models.CharField(max_length=20, verbose_name="grond")),
                (
                    "law",
                    models.CharField(
                        blank=True,
                        choices=[("woo", "Woo"), ("wob", "Wob"), ("", "geen")],
                        max_length=3,
                        verbose_name="wet",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("code", "lakcode"),
                            ("buiten-verzoek", "buiten verzoek"),
                            ("punt", "agendapunt weggelakt"),
                        ],
                        max_length=20,
                        verbose_name="soort",
                    ),
                ),
                (
                    "agenda_item",
                    models.ForeignKey(
                        blank=True,
                        help_text="Leeg buiten de agendapunten (de lijst ‘Aanwezig’ of ‘Afwezig’).",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="redactions",
                        to="minutes.agendaitem",
                        verbose_name="agendapunt",
                    ),
                ),
                (
                    "meeting",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="redactions",
                        to="minutes.meeting",
                        verbose_name="vergadering",
                    ),
                ),
            ],
            options={
                "verbose_name": "weglakking",
                "verbose_name_plural": "weglakkingen",
                "ordering": ["meeting", "position"],
                "indexes": [
                    models.Index(fields=["ground", "meeting"], name="redaction_ground_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("meeting", "position"), name="redaction_unique_position"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
