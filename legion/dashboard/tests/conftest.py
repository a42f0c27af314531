"""Cases at two missions, of several nationalities, ready to be moved through the
workflow by the real services (so every change goes through the case-event fan-out)."""

import datetime as dt
import random
from unittest import mock

import pytest
from django.utils import timezone

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.services import CaseError, case_submit, case_transfer, case_transition
from legion.missions.actors import Actor
from legion.testing import factories as f

NATIONALITIES = ["GB", "GB", "GB", "US", "US", "DE", "CA", "JP"]


class Clock:
    """timezone.now() under test control, so stages last hours or days."""

    def __init__(self) -> None:
        self.now = timezone.now() - dt.timedelta(days=40)

    def advance(self, hours: float) -> None:
        self.now += dt.timedelta(hours=hours)


@pytest.fixture
def clock():
    c = Clock()
    with mock.patch("django.utils.timezone.now", lambda: c.now):
        yield c


def ready_draft(mission, nationality: str, specialty: str = "Infantry"):
    """A draft with a passport, a service record and the advisories acknowledged."""
    applicant = f.ApplicantFactory(nationality=nationality, passport_country=nationality)
    case = f.CaseFactory(mission=mission, applicant=applicant)
    f.ServiceRecordFactory(case=case, specialty=specialty, country=nationality)
    for kind in ("passport", "criminal_record", "service_record"):
        f.DocumentFactory(case=case, kind=kind)
    f.AdvisoryFactory(nationality=nationality)
    case_acknowledge_advisories(case=case)
    return case


class Walker:
    """Random but legal steps through the workflow, each by the role that may take it."""

    def __init__(self, *, rng, officers, security, missions, clock=None) -> None:
        self.rng = rng
        self.officers = officers  # mission code -> officer user
        self.security = Actor.staff(security)
        self.missions = missions
        self.clock = clock

    def step(self, case) -> str:
        case.refresh_from_db()
        officer = Actor.staff(self.officers[case.mission.code])
        moves = {
            "draft": [("submit", None)],
            "submitted": [("start_review", officer), ("transfer", officer), ("hold", None)],
            "in_review": [
                ("reject", officer),
                ("refer", officer),
                ("transfer", officer),
                ("hold", None),
            ],
            "on_hold": [("release", self.security), ("reject_on_security_grounds", self.security)],
        }.get(case.state, [])
        if not moves or self.rng.random() < 0.08:
            moves.append(("withdraw", Actor.applicant(case.pk)))
        action, actor = self.rng.choice(moves)
        if self.clock is not None:
            self.clock.advance(self.rng.choice([0.5, 3, 20, 30, 70, 200, 900]))
        try:
            if action == "submit":
                case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
            elif action == "transfer":
                target = next(m for m in self.missions if m.pk != case.mission_id)
                case_transfer(
                    reference=case.reference,
                    actor=officer,
                    mission_code=target.code,
                    reason="Moved",
                )
            elif action == "hold":
                case_transition(
                    reference=case.reference,
                    action="hold",
                    actor=self.rng.choice([self.security, Actor.system()]),
                    reason="Check",
                )
            else:
                case_transition(
                    reference=case.reference, action=action, actor=actor, reason="Reason"
                )
        except CaseError:
            return "refused"
        return action


@pytest.fixture
def walker_setup(london, ottawa, officer, outsider, security, risk_notice):
    rng = random.Random(15)
    cases = [
        ready_draft(
            rng.choice([london, ottawa]),
            rng.choice(NATIONALITIES),
            rng.choice(["Infantry", "infantry ", "Combat medic", "Signals"]),
        )
        for _ in range(24)
    ]
    officers = {"lon": officer, "ott": outsider}
    return rng, cases, officers, security, [london, ottawa]
