"""The applicant's home address in structured fields (lines, town, postcode, country)
instead of one free text: embassies' visa forms ask for them, and identity matching
compares the street line, town and postcode.

An old free-text address keeps all its text: the first line becomes line 1, the other
lines, joined with ", ", line 2 (town and postcode cannot be told apart reliably, so they
are not guessed). A first line longer than line 1 holds runs on into line 2; only text
beyond the 200 characters of both lines is cut (the portal never asked for an address,
so there is next to nothing to move). Going back joins the lines again, one per line."""

from django.db import migrations, models

import django_countries.fields

LINE_LENGTH = 100


def split_addresses(apps, schema_editor):
    Applicant = apps.get_model("cases", "Applicant")
    for applicant in Applicant.objects.exclude(address="").only("pk", "address"):
        lines = [line.strip() for line in applicant.address.splitlines() if line.strip()]
        if not lines:
            continue
        first, rest = lines[0], ", ".join(lines[1:])
        # A longer line than the new fields hold runs on into line 2 rather than being cut.
        if len(first) > LINE_LENGTH:
            first, rest = first[:LINE_LENGTH], ", ".join(filter(None, [first[LINE_LENGTH:], rest]))
        Applicant.objects.filter(pk=applicant.pk).update(
            address_line_1=first, address_line_2=rest[:LINE_LENGTH]
        )


def join_addresses(apps, schema_editor):
    Applicant = apps.get_model("cases", "Applicant")
    fields = ("address_line_1", "address_line_2", "address_town", "address_postcode")
    for applicant in Applicant.objects.only("pk", *fields, "address_country"):
        town = " ".join(p for p in (applicant.address_town, applicant.address_postcode) if p)
        lines = [applicant.address_line_1, applicant.address_line_2, town]
        lines.append(applicant.address_country.code if applicant.address_country else "")
        text = "\n".join(line for line in lines if line)
        if text:
            Applicant.objects.filter(pk=applicant.pk).update(address=text)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_identity_numbers_sealed")]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="address_line_1",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="applicant",
            name="address_line_2",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="applicant",
            name="address_town",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="applicant",
            name="address_postcode",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name="applicant",
            name="address_country",
            field=django_countries.fields.CountryField(blank=True, max_length=2),
        ),
        migrations.RunPython(split_addresses, join_addresses),
        migrations.RemoveField(model_name="applicant", name="address"),
    ]
