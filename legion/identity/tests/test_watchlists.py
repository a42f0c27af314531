"""Watch lists: FollowTheMoney and CSV import, screening at intake and after each import,
holds, and HQ security's decisions."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.models import Case, CaseEvent
from legion.cases.services import case_submit, case_transition
from legion.cases.states import CaseState as S
from legion.identity.decisions import watchlist_hit_confirm, watchlist_hit_dismiss
from legion.identity.models import ReviewStatus, WatchlistEntry, WatchlistHit
from legion.identity.watchlists import WatchlistFileError, watchlist_import
from legion.missions.actors import Actor
from legion.testing import factories as f

pytestmark = pytest.mark.django_db


def ftm(entity_id, name, *, schema="Person", **props):
    return json.dumps(
        {
            "id": entity_id,
            "schema": schema,
            "caption": name,
            "properties": {"name": [name], **props},
            "datasets": ["test"],
        },
        ensure_ascii=False,
    )


INFILTRATOR = ftm(
    "NK-1",
    "Dmitry Sokolov",
    alias=["Дмитрий Соколов", "Dmytro Sokolov"],
    birthDate=["1984-07-21"],
    nationality=["ru"],
    passportNumber=["7512 345678"],
)
SANCTION = json.dumps({"id": "san-1", "schema": "Sanction", "properties": {"entity": ["NK-1"]}})


def draft(mission, **applicant):
    case = f.CaseFactory(mission=mission, **{f"applicant__{k}": v for k, v in applicant.items()})
    f.DocumentFactory(case=case, kind="passport")
    f.AdvisoryFactory(nationality=str(case.applicant.nationality))
    case_acknowledge_advisories(case=case)
    return case


DMYTRO = {
    "given_name": "Dmytro",
    "surname": "Sokolov",
    "date_of_birth": dt.date(1984, 7, 21),
    "nationality": "UA",
    "passport_number": "",
}


@pytest.fixture
def watchlist(db):
    return watchlist_import(source="opensanctions", text=f"{INFILTRATOR}\n{SANCTION}\n", fmt="ftm")


def test_ftm_import_keeps_people_and_skips_other_schemas(watchlist):
    assert (watchlist.created, watchlist.updated) == (1, 0)
    entry = WatchlistEntry.objects.get()
    assert entry.caption == "Dmitry Sokolov"
    # The list's document numbers are sealed apart from its other properties.
    assert "passportNumber" not in entry.properties
    assert entry.documents == {"passportNumber": ["7512 345678"]}
    assert entry.document_numbers() == ["7512 345678"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT properties, documents FROM identity_watchlistentry")
        properties, documents = cursor.fetchone()
    assert "7512" not in str(properties) and b"7512" not in bytes(documents)
    assert entry.properties["alias"] == ["Дмитрий Соколов", "Dmytro Sokolov"]


def test_hit_at_intake_puts_the_case_on_hold_with_the_evidence(london, risk_notice, watchlist):
    case = draft(london, **DMYTRO)
    case = case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    assert case.state == S.ON_HOLD
    assert case.held_from_state == S.SUBMITTED
    hit = WatchlistHit.objects.get(case=case)
    assert hit.status == ReviewStatus.OPEN
    assert hit.explanation["date_of_birth"]["level"] == "exact"
    hold = CaseEvent.objects.get(case=case, action="hold")
    assert "Dmitry Sokolov" in hold.reason and "opensanctions" in hold.reason
    assert hold.actor_label == "system"
    assert hold.data == {"watchlist_hits": [hit.pk]}


def test_applicant_with_only_the_same_common_name_is_not_held(london, risk_notice, watchlist):
    case = draft(london, **{**DMYTRO, "date_of_birth": dt.date(1999, 1, 2)})
    case = case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    assert case.state == S.SUBMITTED
    assert not WatchlistHit.objects.exists()


def test_import_rescreens_every_open_case(london, risk_notice, officer):
    case = draft(london, **DMYTRO)
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    case_transition(reference=case.reference, action="start_review", actor=Actor.staff(officer))
    result = watchlist_import(source="opensanctions", text=INFILTRATOR, fmt="ftm")
    assert result.held == [case.reference]
    case.refresh_from_db()
    assert (case.state, case.held_from_state) == (S.ON_HOLD, S.IN_REVIEW)


def test_confirmed_hit_rejects_the_case_with_the_reason(london, risk_notice, watchlist, security):
    case = draft(london, **DMYTRO)
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    hit = WatchlistHit.objects.get()
    watchlist_hit_confirm(hit_id=hit.pk, actor=Actor.staff(security), reason="Photo matches.")
    case.refresh_from_db()
    assert case.state == S.REJECTED
    event = CaseEvent.objects.get(case=case, action="reject_on_security_grounds")
    assert "Photo matches." in event.reason and event.actor == security
    hit.refresh_from_db()
    assert (hit.status, hit.decided_by) == (ReviewStatus.CONFIRMED, security)


def test_dismissed_hit_returns_the_case_to_the_state_it_left_and_never_hits_again(
    london, risk_notice, watchlist, security, officer
):
    case = draft(london, **DMYTRO)
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    hit = WatchlistHit.objects.get()
    watchlist_hit_dismiss(
        hit_id=hit.pk, actor=Actor.staff(security), reason="Different person: met in person."
    )
    case.refresh_from_db()
    assert case.state == S.SUBMITTED
    release = CaseEvent.objects.get(case=case, action="release")
    assert release.actor == security and "met in person" in release.reason
    # A re-import of the list (with a new alias) does not raise the same pair again.
    changed = INFILTRATOR.replace('"Dmytro Sokolov"', '"Dmytro Sokolov", "D. Sokolov"')
    result = watchlist_import(source="opensanctions", text=changed, fmt="ftm")
    assert (result.updated, result.hits, result.held) == (1, 0, [])
    case.refresh_from_db()
    assert case.state == S.SUBMITTED
    assert WatchlistHit.objects.count() == 1


def test_reimport_updates_in_place_and_deactivates_people_no_longer_listed(watchlist):
    entry = WatchlistEntry.objects.get()
    other = ftm("NK-2", "Ivan Petrov", birthDate=["1975"])
    watchlist_import(
        source="opensanctions",
        text=INFILTRATOR.replace("1984-07-21", "1984-07-22") + "\n" + other,
        fmt="ftm",
    )
    entry.refresh_from_db()
    assert entry.properties["birthDate"] == ["1984-07-22"]
    result = watchlist_import(source="opensanctions", text=other, fmt="ftm")
    assert result.deactivated == 1
    entry.refresh_from_db()
    assert not entry.active and not entry.keys.exists()
    assert WatchlistEntry.objects.filter(source="opensanctions").count() == 2


def test_csv_watch_list(london, risk_notice):
    text = (
        "id,name,aliases,birth_date,nationality,passport_number,id_number\n"
        "W-7,Sokolov Dmitry,Dmytro Sokolov;Дмитрий Соколов,1984-07-21,ru,,\n"
    )
    assert watchlist_import(source="interpol", text=text, fmt="csv").created == 1
    case = draft(london, **DMYTRO)
    assert case_submit(reference=case.reference, actor=Actor.applicant(case.pk)).state == S.ON_HOLD


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        ('{"id": "x", "schema": "Person"\n', "ftm", "Line 1: not JSON"),
        (
            ftm("a", "A B") + '\n{"schema": "Person", "properties": {"name": ["C"]}}',
            "ftm",
            "Line 2",
        ),
        ("id,name,colour\n1,A B,red\n", "csv", "unknown column"),
        ("id,name\n1,\n", "csv", "Line 2: id and name are required"),
    ],
)
def test_malformed_watch_list_changes_nothing(text, fmt, message):
    with pytest.raises(WatchlistFileError, match=message):
        watchlist_import(source="bad", text=text, fmt=fmt)
    assert not WatchlistEntry.objects.exists()


def test_watchlist_command_imports_and_reports(tmp_path, capsys, london, risk_notice):
    path = tmp_path / "entities.ftm.json"
    path.write_text(f"{INFILTRATOR}\n{SANCTION}\n", encoding="utf-8")
    call_command("watchlist", "import", str(path), "--source", "opensanctions")
    assert "1 new, 0 updated" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nX\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("watchlist", "import", str(bad), "--source", "x")
    assert refused.value.returncode == 2 and "Line 1" in str(refused.value)


def test_hold_is_visible_to_hq_security_through_the_scoping_helper(
    london, risk_notice, watchlist, security
):
    from legion.cases.policy import cases_for

    case = draft(london, **DMYTRO)
    case_submit(reference=case.reference, actor=Actor.applicant(case.pk))
    assert list(cases_for(Actor.staff(security))) == [Case.objects.get(pk=case.pk)]
