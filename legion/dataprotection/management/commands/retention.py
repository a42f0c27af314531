"""legion retention: which closed cases are past their retention period.

legion retention              # list them (nothing changes)
legion retention --apply      # erase them now
legion retention --schedule   # book the daily retention task (run by `legion db_worker`)
"""

from django.core.management.base import BaseCommand

from legion.dataprotection.erasure import cases_past_retention, retention_apply, retention_policy
from legion.dataprotection.tasks import retention_schedule


class Command(BaseCommand):
    help = "Apply the retention policy (LEGION_RETENTION_DAYS) to closed cases."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--apply", action="store_true")
        group.add_argument("--schedule", action="store_true")

    def handle(self, *args, apply: bool, schedule: bool, **options) -> None:
        policy = ", ".join(
            f"{state} after {days} days" for state, days in retention_policy().items()
        )
        self.stdout.write(f"Retention policy: {policy or 'keep everything'}.")
        if schedule:
            retention_schedule()
            self.stdout.write("Retention task booked; it books its own next run.")
            return
        if apply:
            erased = retention_apply()
            self.stdout.write(f"Erased {len(erased)} case(s): {' '.join(erased)}".rstrip(": "))
            return
        due = list(cases_past_retention().values_list("reference", "state", "closed_at"))
        for reference, state, closed_at in due:
            self.stdout.write(f"  {reference}  {state:<10} closed {closed_at:%Y-%m-%d}")
        self.stdout.write(f"{len(due)} case(s) due for erasure (run with --apply).")
