"""legion reset-2fa USERNAME: remove a staff member's authenticator and recovery codes
(lost phone); they set up a new one at their next sign-in."""

from django.core.management.base import BaseCommand, CommandError

from legion.accounts.services import AccountError, two_factor_reset


class Command(BaseCommand):
    help = "Remove a staff member's two-factor devices so that they enrol again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        try:
            removed = two_factor_reset(username=username)
        except AccountError as exc:
            raise CommandError(exc.message, returncode=2) from exc
        self.stdout.write(f"Removed {removed} second-factor device(s) of {username}.")
