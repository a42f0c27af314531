"""Exporting a mission's queue to CSV or XLSX: asked for by a staff member (after
re-authentication, on the page), produced by the task worker row by row into a
temporary file, sealed at rest, downloadable by that person only until it expires.

The cases are exactly those of the queue with the same filters (the workspace's
`mission_queue`, so the same scope), and the columns those the person's role may see
on the case page. Asking, finishing and downloading are each audited.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import tempfile
from functools import partial

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from legion.audit.services import audit_export, audit_record
from legion.cases.models import Case
from legion.cases.policy import WORK_QUEUE, CaseAccess, MissionAccess
from legion.cases.services import CaseError
from legion.exports.columns import columns_for
from legion.exports.models import CaseExport
from legion.missions.actors import Actor
from legion.missions.models import Mission
from legion.workspace.selectors import QueueFilters, mission_queue

logger = logging.getLogger(__name__)

CHUNK = 500


def export_access(actor: Actor, mission: Mission) -> CaseAccess:
    """What the actor sees of the mission's cases (the same for each of them: it
    depends on their roles at the mission)."""
    return CaseAccess.of(actor, Case(mission=mission))


def case_export_request(
    *, actor: Actor, mission_code: str, query: dict[str, str], format: str
) -> CaseExport:
    """Ask for an export of the mission's queue with these filters; the worker builds it.
    Staff holding a role at the mission only (HQ analysts export aggregates, not cases)."""
    if format not in CaseExport.Format.values:
        raise CaseError("Choose CSV or XLSX.", code="invalid")
    mission = Mission.objects.filter(code=mission_code).first()
    if mission is None or not MissionAccess.of(actor, mission).may(WORK_QUEUE):
        raise CaseError("Only staff of this mission export its cases.", code="forbidden")
    filters = QueueFilters.from_query(query)
    columns = [c.header for c in columns_for(export_access(actor, mission))]
    with transaction.atomic():
        export = CaseExport.objects.create(
            requested_by=actor.user,
            mission=mission,
            filters=filters.as_query(),
            format=format,
            columns=columns,
            expires_at=timezone.now() + dt.timedelta(seconds=settings.LEGION_EXPORT_LINK_SECONDS),
        )
        audit_export(
            actor=actor,
            what=f"case export {export.pk} requested ({format})",
            count=0,
            filters={k: v for k, v in filters.as_query().items() if k != "q"}
            | {"mission": mission.code, "searched": bool(filters.q)},
        )
        from legion.exports.tasks import export_build

        transaction.on_commit(partial(export_build.enqueue, str(export.pk)))
    return export


def _write_csv(rows, headers: list[str], out) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        # A cell starting with = + - @ is a formula to a spreadsheet: defuse it.
        writer.writerow(["'" + v if v[:1] in "=+-@" else v for v in row])
    text.flush()
    text.detach()


def _write_xlsx(rows, headers: list[str], out) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # rows go to disk as they come
    sheet = book.create_sheet("cases")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(out)


def case_export_build(*, export_id: str) -> CaseExport:
    """Build the export's file: the queue's cases in chunks, the permitted columns, into
    a temporary file, then stored sealed. Run by the task worker."""
    export = CaseExport.objects.select_related("requested_by", "mission").get(pk=export_id)
    if export.status != CaseExport.Status.PENDING:
        return export
    actor = Actor.staff(export.requested_by)
    columns = columns_for(export_access(actor, export.mission))
    cases = mission_queue(
        actor=actor, mission=export.mission, filters=QueueFilters.from_query(export.filters)
    ).select_related("mission", "applicant", "assigned_to")
    count = 0

    def rows():
        nonlocal count
        for case in cases.iterator(chunk_size=CHUNK):
            count += 1
            yield [str(column.value(case) or "") for column in columns]

    try:
        with tempfile.TemporaryFile() as out:
            writer = _write_csv if export.format == CaseExport.Format.CSV else _write_xlsx
            writer(rows(), [c.header for c in columns], out)
            out.seek(0)
            export.file.save(f"{export.pk}.{export.format}", File(out), save=False)
    except Exception as exc:  # the person sees "failed"; the log says why
        logger.exception("Export %s failed", export.pk)
        CaseExport.objects.filter(pk=export.pk).update(
            status=CaseExport.Status.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    export.status = CaseExport.Status.READY
    export.rows = count
    export.finished_at = timezone.now()
    export.save(update_fields=["file", "status", "rows", "finished_at"])
    audit_export(actor=actor, what=f"case export {export.pk} built", count=count)
    exports_expire()
    return export


def case_export_for(*, actor: Actor, export_id: str) -> CaseExport | None:
    """The export if it is this person's own (anyone else's is as good as absent)."""
    return CaseExport.objects.filter(pk=export_id, requested_by=actor.user).first()


def case_export_open(*, actor: Actor, export_id: str) -> CaseExport:
    """The export's file for download, audited; refused once the link has expired."""
    export = case_export_for(actor=actor, export_id=export_id)
    if export is None:
        raise CaseError("No such export.", code="not_found")
    if export.expires_at <= timezone.now() or export.status == CaseExport.Status.EXPIRED:
        raise CaseError("This download link has expired. Export again.", code="expired")
    if export.status != CaseExport.Status.READY:
        raise CaseError("The export is not ready yet.", code="not_ready")
    audit_record(
        action="export.download",
        actor=actor,
        data={"export": str(export.pk), "rows": export.rows, "format": export.format},
    )
    return export


def exports_expire(*, limit: int = 100) -> int:
    """Delete the files of exports whose link has expired; returns how many."""
    expired = list(
        CaseExport.objects.filter(
            expires_at__lte=timezone.now(),
            status__in=[CaseExport.Status.READY, CaseExport.Status.PENDING],
        )[:limit]
    )
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        CaseExport.objects.filter(pk=export.pk).update(status=CaseExport.Status.EXPIRED, file="")
    return len(expired)
