"""A covering index of the applicants' names by id (PostgreSQL only).

A name search in the queue walks the mission's cases in the queue's order and, for
each, looks at the applicant's names until it has a page of matches: for a common name
a couple of thousand applicants per page. Read from this index (id with the three name
parts, about a sixth of the table's size) those are index-only lookups instead of visits
to the applicants' rows: 82 ms against 8.5 ms for a page of "Thomas" at a million cases
(bench/RESULTS.md). The queue reads the page's ids first and the rows after
(legion/cases/paging.py), so the search itself needs nothing else from the row.
Built CONCURRENTLY so a live installation keeps taking applications meanwhile.
"""

from django.db import migrations

INDEX = "applicant_names_by_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON cases_applicant (id) "
            "INCLUDE (given_name, surname, native_name)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("cases", "0004_queue_and_search_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
