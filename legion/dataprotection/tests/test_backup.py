"""`legion backup` writes an encrypted, consistent backup; `legion restore` brings it back
on an empty instance; the round trip keeps every case, row and document."""

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import FileField
from django.utils import timezone

from legion.accounts.services import two_factor_provision
from legion.advisories.services import case_acknowledge_advisories
from legion.audit.models import AuditEntry
from legion.audit.services import audit_verify
from legion.cases.break_glass import break_glass_open
from legion.cases.models import Case
from legion.cases.services import case_transition
from legion.cases.tests.test_workflow import issue_visa, scheduled, sign_both, submitted
from legion.cases.travel import instructions_issue
from legion.dataprotection.backup import BackupError, backed_up_models, backup_restore
from legion.dataprotection.tests.test_encryption_at_rest import media_dump
from legion.identity.models import WatchlistEntry, WatchlistHit
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every backed-up model, with encrypted fields opened and the content
    of every document file read."""
    rows: dict[str, list[dict]] = {}
    for model in backed_up_models():
        items = []
        for obj in model._base_manager.order_by("pk"):
            item = {}
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if isinstance(field, FileField):
                    value = getattr(obj, field.name).open().read() if value else b""
                item[field.attname] = value
            items.append(item)
        rows[model._meta.label] = items
    return rows


@pytest.fixture
def legion_in_use(london, ottawa, officer, attache, consul, security, risk_notice):
    """Cases in several states with documents, a visa, instructions, an interview, a
    watch-list hit, a broken glass, staff with authenticators, and an audit trail."""
    cases = []
    for n in range(3):
        c = f.CaseFactory(mission=london, applicant__passport_number=f"GB55{n}0{n}")
        f.ServiceRecordFactory(case=c)
        for kind in ("passport", "criminal_record", "service_record"):
            f.DocumentFactory(case=c, kind=kind)
        f.AdvisoryFactory(nationality="GB")
        case_acknowledge_advisories(case=c)
        cases.append(c)
    scheduled(cases[0], officer)
    sign_both(cases[0], attache, consul)
    case_transition(reference=cases[0].reference, action="open_visa", actor=Actor.staff(consul))
    issue_visa(cases[0], consul)
    instructions_issue(
        reference=cases[0].reference,
        actor=Actor.staff(officer),
        entry_point="Krakovets",
        assembly_point="Lviv, hall 2",
        report_by=timezone.localdate() + dt.timedelta(days=10),
        documents_to_bring=["passport"],
        equipment=["helmet"],
        contacts="+380 44 000 0000",
    )
    submitted(cases[1])
    entry = WatchlistEntry.objects.create(source="test", entity_id="x1", caption="Some One")
    WatchlistHit.objects.create(case=cases[1], entry=entry, score=0.9)
    f.CaseFactory(mission=ottawa)
    break_glass_open(
        actor=Actor.staff(security),
        reference=cases[2].reference,
        reason="Checking a tip-off about a forged passport scan",
    )
    for user in (officer, consul):
        two_factor_provision(user=user)
    return cases


def write_backup(tmp_path) -> str:
    path = tmp_path / "legion.backup"
    call_command("backup", "--output", str(path), stdout=io.StringIO())
    return path


def empty_instance(settings) -> None:
    """What a new installation is after `legion migrate`: no rows, no files."""
    call_command("flush", interactive=False, verbosity=0)
    for folder, _dirs, names in os.walk(settings.MEDIA_ROOT):
        for name in names:
            os.unlink(os.path.join(folder, name))


def test_round_trip_restores_every_case_row_and_document(legion_in_use, tmp_path, settings):
    before = snapshot()
    assert len(before["cases.Case"]) == 4 and len(before["cases.Document"]) == 9
    path = write_backup(tmp_path)
    empty_instance(settings)
    assert not Case.objects.exists() and not media_dump(settings)

    call_command("restore", str(path), stdout=io.StringIO())
    after = snapshot()
    for label, rows in before.items():
        if label == "audit.AuditEntry":  # the restore adds itself at the end
            assert after[label][: len(rows)] == rows
        else:
            assert after[label] == rows, label
    # Every case, field by field, with its documents and its applicant's sealed numbers.
    for case in legion_in_use:
        restored = Case.objects.get(reference=case.reference)
        assert restored.applicant.passport_number == case.applicant.passport_number
        assert restored.state == Case.objects.get(pk=case.pk).state
    # The audit chain came back whole, and the restore is its newest entry.
    assert audit_verify().ok
    assert AuditEntry.objects.order_by("-seq").first().action == "backup.restored"


def test_restored_instance_keeps_working(legion_in_use, tmp_path, settings, officer):
    path = write_backup(tmp_path)
    empty_instance(settings)
    call_command("restore", str(path), stdout=io.StringIO())
    case = f.CaseFactory(mission=legion_in_use[0].mission)  # new ids after restored ones
    assert case.pk > max(c.pk for c in legion_in_use)
    submitted_case = submitted(legion_in_use[2])
    assert submitted_case.state == "submitted"
    assert audit_verify().ok


def test_backup_holds_no_readable_data(legion_in_use, tmp_path):
    data = write_backup(tmp_path).read_bytes()
    for case in legion_in_use:
        assert case.applicant.surname.encode() not in data
        assert case.applicant.passport_number.encode() not in data
    assert b"%PDF" not in data and b"Lviv" not in data


def test_restore_refuses_an_instance_that_holds_data(legion_in_use, tmp_path):
    path = write_backup(tmp_path)
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(path), stdout=io.StringIO())
    assert exc.value.returncode == 2
    assert "needs an empty instance" in str(exc.value)


@pytest.mark.parametrize("damage", ["altered", "truncated"])
def test_damaged_backup_is_refused_and_leaves_nothing(legion_in_use, tmp_path, settings, damage):
    path = write_backup(tmp_path)
    data = bytearray(path.read_bytes())
    if damage == "altered":
        data[len(data) // 2] ^= 1
    else:
        data = data[: len(data) - 100]
    path.write_bytes(bytes(data))
    empty_instance(settings)
    with pytest.raises(BackupError) as exc, open(path, "rb") as source:
        backup_restore(source=source)
    assert "altered" in exc.value.message or "truncated" in exc.value.message
    assert not Case.objects.exists() and not media_dump(settings)


def test_backup_needs_the_key_it_was_written_with(legion_in_use, tmp_path, settings):
    import base64

    path = write_backup(tmp_path)
    empty_instance(settings)
    settings.LEGION_FIELD_KEYS = "k9:" + base64.urlsafe_b64encode(b"z" * 32).decode()
    with pytest.raises(BackupError) as exc, open(path, "rb") as source:
        backup_restore(source=source)
    assert "not in LEGION_FIELD_KEYS" in exc.value.message


def test_backup_and_restore_commands_on_a_new_instance(tmp_path):
    """The real commands, each instance its own SQLite database and media folder."""
    secrets = {
        "SECRET_KEY": "x" * 50,
        "LEGION_FIELD_KEYS": "k1:" + "A" * 43,
        "LEGION_BLIND_INDEX_KEY": "b" * 43,
        "LEGION_AUDIT_KEY": "c" * 43,
    }

    def legion(instance, *args):
        env = {
            **os.environ,
            **secrets,
            "LEGION_VAR_DIR": str(tmp_path / instance),
            "DATABASE_URL": f"sqlite:///{tmp_path / instance / 'db.sqlite3'}",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return subprocess.run(
            [sys.executable, "-m", "legion", *args], env=env, capture_output=True, text=True
        )

    for instance in ("old", "new"):
        (tmp_path / instance).mkdir()
        assert legion(instance, "migrate", "-v0").returncode == 0
    assert legion("old", "demo", "--applicants", "6").returncode == 0
    backup = tmp_path / "legion.backup"
    done = legion("old", "backup", "--output", str(backup))
    assert done.returncode == 0, done.stderr
    restored = legion("new", "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    verified = legion("new", "audit-verify")
    assert verified.returncode == 0 and "intact" in verified.stdout
    again = legion("new", "restore", str(backup))
    assert again.returncode == 2 and "needs an empty instance" in again.stderr
