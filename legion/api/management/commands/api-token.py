"""legion api-token: tokens for staff integrations with the REST API.

legion api-token create --user lon.officer [--name "queue sync"] [--scope read|read-write]
                        [--expires-in 90d]                          # shown once
legion api-token list
legion api-token revoke lgn_AbC123

A token is read-only and lives 90 days unless asked otherwise (a year at most).
"""

from django.core.management.base import BaseCommand, CommandError

from legion.api.models import ApiToken, TokenScope
from legion.api.tokens import (
    DEFAULT_LIFETIME,
    TokenError,
    api_token_create,
    api_token_revoke,
    token_lifetime_parse,
)

SCOPES = {"read": TokenScope.READ, "read-write": TokenScope.READ_WRITE}


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="A new token for a staff member.")
        create.add_argument("--user", required=True, metavar="USERNAME")
        create.add_argument("--name", default="integration", help="What it is for.")
        create.add_argument(
            "--scope",
            choices=SCOPES,
            default="read",
            help="read (the default) may only read; read-write may also take actions.",
        )
        create.add_argument(
            "--expires-in",
            default=f"{DEFAULT_LIFETIME.days}d",
            metavar="LIFETIME",
            help="hours, days or weeks: 36h, 90d (the default), 12w; a year at most.",
        )
        commands.add_parser("list", help="Tokens, their scope, expiry and last use.")
        revoke = commands.add_parser("revoke", help="Revoke tokens by their prefix.")
        revoke.add_argument("prefix")

    def handle(self, *args, subcommand, **options):
        if subcommand == "create":
            try:
                token, raw = api_token_create(
                    username=options["user"],
                    name=options["name"],
                    scope=SCOPES[options["scope"]],
                    lifetime=token_lifetime_parse(options["expires_in"]),
                )
            except TokenError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(raw)
            self.stderr.write(
                f"Token {token.prefix}… for {token.user} created: {token.get_scope_display()}, "
                f"expires {token.expires_at.isoformat(timespec='minutes')}. Store it now: "
                "it is not kept and cannot be shown again."
            )
        elif subcommand == "list":
            for token in ApiToken.objects.select_related("user"):
                last = token.last_used_at
                used = last.isoformat(timespec="minutes") if last else "never"
                expires = token.expires_at.isoformat(timespec="minutes")
                self.stdout.write(
                    f"{token.prefix}…  {token.status:<8} {token.get_scope_display():<11} "
                    f"{token.user.get_username():<16} expires {expires}  "
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
