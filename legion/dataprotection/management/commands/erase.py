"""legion erase REFERENCE --reason "...": erase an applicant's personal data and files.

The case stays as an anonymous statistic; the audit log keeps who erased it and when.
"""

from django.core.management.base import BaseCommand, CommandError

from legion.cases.services import CaseError
from legion.dataprotection.erasure import case_erase
from legion.missions.actors import Actor


class Command(BaseCommand):
    help = "Erase the personal data and files of one closed case."

    def add_arguments(self, parser) -> None:
        parser.add_argument("reference")
        parser.add_argument("--reason", required=True, help="e.g. the applicant's request, dated")

    def handle(self, *args, reference: str, reason: str, **options) -> None:
        try:
            case = case_erase(reference=reference, actor=Actor.system(), reason=reason)
        except CaseError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"Erased the personal data of {case.reference}.")
