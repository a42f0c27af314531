"""The one fan-out point of a case's life.

Other apps react to what happens to a case (the applicant's notices, statistics,
webhooks, screening) without `cases` importing them: each registers its reaction
here from its AppConfig.ready(), and `record_event` calls every reaction inside the
transaction that records the event, so a reaction's writes (an outbox row, a counter)
commit or roll back with the event itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

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
