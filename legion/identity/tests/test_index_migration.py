"""The migration that hashes the identity index and drops values from review items."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legion.identity.models import DuplicateCandidate, IdentityKey
from legion.identity.people import identity_key_hasher
from legion.testing import factories as f

BEFORE = [("identity", "0002_features_keys_active")]
AFTER = [("identity", "0003_keys_hashed_explanations_without_values")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_keys_become_keyed_hashes_and_review_items_lose_their_values():
    first, second = f.CaseFactory(), f.CaseFactory()
    plain = ["name_dob:JNTRNR:19880412", "address_postcode:12 LARKSPUR CL:GU111AA"]
    try:
        old = migrate(BEFORE)
        OldKey = old.get_model("identity", "IdentityKey")
        for key in plain:
            OldKey.objects.create(key=key, applicant_id=first.applicant_id)
        old.get_model("identity", "DuplicateCandidate").objects.create(
            case_id=second.pk,
            other_case_id=first.pk,
            score=0.99,
            explanation={
                "passport_number": {"level": "exact", "weight": 9.1, "a": "P123", "b": "P123"},
                "surname": {"level": "exact", "weight": 4.0, "a": "Turner", "b": "Turner"},
            },
        )
        migrate(AFTER)
        keys = set(IdentityKey.objects.values_list("key", flat=True))
        hashed = identity_key_hasher()
        # The same strings the code computes for these people now: intake still finds them.
        assert keys == {hashed(key) for key in plain}
        assert all("JNTRNR" not in k and "LARKSPUR" not in k for k in keys)
        assert {k.partition(":")[0] for k in keys} == {"name_dob", "address_postcode"}
        assert DuplicateCandidate.objects.get().explanation == {
            "passport_number": {"level": "exact", "weight": 9.1},
            "surname": {"level": "exact", "weight": 4.0},
        }
        # Back: hashed keys cannot be turned back, so the index is emptied (the older
        # code rebuilds it); the review item stays, without its values.
        migrate(BEFORE)
        assert not OldKey.objects.exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
