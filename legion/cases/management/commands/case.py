"""legion case: look at and move cases from the command line, as a named staff member.

    legion case list --as lon.officer [--state in_review] [--limit 50]
    legion case show LGN-7K3M-9Q2P --as lon.officer
    legion case transition LGN-7K3M-9Q2P start_review --as lon.officer [--reason "..."]

The same selectors and services as the workspace and the API. A refused transition
prints the refusal to stderr and exits with status 2; an unknown user or case exits 1.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legion.cases.models import Case
from legion.cases.selectors import case_for_actor, cases_visible_to
from legion.cases.services import CaseError, case_available_actions, case_transition
from legion.cases.states import CaseState
from legion.missions.actors import Actor

REFUSED = 2
NOT_FOUND = 1


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "-"


class Command(BaseCommand):
    help = "List, show and move cases as a staff member (--as USERNAME)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        listing = commands.add_parser("list", help="Cases you can see.")
        listing.add_argument("--state", choices=CaseState.values)
        listing.add_argument("--mission", help="Mission code, e.g. lon.")
        listing.add_argument("--limit", type=int, default=50)
        show = commands.add_parser("show", help="One case: identity, state, history, actions.")
        show.add_argument("reference")
        move = commands.add_parser("transition", help="Take one action of the workflow.")
        move.add_argument("reference")
        move.add_argument("action")
        move.add_argument("--reason", default="")
        for sub in (listing, show, move):
            sub.add_argument("--as", dest="username", required=True, metavar="USERNAME")

    def handle(self, *args, subcommand, username, **options):
        actor = self._actor(username)
        if subcommand == "list":
            self._list(actor, options["state"], options["mission"], options["limit"])
        elif subcommand == "show":
            self._show(actor, options["reference"].strip().upper())
        else:
            self._transition(
                actor, options["reference"].strip().upper(), options["action"], options["reason"]
            )

    def _actor(self, username: str) -> Actor:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active staff user named {username!r}.", returncode=NOT_FOUND)
        return Actor.staff(user)

    def _list(self, actor: Actor, state: str | None, mission: str | None, limit: int) -> None:
        cases = cases_visible_to(actor).select_related("mission", "applicant", "assigned_to")
        if state:
            cases = cases.filter(state=state)
        if mission:
            cases = cases.filter(mission__code=mission)
        total = cases.count()
        for case in cases[: max(limit, 0)]:
            assigned = case.assigned_to.get_username() if case.assigned_to else "-"
            self.stdout.write(
                f"{case.reference}  {case.state:<20} {case.mission.code:<5} "
                f"{_when(case.submitted_at):<16}  {assigned:<14} {case.applicant}"
            )
        self.stdout.write(f"{min(total, max(limit, 0))} of {total} cases")

    def _show(self, actor: Actor, reference: str) -> None:
        try:
            case = case_for_actor(actor, reference)
        except Case.DoesNotExist as exc:
            raise CommandError(f"No such case: {reference}.", returncode=NOT_FOUND) from exc
        applicant = case.applicant
        lines = [
            f"{case.reference}  {case.get_state_display()} ({case.state})",
            f"  mission:     {case.mission.code} – {case.mission}",
            f"  applicant:   {applicant} {applicant.native_name}".rstrip(),
            f"  nationality: {applicant.nationality.code or '-'}",
            f"  submitted:   {_when(case.submitted_at)}",
            f"  assigned to: {case.assigned_to.get_username() if case.assigned_to else '-'}",
            "  history:",
        ]
        for event in case.events.all():
            change = f"{event.from_state} → {event.to_state}" if event.to_state else event.kind
            reason = f"  “{event.reason}”" if event.reason else ""
            lines.append(
                f"    {_when(event.created_at)}  {event.action:<24} {change}"
                f"  by {event.actor_label}{reason}"
            )
        lines.append("  actions:")
        for action in case_available_actions(case=case, actor=actor):
            blocked = f"  (blocked: {' '.join(action.unmet)})" if action.unmet else ""
            needs = " [reason required]" if action.reason_required else ""
            lines.append(f"    {action.name:<28} {action.label}{needs}{blocked}")
        self.stdout.write("\n".join(lines))

    def _transition(self, actor: Actor, reference: str, action: str, reason: str) -> None:
        try:
            case = case_transition(reference=reference, action=action, actor=actor, reason=reason)
        except CaseError as exc:
            if exc.code == "not_found":
                raise CommandError(f"No such case: {reference}.", returncode=NOT_FOUND) from exc
            raise CommandError(f"Refused ({exc.code}): {exc.message}", returncode=REFUSED) from exc
        self.stdout.write(f"{case.reference} is now {case.state}.")
