"""legion audit-verify [--expect-head SEQ:HASH]: check the audit chain, report the first
broken link. Exit 0 when intact, 2 when broken."""

from django.core.management.base import BaseCommand, CommandError

from legion.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log and report the first broken link."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="A head printed by an earlier run (kept outside the database): "
            "detects entries deleted from the end of the log.",
        )

    def handle(self, *args, expect_head: str | None = None, **options) -> None:
        expected = None
        if expect_head:
            seq, sep, head = expect_head.partition(":")
            if not sep or not seq.isdigit() or len(head) != 64:
                raise CommandError("--expect-head must look like SEQ:HASH", returncode=2)
            expected = (int(seq), head)
        result = audit_verify(expect_head=expected)
        if not result.ok:
            raise CommandError(
                f"Audit log broken at entry {result.broken_seq}: {result.problem}. "
                f"{result.checked} entries before it are intact.",
                returncode=2,
            )
        self.stdout.write(
            f"Audit log intact: {result.checked} entries. Head {result.head_seq}:{result.head_hash}"
        )
