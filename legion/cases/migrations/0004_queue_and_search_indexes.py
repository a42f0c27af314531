"""Indexes for the staff queue and search at a million cases.

- case_mission_submitted (both databases): the queue's order within a mission.
- PostgreSQL only: trigram GIN indexes on the upper-cased name parts, which is the
  expression Django's icontains compares (UPPER("surname"::text) LIKE UPPER(%s)), so a
  name search reads the matching applicants instead of every applicant; and extended
  statistics on (mission, state), which keep the planner's per-mission state estimates
  (shown as "about N" on the queue) close to the truth. Built CONCURRENTLY so that a
  live installation keeps taking applications meanwhile; SQLite gets none of them.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

NAME_COLUMNS = ("given_name", "surname", "native_name")


def _trigram_index(column: str) -> str:
    return f"applicant_{column}_trgm"


def create_postgresql_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in NAME_COLUMNS:
            cursor.execute(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {_trigram_index(column)} "
                f'ON cases_applicant USING gin (UPPER("{column}"::text) gin_trgm_ops)'
            )
        cursor.execute(
            "CREATE STATISTICS IF NOT EXISTS case_mission_state (mcv) "
            "ON mission_id, state FROM cases_case"
        )
        # Every (mission, state) pair of a large installation in the list of common values.
        cursor.execute("ALTER STATISTICS case_mission_state SET STATISTICS 1000")
        cursor.execute("ANALYZE cases_case")


def drop_postgresql_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in NAME_COLUMNS:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {_trigram_index(column)}")
        cursor.execute("DROP STATISTICS IF EXISTS case_mission_state")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("cases", "0003_applicant_structured_address"),
        ("missions", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["mission", "submitted_at", "id"], name="case_mission_submitted"
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(create_postgresql_search, drop_postgresql_search, elidable=False),
    ]
