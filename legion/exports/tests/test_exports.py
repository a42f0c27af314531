"""Case exports: the queue's cases with its filters, only the columns the role may see,
re-authentication first, built by the task worker into a file sealed at rest, audited,
downloadable by the person who asked until the link expires. Messages never go out."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from legion.audit.models import AuditEntry
from legion.cases.services import CaseError
from legion.conversation.models import CaseMessage
from legion.exports.columns import columns_for
from legion.exports.models import CaseExport
from legion.exports.services import case_export_request, export_access, exports_expire
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.auth import StaffClient
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(london, ottawa):
    """Two British and one American case at London, one case at Ottawa."""
    cases = [
        f.CaseFactory(mission=london, applicant__nationality="GB"),
        f.CaseFactory(mission=london, applicant__nationality="GB"),
        f.CaseFactory(mission=london, applicant__nationality="US"),
        f.CaseFactory(mission=ottawa),
    ]
    return [set_state(c, "submitted") for c in cases]


def signed_in(user, *, recent=True) -> StaffClient:
    client = StaffClient()
    client.force_login(user)
    if recent:
        client.reauthenticate()
    return client


def export(client, django_capture_on_commit_callbacks, **data) -> CaseExport:
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/staff/exports/m/lon/", data)
    assert answer.status_code == 302, answer.content
    return CaseExport.objects.get()


def rows_of(client, export_row) -> list[list[str]]:
    answer = client.get(f"/staff/exports/{export_row.pk}/file/")
    assert answer.status_code == 200
    content = b"".join(answer.streaming_content)
    if export_row.format == "xlsx":
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_an_officer_exports_the_queue_with_its_filters(
    officer, queue, django_capture_on_commit_callbacks
):
    client = signed_in(officer)
    page = client.get("/staff/exports/m/lon/?nationality=GB")
    assert page.status_code == 200 and "passport_number" in page.content.decode()
    made = export(client, django_capture_on_commit_callbacks, nationality="GB", format="csv")
    assert (made.status, made.rows) == ("ready", 2)
    header, *rows = rows_of(client, made)
    assert {"reference", "email", "passport_number"} <= set(header)
    assert {r[0] for r in rows} == {queue[0].reference, queue[1].reference}
    audited = AuditEntry.objects.filter(action="export").values_list("data", flat=True)
    assert [d["what"].split()[-1] for d in audited][-2:] == ["(csv)", "built"]
    assert AuditEntry.objects.filter(action="export.download").exists()


def test_the_file_is_sealed_at_rest(officer, queue, django_capture_on_commit_callbacks):
    made = export(signed_in(officer), django_capture_on_commit_callbacks, format="csv")
    raw = made.file.storage.read_sealed(made.file.name)
    assert queue[0].reference.encode() not in raw and b"reference" not in raw


def test_xlsx_has_the_same_rows(officer, queue, django_capture_on_commit_callbacks):
    client = signed_in(officer)
    made = export(client, django_capture_on_commit_callbacks, format="xlsx")
    header, *rows = rows_of(client, made)
    assert header[0] == "reference" and len(rows) == 3


def test_roles_see_only_their_columns(officer, attache, london):
    seen = {
        who: [c.header for c in columns_for(export_access(Actor.staff(user), london))]
        for who, user in (("attache", attache), ("officer", officer))
    }
    assert "surname" in seen["attache"]
    assert "email" not in seen["attache"] and "passport_number" not in seen["attache"]
    assert {"email", "phone", "passport_number"} <= set(seen["officer"])


def test_the_attaches_export_has_no_contact_or_passport_columns(
    attache, queue, django_capture_on_commit_callbacks
):
    client = signed_in(attache)
    made = export(client, django_capture_on_commit_callbacks, format="csv")
    header, *rows = rows_of(client, made)
    assert "email" not in header and "passport_number" not in header
    assert rows == []  # the attaché works only cases that reached an interview


def test_re_authentication_comes_first(officer, queue):
    client = signed_in(officer, recent=False)
    assert client.get("/staff/exports/m/lon/").status_code == 302
    assert client.post("/staff/exports/m/lon/", {"format": "csv"}).status_code == 302
    assert not CaseExport.objects.exists()


def test_only_the_requester_downloads_it(
    officer, consul, outsider, queue, django_capture_on_commit_callbacks
):
    made = export(signed_in(officer), django_capture_on_commit_callbacks, format="csv")
    colleague = signed_in(consul)
    assert colleague.get(f"/staff/exports/{made.pk}/").status_code == 404
    assert colleague.get(f"/staff/exports/{made.pk}/file/").status_code == 404
    assert signed_in(outsider).get("/staff/exports/m/lon/").status_code == 404


def test_the_link_expires_and_the_file_goes(officer, queue, django_capture_on_commit_callbacks):
    client = signed_in(officer)
    made = export(client, django_capture_on_commit_callbacks, format="csv")
    name = made.file.name
    CaseExport.objects.filter(pk=made.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert client.get(f"/staff/exports/{made.pk}/file/").status_code == 302
    assert exports_expire() == 1
    assert not made.file.storage.exists(name)
    assert CaseExport.objects.get().status == "expired"


def test_messages_are_never_exported(officer, queue, django_capture_on_commit_callbacks):
    CaseMessage.objects.create(
        case=queue[0], sender="applicant", author_label="applicant", body="My unit was 2 PARA."
    )
    client = signed_in(officer)
    made = export(client, django_capture_on_commit_callbacks, format="csv")
    assert "2 PARA" not in str(rows_of(client, made))


def test_a_cell_that_looks_like_a_formula_is_defused(
    officer, london, django_capture_on_commit_callbacks
):
    set_state(f.CaseFactory(mission=london, applicant__surname="=HYPERLINK(1)"), "submitted")
    client = signed_in(officer)
    made = export(client, django_capture_on_commit_callbacks, format="csv")
    header, row = rows_of(client, made)
    assert row[header.index("surname")] == "'=HYPERLINK(1)"


def test_analysts_and_other_missions_export_no_cases(analyst, outsider, queue):
    for user in (analyst, outsider):
        with pytest.raises(CaseError, match="Only staff of this mission"):
            case_export_request(actor=Actor.staff(user), mission_code="lon", query={}, format="csv")
