"""The audit log: what gets recorded, and that `legion audit-verify` finds tampering."""

import contextlib
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from legion.audit.models import AuditEntry
from legion.audit.services import audit_case_view, audit_export, audit_record, audit_verify
from legion.cases.services import case_submit, case_transition
from legion.missions.actors import Actor
from legion.missions.models import Membership
from legion.testing import factories as f

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def attacker_with_database_access():
    """Raw SQL with the append-only trigger switched off, as the table's owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER audit_auditentry_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER USER")


def some_entries(n=6):
    for i in range(n):
        audit_record(action="test.entry", data={"i": i})
    return list(AuditEntry.objects.order_by("seq"))


def verify_command():
    """Run `legion audit-verify`; returns (exit code, message)."""
    try:
        call_command("audit-verify", stdout=(out := __import__("io").StringIO()))
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def test_submission_is_recorded_in_the_chain(case):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    entry = AuditEntry.objects.get(action="case.transition")
    assert (entry.case_reference, entry.mission_code) == (case.reference, "lon")
    assert entry.data["from"] == "draft" and entry.data["to"] == "submitted"
    assert entry.actor_label == "applicant"
    assert audit_verify().ok


def test_every_state_change_is_recorded(case, officer):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
    changes = AuditEntry.objects.filter(action="case.transition", case_id=case.pk)
    assert [e.data["to"] for e in changes] == ["submitted", "in_review"]
    assert changes.last().actor_id == officer.pk


def test_view_of_personal_data_and_export_are_recorded(case, officer, rf):
    request = rf.get("/", HTTP_USER_AGENT="Firefox", REMOTE_ADDR="203.0.113.9")
    audit_case_view(actor=Actor.staff(officer), case=case, request=request, what="documents")
    audit_export(actor=Actor.staff(officer), what="cases.csv", count=12, request=request)
    view, export = AuditEntry.objects.filter(action__in=["case.view", "export"])
    assert (view.case_reference, view.data, view.ip) == (
        case.reference,
        {"what": "documents"},
        "203.0.113.9",
    )
    assert view.user_agent == "Firefox"
    assert export.data["count"] == 12 and export.case_id is None


def test_logins_and_failed_logins_are_recorded(client, officer):
    assert not client.login(username="officer", password="wrong password")
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.data == {"username": "officer"}
    client.force_login(officer)
    assert AuditEntry.objects.filter(action="auth.login", actor_id=officer.pk).exists()


def test_permission_changes_are_recorded(london, officer):
    membership = Membership.objects.create(user=officer, role="consul", mission=london)
    membership.delete()
    officer.is_superuser = True
    officer.save()
    actions = list(
        AuditEntry.objects.filter(action__startswith="permission.")
        .exclude(action="permission.user_created")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "permission.membership_added",
        "permission.membership_removed",
        "permission.user_flags_changed",
    ]
    last = AuditEntry.objects.filter(action="permission.membership_removed").get()
    assert last.data == {"user": "officer", "role": "consul", "mission": "lon"}


def test_intact_chain_verifies(db):
    some_entries()
    assert verify_command()[0] == 0
    assert "intact: 6 entries" in verify_command()[1]


def test_altered_row_is_reported(db):
    entries = some_entries()
    with attacker_with_database_access() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_label = 'someone else' WHERE seq = %s",
            [entries[3].seq],
        )
    result = audit_verify()
    assert (result.ok, result.broken_seq, result.checked) == (False, 4, 3)
    code, message = verify_command()
    assert code == 2
    assert "broken at entry 4" in message and "altered" in message


def test_altered_data_with_recomputed_plain_hash_is_reported(db):
    """Without the audit key a forger cannot produce a valid hash."""
    import hashlib

    entries = some_entries()
    forged = hashlib.sha256(b"forged").hexdigest()
    with attacker_with_database_access() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET hash = %s WHERE seq = %s", [forged, entries[2].seq]
        )
    assert audit_verify().broken_seq == 3


def test_deleted_row_is_reported(db):
    entries = some_entries()
    with attacker_with_database_access() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[2].seq])
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, 3)
    assert "entry 3 is missing" in result.problem


def test_deleted_first_row_is_reported(db):
    some_entries()
    with attacker_with_database_access() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 1")
    assert audit_verify().broken_seq == 1


def test_deleted_tail_is_reported_against_a_recorded_head(db):
    some_entries()
    head = audit_verify()
    with attacker_with_database_access() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [head.head_seq])
    assert audit_verify().ok  # nothing in the database shows it ...
    result = audit_verify(expect_head=(head.head_seq, head.head_hash))  # ... the anchor does
    assert (result.ok, result.broken_seq) == (False, head.head_seq)
    with pytest.raises(CommandError) as exc:
        call_command("audit-verify", expect_head=f"{head.head_seq}:{head.head_hash}")
    assert exc.value.returncode == 2


def test_audit_rows_cannot_be_changed_through_the_application(db):
    entry = some_entries(1)[0]
    entry.action = "nothing happened"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")


def test_database_refuses_updates_to_audit_rows(db):
    some_entries(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'x'")
    assert AuditEntry.objects.get().action == "test.entry"


def test_audit_entries_hold_no_personal_data(case, officer):
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    audit_case_view(actor=Actor.staff(officer), case=case)
    text = str(list(AuditEntry.objects.values()))
    applicant = case.applicant
    for value in (applicant.surname, applicant.passport_number, applicant.email):
        assert value not in text


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    f.UserFactory()  # something in the log before the race

    def writer(n):
        try:
            for i in range(15):
                with transaction.atomic():
                    audit_record(action="test.concurrent", data={"writer": n, "i": i})
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert AuditEntry.objects.filter(action="test.concurrent").count() == 45
    assert audit_verify().ok
