"""Applicants' matching features (normalised names, birth date and home) are sealed at
rest (issue 10, item 4): they are as telling as the applicant's record, whose home is
sealed now. Existing rows are sealed in batches; going back opens them again."""

from django.db import migrations

import legion.crypto

BATCH = 1000


def _copy(apps, source: str, target: str) -> None:
    ApplicantFeatures = apps.get_model("identity", "ApplicantFeatures")
    last = 0
    rows = ApplicantFeatures.objects.only("pk", source).order_by("pk")
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        for features in batch:
            setattr(features, target, getattr(features, source))
        ApplicantFeatures.objects.bulk_update(batch, [target])


def seal_features(apps, schema_editor):
    _copy(apps, "variants", "variants_sealed")


def open_features(apps, schema_editor):
    _copy(apps, "variants_sealed", "variants")


class Migration(migrations.Migration):
    dependencies = [("identity", "0003_keys_hashed_explanations_without_values")]

    operations = [
        migrations.AddField(
            model_name="applicantfeatures",
            name="variants_sealed",
            field=legion.crypto.EncryptedJSONField(default=list),
        ),
        migrations.RunPython(seal_features, open_features),
        migrations.RemoveField(model_name="applicantfeatures", name="variants"),
        migrations.RenameField(
            model_name="applicantfeatures", old_name="variants_sealed", new_name="variants"
        ),
    ]
