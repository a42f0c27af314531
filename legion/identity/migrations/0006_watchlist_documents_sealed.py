"""Watch-list entries' identity-document numbers (FollowTheMoney passportNumber and
idNumber) move out of the plain `properties` JSON into the sealed `documents`
(issue 10, item 4): an applicant who matched a listed number has that number too.
Reversible: going back puts them into `properties` again."""

from django.db import migrations

import legion.crypto

DOCUMENT_PROPERTIES = ("passportNumber", "idNumber")


BATCH = 1000


def _batches(apps):
    WatchlistEntry = apps.get_model("identity", "WatchlistEntry")
    rows = WatchlistEntry.objects.only("pk", "properties", "documents").order_by("pk")
    last = 0
    while batch := list(rows.filter(pk__gt=last)[:BATCH]):
        last = batch[-1].pk
        yield WatchlistEntry, batch


def seal_documents(apps, schema_editor):
    for model, batch in _batches(apps):
        for entry in batch:
            properties = dict(entry.properties or {})
            entry.documents = {k: properties.pop(k) for k in DOCUMENT_PROPERTIES if k in properties}
            entry.properties = properties
        model.objects.bulk_update(batch, ["properties", "documents"])


def open_documents(apps, schema_editor):
    for model, batch in _batches(apps):
        for entry in batch:
            entry.properties = {**(entry.properties or {}), **(entry.documents or {})}
        model.objects.bulk_update(batch, ["properties"])


class Migration(migrations.Migration):
    dependencies = [("identity", "0005_passport_readings")]

    operations = [
        migrations.AddField(
            model_name="watchlistentry",
            name="documents",
            field=legion.crypto.EncryptedJSONField(default=dict),
        ),
        migrations.RunPython(seal_documents, open_documents),
    ]
