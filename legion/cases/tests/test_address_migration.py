"""The free-text address moves into the structured fields, and back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cases", "0002_identity_numbers_sealed")]
AFTER = [("cases", "0003_applicant_structured_address")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_free_text_address_is_split_into_lines_and_joined_back():
    old = migrate(BEFORE)
    Applicant = old.get_model("cases", "Applicant")
    texts = {
        "two": "60 Holland Park\n London W11 3SJ\n\nUnited Kingdom",
        "one": "12 Larkspur Close, Aldershot",
        "long": "x" * 120 + "\nLeeds",
        "none": "",
    }
    ids = {
        k: Applicant.objects.create(given_name=k, surname="S", address=v).pk
        for k, v in texts.items()
    }
    try:
        new = migrate(AFTER)
        Applicant = new.get_model("cases", "Applicant")
        lines = {
            k: tuple(
                Applicant.objects.filter(pk=pk).values_list("address_line_1", "address_line_2")[0]
            )
            for k, pk in ids.items()
        }
        assert lines == {
            "two": ("60 Holland Park", "London W11 3SJ, United Kingdom"),
            "one": ("12 Larkspur Close, Aldershot", ""),
            "long": ("x" * 100, "x" * 20 + ", Leeds"),
            "none": ("", ""),
        }
        Applicant.objects.filter(pk=ids["none"]).update(
            address_line_1="1 Main St",
            address_town="Oslo",
            address_postcode="0150",
            address_country="NO",
        )
        old = migrate(BEFORE)
        Applicant = old.get_model("cases", "Applicant")
        back = dict(
            Applicant.objects.filter(pk__in=ids.values()).values_list("given_name", "address")
        )
        assert back == {
            "two": "60 Holland Park\nLondon W11 3SJ, United Kingdom",
            "one": "12 Larkspur Close, Aldershot",
            "long": "x" * 100 + "\n" + "x" * 20 + ", Leeds",
            "none": "1 Main St\nOslo 0150\nNO",
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
