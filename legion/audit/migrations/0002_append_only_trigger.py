"""The database itself refuses to change audit rows (and, on PostgreSQL, to delete them):
a mistaken UPDATE from a shell or a buggy migration fails instead of rewriting history.
(SQLite keeps DELETE, which Django's test flush needs; the hash chain still shows it.)"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'The audit log is append-only'); END;
"""
POSTGRES_UP = [
    """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'The audit log is append-only'; END;
$$ LANGUAGE plpgsql
""",
    """
CREATE TRIGGER audit_auditentry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_append_only()
""",
]
UP = {"sqlite": [SQLITE_UP], "postgresql": POSTGRES_UP}
DOWN = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_auditentry_append_only"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry",
        "DROP FUNCTION IF EXISTS audit_append_only()",
    ],
}


def up(apps, schema_editor):
    for sql in UP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def down(apps, schema_editor):
    for sql in DOWN.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
