"""Applicants' e-mail address, phone number and home address are sealed at rest like the
passport number (issue 10, item 4), with blind indexes for e-mail and phone: the
status-link request finds a case by reference and e-mail through `email_index`.

Existing rows are sealed in batches; going back opens them again into plain columns
(reversible: nothing is lost either way). The country of residence stays a plain
country code: it is what statistics and the mission's queue filter on.
"""

from django.core.validators import validate_email
from django.db import migrations

import legion.crypto

SEALED = {
    "email": {"max_length": 254, "validators": [validate_email]},
    "phone": {"max_length": 40},
    "address_line_1": {"max_length": 100},
    "address_line_2": {"max_length": 100},
    "address_town": {"max_length": 100},
    "address_postcode": {"max_length": 20},
}
BATCH = 1000


def _batches(queryset):
    last = 0
    while batch := list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH]):
        last = batch[-1].pk
        yield batch


def seal_contact_details(apps, schema_editor):
    Applicant = apps.get_model("cases", "Applicant")
    plain = list(SEALED)
    for batch in _batches(Applicant.objects.only("pk", *plain)):
        for applicant in batch:
            for name in plain:
                setattr(applicant, f"{name}_sealed", getattr(applicant, name) or "")
            applicant.email_index = legion.crypto.email_index(applicant.email or "")
            applicant.phone_index = legion.crypto.phone_index(applicant.phone or "")
        fields = [f"{name}_sealed" for name in plain] + ["email_index", "phone_index"]
        Applicant.objects.bulk_update(batch, fields)


def open_contact_details(apps, schema_editor):
    Applicant = apps.get_model("cases", "Applicant")
    sealed = [f"{name}_sealed" for name in SEALED]
    for batch in _batches(Applicant.objects.only("pk", *sealed)):
        for applicant in batch:
            for name in SEALED:
                value = getattr(applicant, f"{name}_sealed") or ""
                setattr(applicant, name, value[: SEALED[name]["max_length"]])
        Applicant.objects.bulk_update(batch, list(SEALED))


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_visa_types")]

    operations = [
        *(
            migrations.AddField(
                model_name="applicant",
                name=f"{name}_sealed",
                field=legion.crypto.EncryptedTextField(blank=True, **options),
            )
            for name, options in SEALED.items()
        ),
        migrations.AddField(
            model_name="applicant",
            name="email_index",
            field=legion.crypto.BlindIndexField(source="email", domain="email", normalise="email"),
        ),
        migrations.AddField(
            model_name="applicant",
            name="phone_index",
            field=legion.crypto.BlindIndexField(source="phone", domain="phone", normalise="phone"),
        ),
        migrations.RunPython(seal_contact_details, open_contact_details),
        *(migrations.RemoveField(model_name="applicant", name=name) for name in SEALED),
        *(
            migrations.RenameField(
                model_name="applicant", old_name=f"{name}_sealed", new_name=name
            )
            for name in SEALED
        ),
    ]
