"""The group "Importeurs": the import permission and nothing else.

An admin makes someone an importer by putting their (staff) account in this group; see
the README, "Beheer: een account en importrechten". Permissions are made after the
migrations run, so this one makes the import permission itself when it is not there yet.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Importeurs"


def seed(apps, schema_editor):
    """Create the group with just `minutes.import_minutes`; idempotent."""
    config = apps.get_app_config("minutes")
    # A migration's app config has no models module; create_permissions skips an app
    # without one.
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="minutes", codename="import_minutes")
    )


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("minutes", "0020_admin_dutch_labels"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
