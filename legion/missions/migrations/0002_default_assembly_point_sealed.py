"""A mission's default assembly point is sealed at rest like the assembly point of each
case's travel instructions, which it pre-fills (issue 10, item 4: a copied database
must not say where volunteers gather). Reversible: going back opens it again."""

from django.db import migrations

import legion.crypto


def _copy(apps, source: str, target: str) -> None:
    Mission = apps.get_model("missions", "Mission")
    for mission in Mission.objects.only("pk", source):
        setattr(mission, target, getattr(mission, source) or "")
        mission.save(update_fields=[target])


def seal(apps, schema_editor):
    _copy(apps, "default_assembly_point", "default_assembly_point_sealed")


def open_(apps, schema_editor):
    _copy(apps, "default_assembly_point_sealed", "default_assembly_point")


class Migration(migrations.Migration):
    dependencies = [("missions", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="mission",
            name="default_assembly_point_sealed",
            field=legion.crypto.EncryptedTextField(blank=True, max_length=200),
        ),
        migrations.RunPython(seal, open_),
        migrations.RemoveField(model_name="mission", name="default_assembly_point"),
        migrations.RenameField(
            model_name="mission",
            old_name="default_assembly_point_sealed",
            new_name="default_assembly_point",
        ),
    ]
