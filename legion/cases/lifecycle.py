"""The one fan-out point of a case's life.

Other apps react to what happens to a case (the applicant's notices, identity screening
at submission, statistics, webhooks) without `cases` importing them: each registers its
reaction here from its AppConfig.ready(), and `record_event` calls every reaction
inside the transaction that records the event, so a reaction's writes (an outbox row,
a counter, a hold) commit or roll back with the event itself.

The guards of the transition table that read other apps' records (the booked
interview, the signed assessments, the advisory acknowledgements, open identity
reviews) are provided here the same way (`case_guard_provide`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from legion.cases.models import Case, CaseEvent


class CaseEventReaction(Protocol):
    def __call__(self, *, case: Case, event: CaseEvent) -> None: ...


_reactions: list[CaseEventReaction] = []


def on_case_event(reaction: CaseEventReaction) -> CaseEventReaction:
    """Register a reaction to every recorded case event (idempotent: once per function)."""
    if reaction not in _reactions:
        _reactions.append(reaction)
    return reaction


def case_event_react(*, case: Case, event: CaseEvent) -> None:
    """Run every registered reaction, in registration order, in the caller's transaction."""
    for reaction in _reactions:
        reaction(case=case, event=event)


def case_event_reactions() -> tuple[Callable[..., None], ...]:
    """What is registered (for tests and for reading the system)."""
    return tuple(_reactions)


# Guards: the transition table (workflow.py) names each guard and says what its failure
# means; the app that holds the records it reads (interviews, advisories, identity)
# provides the check, from its AppConfig.ready().
CaseGuard = Callable[["Case"], bool]
_guards: dict[str, CaseGuard] = {}
_declared: set[str] = set()


def case_guard_declare(name: str) -> None:
    """The table declares that it needs the guard `name` (see workflow.provided)."""
    _declared.add(name)


def case_guard_provide(name: str, check: CaseGuard) -> CaseGuard:
    """Provide the check behind the guard `name`; one app provides each guard."""
    if _guards.get(name, check) is not check:
        raise ImproperlyConfigured(f"The case guard {name!r} is provided twice.")
    _guards[name] = check
    return check


def case_guard_check(name: str, case: Case) -> bool:
    """Run the check an app provided for `name`. A guard nobody provides fails loudly,
    never silently passes."""
    check = _guards.get(name)
    if check is None:
        raise ImproperlyConfigured(f"No installed app provides the case guard {name!r}.")
    return check(case)


def case_guards_missing() -> list[str]:
    """Guards the table needs that no app provides (for a test and for reading)."""
    return sorted(_declared - set(_guards))
