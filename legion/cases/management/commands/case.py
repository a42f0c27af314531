"""legion case: look at and move cases from the command line, as a named staff member.

    legion case list --as lon.officer [--state in_review] [--limit 50]
    legion case show LGN-7K3M-9Q2P --as lon.officer
    legion case transition LGN-7K3M-9Q2P start_review --as lon.officer [--reason "..."]
    legion case assess LGN-7K3M-9Q2P military --as lon.attache --favourable \
        --suitability suitable [--recommended-role Rifleman] [--notes "..."]
    legion case assess LGN-7K3M-9Q2P consular --as lon.consul --favourable \
        --identity-confirmed yes [--language-ok yes]

The same access policy and services as the workspace and the API: the same cases, and
of each case the parts the user's role sees (legion.cases.policy). A refused transition
prints the refusal to stderr and exits with status 2; an unknown user or case (or one
outside the user's scope) exits 1.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from legion.audit.services import audit_record
from legion.cases.policy import CaseAccess, CaseNotFound, case_for, cases_for
from legion.cases.services import CaseError, case_available_actions, case_transition
from legion.cases.states import CaseState
from legion.interviews.models import Assessment
from legion.interviews.selectors import current_interview, current_interview_assessments
from legion.interviews.services import assessment_sign, assessments_offered
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
        assess = commands.add_parser("assess", help="Sign your interview assessment.")
        assess.add_argument("reference")
        assess.add_argument("kind", choices=Assessment.Kind.values)
        verdict = assess.add_mutually_exclusive_group(required=True)
        verdict.add_argument("--favourable", dest="favourable", action="store_true")
        verdict.add_argument("--unfavourable", dest="favourable", action="store_false")
        assess.add_argument("--suitability", choices=Assessment.Suitability.values, default="")
        assess.add_argument("--recommended-role", default="")
        assess.add_argument("--identity-confirmed", choices=("yes", "no"))
        assess.add_argument("--language-ok", choices=("yes", "no"))
        assess.add_argument("--notes", default="")
        for sub in (listing, show, move, assess):
            sub.add_argument("--as", dest="username", required=True, metavar="USERNAME")

    def handle(self, *args, subcommand, username, **options):
        actor = self._actor(username)
        if subcommand == "list":
            self._list(actor, options["state"], options["mission"], options["limit"])
        elif subcommand == "show":
            self._show(actor, options["reference"].strip().upper())
        elif subcommand == "assess":
            self._assess(actor, options["reference"].strip().upper(), options)
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
        cases = cases_for(actor).select_related("mission", "applicant", "assigned_to")
        if state:
            cases = cases.filter(state=state)
        if mission:
            cases = cases.filter(mission__code=mission)
        total = cases.count()
        page = list(cases[: max(limit, 0)])
        audit_record(
            action="case.list",
            actor=actor,
            data={"via": "cli", "references": [c.reference for c in page]},
        )
        for case in page:
            assigned = case.assigned_to.get_username() if case.assigned_to else "-"
            self.stdout.write(
                f"{case.reference}  {case.state:<20} {case.mission.code:<5} "
                f"{_when(case.submitted_at):<16}  {assigned:<14} {case.applicant}"
            )
        self.stdout.write(f"{min(total, max(limit, 0))} of {total} cases")

    def _show(self, actor: Actor, reference: str) -> None:
        try:
            case = case_for(actor, reference, viewed="cli case show")
        except CaseNotFound as exc:
            raise CommandError(f"No such case: {reference}.", returncode=NOT_FOUND) from exc
        access = CaseAccess.of(actor, case)
        applicant = case.applicant
        lines = [
            f"{case.reference}  {case.get_state_display()} ({case.state})",
            f"  mission:     {case.mission.code} – {case.mission}",
            f"  submitted:   {_when(case.submitted_at)}",
            f"  assigned to: {case.assigned_to.get_username() if case.assigned_to else '-'}",
            f"  shown:       {', '.join(sorted(access.fields)) or '-'}",
        ]
        if access.sees_identity:
            lines += [
                f"  applicant:   {applicant} {applicant.native_name}".rstrip(),
                f"  born:        {applicant.date_of_birth or '-'}",
                f"  nationality: {applicant.nationality.code or '-'}",
            ]
        if access.sees_contact:
            lines += [
                f"  e-mail:      {applicant.email or '-'}",
                f"  phone:       {applicant.phone or '-'}",
                f"  address:     {', '.join(applicant.address_lines) or '-'}",
            ]
        if access.sees_passport:
            lines.append(
                f"  passport:    {applicant.passport_number or '-'} "
                f"({applicant.passport_country.code or '-'}, "
                f"expires {applicant.passport_expiry or '-'})"
            )
        if access.sees_documents:
            lines.append("  documents:")
            for document in case.documents.all():
                if access.sees_document(document):
                    lines.append(f"    {document.kind:<20} {document.status}")
        interview = current_interview(case=case) if access.sees_interview else None
        if interview is not None:
            lines.append(
                f"  interview:   {_when(interview.slot.starts_at)} at {interview.slot.location}"
                f" ({interview.language}, {interview.status})"
            )
        if access.sees_assessments:
            lines.append("  assessments:")
            for assessment in current_interview_assessments(case=case):
                verdict = "favourable" if assessment.favourable else "unfavourable"
                lines.append(
                    f"    {assessment.kind:<10} {verdict} by {assessment.signed_by_name}"
                    f" {_when(assessment.signed_at)}"
                )
                if assessment.notes:
                    lines.append(f"      {' '.join(assessment.notes.split())}")
        lines.append("  history:")
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
            service = f" [own service: {action.service}]" if action.service else ""
            lines.append(f"    {action.name:<28} {action.label}{needs}{service}{blocked}")
        offers = assessments_offered(case=case, actor=actor)
        if offers:
            lines.append("  assessments you sign (legion case assess):")
        for offer in offers:
            blocked = f"  (blocked: {' '.join(offer.unmet)})" if offer.unmet else ""
            lines.append(f"    {offer.kind:<28} {offer.label}{blocked}")
        self.stdout.write("\n".join(lines))

    def _refused(self, exc: CaseError, reference: str) -> CommandError:
        if exc.code == "not_found":
            return CommandError(f"No such case: {reference}.", returncode=NOT_FOUND)
        return CommandError(f"Refused ({exc.code}): {exc.message}", returncode=REFUSED)

    def _transition(self, actor: Actor, reference: str, action: str, reason: str) -> None:
        try:
            case = case_transition(reference=reference, action=action, actor=actor, reason=reason)
        except CaseError as exc:
            raise self._refused(exc, reference) from exc
        self.stdout.write(f"{case.reference} is now {case.state}.")

    def _assess(self, actor: Actor, reference: str, options: dict) -> None:
        def yes_no(value: str | None) -> bool | None:
            return None if value is None else value == "yes"

        try:
            assessment_sign(
                reference=reference,
                actor=actor,
                kind=options["kind"],
                favourable=options["favourable"],
                notes=options["notes"].strip(),
                suitability=options["suitability"],
                recommended_role=options["recommended_role"].strip(),
                identity_confirmed=yes_no(options["identity_confirmed"]),
                language_ok=yes_no(options["language_ok"]),
            )
        except CaseError as exc:
            raise self._refused(exc, reference) from exc
        case = case_for(actor, reference)
        self.stdout.write(f"{options['kind']} assessment signed; {case.reference} is {case.state}.")
