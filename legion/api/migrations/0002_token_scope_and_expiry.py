"""Tokens get a scope and an expiry. Tokens that exist already could write, so they stay
read-write (an integration keeps working), but they now expire 90 days from this
migration instead of never: their owners rotate them into scoped ones by then."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone

EXISTING_TOKENS_LIVE_FOR = dt.timedelta(days=90)


def expire_existing_tokens(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + EXISTING_TOKENS_LIVE_FOR
    )


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read-only"), ("read_write", "read-write")],
                default="read_write",
                max_length=10,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "read-only"), ("read_write", "read-write")],
                default="read",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
