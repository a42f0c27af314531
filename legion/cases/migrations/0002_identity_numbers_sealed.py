"""Medical licence numbers are identity numbers too: sealed at rest, with a blind index.
Blind indexes are kept in step with their number on every save (BlindIndexField)."""

from django.db import migrations

import legion.crypto


def seal_licence_numbers(apps, schema_editor):
    ServiceRecord = apps.get_model("cases", "ServiceRecord")
    for record in ServiceRecord.objects.exclude(licence_number="").only("pk", "licence_number"):
        ServiceRecord.objects.filter(pk=record.pk).update(
            licence_number_sealed=record.licence_number,
            licence_number_index=legion.crypto.identity_number_index(record.licence_number, "licence"),
        )


def unseal_licence_numbers(apps, schema_editor):
    ServiceRecord = apps.get_model("cases", "ServiceRecord")
    for record in ServiceRecord.objects.only("pk", "licence_number_sealed"):
        if record.licence_number_sealed:
            ServiceRecord.objects.filter(pk=record.pk).update(
                licence_number=record.licence_number_sealed
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="applicant",
            name="passport_number_index",
            field=legion.crypto.BlindIndexField(source="passport_number", domain="passport"),
        ),
        migrations.AddField(
            model_name="servicerecord",
            name="licence_number_sealed",
            field=legion.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AddField(
            model_name="servicerecord",
            name="licence_number_index",
            field=legion.crypto.BlindIndexField(source="licence_number", domain="licence"),
        ),
        migrations.RunPython(seal_licence_numbers, unseal_licence_numbers),
        migrations.RemoveField(model_name="servicerecord", name="licence_number"),
        migrations.RenameField(
            model_name="servicerecord", old_name="licence_number_sealed", new_name="licence_number"
        ),
    ]
