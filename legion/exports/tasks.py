"""The export's task: thin, it loads by id and calls the service."""

from django.tasks import task

from legion.exports.services import case_export_build


@task
def export_build(export_id: str) -> str:
    """Build one case export (CSV or XLSX) in the worker."""
    return case_export_build(export_id=export_id).status
