"""Nothing readable in the identity index or the review items (issue 10, item 4).

- IdentityKey.key: every blocking key becomes "<rule>:<HMAC-SHA256 of the whole key>"
  under LEGION_BLIND_INDEX_KEY (legion.identity.people.identity_key_hasher); before,
  keys such as "name_dob:JNTRNR:19880412" or "address_postcode:12 LARKSPUR CL:GU111AA"
  were plain text. The hash is computed from the stored key itself, which is exactly
  the string the code hashes now, so no applicant has to be read or re-normalised.
- Review items (duplicate candidates, watch-list hits) keep per field the level and its
  weight, not the two values compared (both people's passport numbers, names, homes);
  the review page reads the values from the people's records.

Reverse: the values dropped from the explanations are not restored (the review page of
the older code then shows "—" for them; the records still hold them), and the index is
emptied, because hashed keys cannot be turned back: after migrating back, run
`legion dedupe-applicants` (re-indexes every applicant without features) and
`legion rotate-keys --reindex` (re-keys the watch-list entries).
"""

import hashlib
import hmac

from django.conf import settings
from django.db import migrations

BATCH = 2000
VALUE_KEYS = ("a", "b")


def _hasher():
    secret = settings.LEGION_BLIND_INDEX_KEY.encode()

    def hashed(key: str) -> str:
        rule = key.partition(":")[0]
        digest = hmac.new(secret, f"identity-key:{key}".encode(), hashlib.sha256)
        return f"{rule}:{digest.hexdigest()[:40]}"

    return hashed


def hash_keys_and_drop_values(apps, schema_editor):
    IdentityKey = apps.get_model("identity", "IdentityKey")
    hashed = _hasher()
    last = 0
    while batch := list(IdentityKey.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        last = batch[-1].pk
        # A passport key's rest is already a 40-digit hash: it is hashed again like any
        # other key (that is what the code does), so no key is left out.
        for row in batch:
            row.key = hashed(row.key)
        IdentityKey.objects.bulk_update(batch, ["key"])
    for name in ("DuplicateCandidate", "WatchlistHit"):
        model = apps.get_model("identity", name)
        last = 0
        while batch := list(
            model.objects.filter(pk__gt=last).order_by("pk").only("pk", "explanation")[:BATCH]
        ):
            last = batch[-1].pk
            changed = []
            for item in batch:
                if not isinstance(item.explanation, dict):
                    continue
                stripped = {
                    field: {k: v for k, v in values.items() if k not in VALUE_KEYS}
                    if isinstance(values, dict)
                    else values
                    for field, values in item.explanation.items()
                }
                if stripped != item.explanation:
                    item.explanation = stripped
                    changed.append(item)
            model.objects.bulk_update(changed, ["explanation"])


def empty_the_index(apps, schema_editor):
    apps.get_model("identity", "IdentityKey").objects.all().delete()
    apps.get_model("identity", "ApplicantFeatures").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_features_keys_active")]

    operations = [migrations.RunPython(hash_keys_and_drop_values, empty_the_index)]
