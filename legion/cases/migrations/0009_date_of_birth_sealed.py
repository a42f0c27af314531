"""Applicants' dates of birth are sealed at rest (issue 10, item 4). Nothing searches
or sorts by them in the database: eligibility reads them in Python and screening
compares the (sealed) matching features. Names stay plain: see SECURITY.md, "Names".
Existing rows are sealed in batches; going back opens them again."""

from django.db import migrations

import legion.crypto

BATCH = 1000


def _copy(apps, source: str, target: str) -> None:
    Applicant = apps.get_model("cases", "Applicant")
    last = 0
    rows = Applicant.objects.only("pk", source).order_by("pk")
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        for applicant in batch:
            setattr(applicant, target, getattr(applicant, source))
        Applicant.objects.bulk_update(batch, [target])


def seal(apps, schema_editor):
    _copy(apps, "date_of_birth", "date_of_birth_sealed")


def open_(apps, schema_editor):
    _copy(apps, "date_of_birth_sealed", "date_of_birth")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_contact_details_sealed")]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="date_of_birth_sealed",
            field=legion.crypto.EncryptedDateField(blank=True),
        ),
        migrations.RunPython(seal, open_),
        migrations.RemoveField(model_name="applicant", name="date_of_birth"),
        migrations.RenameField(
            model_name="applicant", old_name="date_of_birth_sealed", new_name="date_of_birth"
        ),
    ]
