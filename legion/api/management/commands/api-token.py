"""legion api-token: tokens for staff integrations with the REST API.

legion api-token create --user lon.officer [--name "queue sync"]   # shown once
legion api-token list
legion api-token revoke lgn_AbC123
"""

from django.core.management.base import BaseCommand, CommandError

from legion.api.models import ApiToken
from legion.api.tokens import TokenError, api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="A new token for a staff member.")
        create.add_argument("--user", required=True, metavar="USERNAME")
        create.add_argument("--name", default="integration", help="What it is for.")
        commands.add_parser("list", help="Tokens and when they were last used.")
        revoke = commands.add_parser("revoke", help="Revoke tokens by their prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, subcommand, **options):
        if subcommand == "create":
            try:
                token, raw = api_token_create(username=options["user"], name=options["name"])
            except TokenError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(raw)
            self.stderr.write(
                f"Token {token.prefix}… for {token.user} created. Store it now: "
                "it is not kept and cannot be shown again."
            )
        elif subcommand == "list":
            for token in ApiToken.objects.select_related("user"):
                state = "revoked" if token.revoked_at else "live"
                last = token.last_used_at
                used = last.isoformat(timespec="minutes") if last else "never"
                self.stdout.write(
                    f"{token.prefix}…  {state:<8} {token.user.get_username():<16} "
                    f"last used {used}  {token.name}"
                )
        else:
            prefix = options["prefix"].rstrip("…")
            if len(prefix) < 8:
                raise CommandError("Give at least the first 8 characters of the token.")
            count = api_token_revoke(prefix=prefix)
            if not count:
                raise CommandError(f"No live token starts with {prefix!r}.")
            self.stdout.write(f"{count} token(s) revoked.")
