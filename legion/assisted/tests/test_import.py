"""`legion import applications`: the portal's checks line by line, a dry run that keeps
nothing, all or nothing, the same identity screening, and the staff member on record."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from legion.advisories.models import Acknowledgement
from legion.cases.models import Case, CaseEvent
from legion.cases.states import CaseState
from legion.identity.models import DuplicateCandidate
from legion.testing import factories as f

pytestmark = pytest.mark.django_db

COLUMNS = [
    "given_name", "surname", "date_of_birth", "sex", "place_of_birth", "nationality",
    "passport_number", "passport_country", "passport_expiry", "email", "phone",
    "address_line_1", "address_town", "address_postcode", "address_country",
    "has_criminal_record", "languages", "service_kind", "service_country", "service_branch",
    "service_start_year", "service_end_year", "passport_file", "criminal_record_file",
    "service_record_file", "advisory_read_out",
]  # fmt: skip


def row(**changes) -> dict:
    values = {
        "given_name": "James", "surname": "Turner", "date_of_birth": "1988-03-27", "sex": "M",
        "place_of_birth": "Aldershot", "nationality": "GB", "passport_number": "123456789",
        "passport_country": "GB", "passport_expiry": "2031-05-01",
        "email": "james.turner@example.co.uk", "phone": "+44 7700 900123",
        "address_line_1": "12 Queens Avenue", "address_town": "Aldershot",
        "address_postcode": "GU11 2LB", "address_country": "GB", "has_criminal_record": "no",
        "languages": "en:native", "service_kind": "military", "service_country": "GB",
        "service_branch": "Army, Parachute Regiment", "service_start_year": "2006",
        "service_end_year": "2014", "passport_file": "turner-passport.pdf",
        "criminal_record_file": "turner-dbs.pdf", "service_record_file": "turner-service.pdf",
        "advisory_read_out": "yes",
    }  # fmt: skip
    values.update(changes)
    return values


@pytest.fixture
def folder(tmp_path, london, officer, risk_notice):
    f.AdvisoryFactory(nationality="GB")
    for name in ("turner", "patel", "okafor"):
        for kind in ("passport", "dbs", "service"):
            (tmp_path / f"{name}-{kind}.pdf").write_bytes(f.minimal_pdf(f"{name}{kind}".encode()))
    return tmp_path


def write_csv(folder, rows, columns=COLUMNS):
    path = folder / "applications.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def patel(**changes):
    values = dict(
        given_name="Amrit", surname="Patel", date_of_birth="1990-07-14",
        passport_number="987654321", email="amrit.patel@example.co.uk",
        address_line_1="4 Grove Road", passport_file="patel-passport.pdf",
        criminal_record_file="patel-dbs.pdf", service_record_file="patel-service.pdf",
    )  # fmt: skip
    return row(**{**values, **changes})


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_dry_run_reports_each_line_and_keeps_nothing(folder, settings):
    path = write_csv(folder, [row(), patel()])
    out, _ = run("applications", str(path), "--mission", "lon", "--as", "officer", "--dry-run")
    assert "line 2: would take the application of James Turner" in out
    assert "line 3: would take the application of Amrit Patel" in out
    assert "nothing was kept" in out
    assert not Case.objects.exists()
    assert stored_files(settings) == []


def test_an_import_submits_every_line_as_taken_by_the_officer(
    folder, officer, django_capture_on_commit_callbacks
):
    path = write_csv(folder, [row(), patel()])
    with django_capture_on_commit_callbacks(execute=True):
        out, _ = run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert "2 applications imported and submitted." in out
    cases = Case.objects.order_by("applicant__surname")
    assert [c.state for c in cases] == [CaseState.SUBMITTED, CaseState.SUBMITTED]
    assert all(c.documents.count() == 3 for c in cases)
    start = CaseEvent.objects.filter(action="start").first()
    assert start.actor == officer and start.data["channel"] == "import"
    acknowledgements = Acknowledgement.objects.all()
    assert acknowledgements and all(a.taken_by == officer for a in acknowledgements)
    # Each applicant gets the usual e-mail with the reference and the access link.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "amrit.patel@example.co.uk",
        "james.turner@example.co.uk",
    ]


def test_one_wrong_line_imports_nothing_and_says_where_and_why(folder, settings):
    path = write_csv(folder, [row(), patel(date_of_birth="14/07/1990", passport_file="")])
    with pytest.raises(CommandError) as refused:
        run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert refused.value.returncode == 1
    assert "1 of 2 lines refused; nothing was imported." in str(refused.value)
    assert not Case.objects.exists()
    assert stored_files(settings) == []  # the first line's scans are gone too


def test_the_refusals_name_line_column_and_reason(folder):
    path = write_csv(folder, [patel(date_of_birth="14/07/1990", passport_file="", email="x")])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "applications", str(path), "--mission", "lon", "--as", "officer",
            "--dry-run", stderr=err, stdout=io.StringIO(),
        )  # fmt: skip
    lines = err.getvalue()
    assert "line 2, column date_of_birth: Write the date as year-month-day" in lines
    assert "line 2, column passport_file: A scan or photo of the passport is required." in lines
    assert "line 2, column email:" in lines


def test_a_misspelt_column_is_reported_not_ignored(folder):
    columns = [*COLUMNS, "passport_nubmer"]
    path = write_csv(folder, [{**row(), "passport_nubmer": "x"}], columns=columns)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import", "applications", str(path), "--mission", "lon", "--as", "officer",
            "--dry-run", stderr=err, stdout=io.StringIO(),
        )  # fmt: skip
    assert "column passport_nubmer: Not a question of the application" in err.getvalue()


def test_the_advisory_must_have_been_read_out(folder):
    path = write_csv(folder, [row(advisory_read_out="no")])
    with pytest.raises(CommandError):
        run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert not Case.objects.exists()


def test_a_workbook_imports_like_a_csv(folder):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    values = row(date_of_birth=dt.date(1988, 3, 27), service_start_year=2006)
    sheet.append([values[c] for c in COLUMNS])
    path = folder / "applications.xlsx"
    workbook.save(path)
    out, _ = run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert "1 applications imported" in out
    assert Case.objects.get().applicant.date_of_birth == dt.date(1988, 3, 27)


def test_imported_applications_are_screened_like_the_portal_ones(folder):
    """The same person twice (a new passport, a nickname): the second is a duplicate
    review item for HQ security, as it would be from the portal."""
    second = row(
        given_name="Jim", passport_number="555000111", email="jim.t@example.com",
        passport_file="okafor-passport.pdf", criminal_record_file="okafor-dbs.pdf",
        service_record_file="okafor-service.pdf",
    )  # fmt: skip
    path = write_csv(folder, [row(), second])
    run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert DuplicateCandidate.objects.count() == 1


def test_only_a_consular_officer_of_the_mission_may_import(folder, attache):
    path = write_csv(folder, [row()])
    with pytest.raises(CommandError):
        run("applications", str(path), "--mission", "lon", "--as", "attache")
    assert not Case.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_exit_2(folder):
    path = folder / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError) as refused:
        run("applications", str(path), "--mission", "lon", "--as", "officer")
    assert refused.value.returncode == 2
    assert "only .csv and .xlsx" in str(refused.value)
