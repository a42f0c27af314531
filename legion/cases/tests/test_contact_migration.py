"""Existing applicants' e-mail, phone and home address are sealed by the migration,
found by their blind indexes afterwards, and opened again when going back."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legion.cases.models import Applicant
from legion.crypto import MAGIC, email_index, phone_index

BEFORE = [("cases", "0007_visa_types")]
AFTER = [("cases", "0008_contact_details_sealed")]
CONTACT = {
    "email": "Sam.Holloway@Example.org",
    "phone": "+44 1252 123-456",
    "address_line_1": "12 Larkspur Close",
    "address_line_2": "Flat 3",
    "address_town": "Aldershot",
    "address_postcode": "GU11 1AB",
}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def raw_row(pk: int) -> dict:
    columns = list(CONTACT)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM cases_applicant WHERE id = %s",
            [pk],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


@pytest.mark.django_db(transaction=True)
def test_contact_details_are_sealed_with_blind_indexes_and_opened_going_back():
    try:
        old = migrate(BEFORE)
        OldApplicant = old.get_model("cases", "Applicant")
        pk = OldApplicant.objects.create(given_name="Sam", surname="Holloway", **CONTACT).pk
        empty = OldApplicant.objects.create(given_name="No", surname="Contact").pk
        migrate(AFTER)
        for value in raw_row(pk).values():
            assert bytes(value).startswith(MAGIC)
        applicant = Applicant.objects.get(pk=pk)
        assert {name: getattr(applicant, name) for name in CONTACT} == CONTACT
        found = Applicant.objects.filter(email_index=email_index(" sam.holloway@example.ORG"))
        assert list(found.values_list("pk", flat=True)) == [pk]
        assert Applicant.objects.get(phone_index=phone_index("0044 1252 123456")).pk == pk
        assert Applicant.objects.get(pk=empty).email_index == ""
        old = migrate(BEFORE)
        assert raw_row(pk) == CONTACT
        assert old.get_model("cases", "Applicant").objects.get(pk=empty).email == ""
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
