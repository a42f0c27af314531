"""Existing matching features are sealed by the migration and opened going back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legion.crypto import MAGIC
from legion.identity.models import ApplicantFeatures
from legion.testing import factories as f

BEFORE = [("identity", "0003_keys_hashed_explanations_without_values")]
AFTER = [("identity", "0004_features_sealed")]
VARIANTS = [{"surname": ["TURNER", ["TURNER"], "TRNR", "TRNR", []], "dob": "19880412"}]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def raw_variants(pk: int):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT variants FROM identity_applicantfeatures WHERE applicant_id = %s", [pk]
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_features_are_sealed_and_opened_going_back():
    applicant = f.CaseFactory().applicant
    try:
        old = migrate(BEFORE)
        old.get_model("identity", "ApplicantFeatures").objects.create(
            applicant_id=applicant.pk, variants=VARIANTS
        )
        migrate(AFTER)
        raw = bytes(raw_variants(applicant.pk))
        assert raw.startswith(MAGIC) and b"TURNER" not in raw and b"19880412" not in raw
        assert ApplicantFeatures.objects.get(pk=applicant.pk).variants == VARIANTS
        old = migrate(BEFORE)
        features = old.get_model("identity", "ApplicantFeatures").objects.get(pk=applicant.pk)
        assert features.variants == VARIANTS
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
