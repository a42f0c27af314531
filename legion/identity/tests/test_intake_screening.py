"""Intake: every submission is checked against all missions' applicants and watch lists."""

import datetime as dt
import io
import re
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from legion.advisories.services import case_acknowledge_advisories
from legion.cases.models import Case, CaseEvent
from legion.cases.services import CaseError, TransitionRefused, case_submit, case_transition
from legion.cases.states import CaseState as S
from legion.identity import screening
from legion.identity.decisions import ReviewDecisionError, duplicate_confirm, duplicate_dismiss
from legion.identity.dedupe import applicants_dedupe
from legion.identity.indexing import applicants_index_missing
from legion.identity.models import DuplicateCandidate, IdentityKey, ReviewStatus
from legion.identity.people import applicant_people, review_values
from legion.identity.screening import case_screen
from legion.identity.watchlists import watchlist_import
from legion.interviews.services import interview_book
from legion.missions.actors import Actor
from legion.testing import factories as f
from legion.testing.factories import set_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def warsaw(db):
    return f.MissionFactory(code="waw", name="Embassy in Warsaw", city="Warsaw", country="PL")


@pytest.fixture
def berlin(db):
    return f.MissionFactory(code="ber", name="Embassy in Berlin", city="Berlin", country="DE")


def ready_draft(mission, **applicant):
    """A draft at this mission, ready to submit."""
    case = f.CaseFactory(mission=mission, **{f"applicant__{k}": v for k, v in applicant.items()})
    f.DocumentFactory(case=case, kind="passport")
    f.AdvisoryFactory(nationality=str(case.applicant.nationality))
    case_acknowledge_advisories(case=case)
    return case


def submit(mission, **applicant):
    """A draft at this mission, ready to submit, then submitted through case_submit."""
    case = ready_draft(mission, **applicant)
    return case_submit(reference=case.reference, actor=Actor.applicant(case.pk))


SERHIY = {
    "given_name": "Serhiy",
    "surname": "Kovalenko",
    "date_of_birth": dt.date(1990, 3, 14),
    "nationality": "UA",
    "passport_number": "FA1234567",
    "place_of_birth": "Kyiv",
}


def test_same_person_at_two_embassies_opens_a_duplicate_review_item(warsaw, berlin, risk_notice):
    first = submit(warsaw, **SERHIY)
    # Berlin's form was filled in with the Russian spelling of his name and town.
    second = submit(
        berlin,
        **{
            **SERHIY,
            "given_name": "Sergei",
            "passport_number": "FA 123 4567",
            "place_of_birth": "Kiev",
        },
    )
    item = DuplicateCandidate.objects.get()
    assert (item.case, item.other_case) == (second, first)
    assert item.status == ReviewStatus.OPEN
    assert item.score > 0.5
    assert item.explanation["passport_number"]["level"] == "exact"
    assert item.explanation["place_of_birth"]["level"] == "phonetic"
    # Never merged: both cases go on, the new one merely submitted.
    assert Case.objects.get(pk=second.pk).state == S.SUBMITTED
    assert Case.objects.get(pk=first.pk).state == S.SUBMITTED


def test_georgian_script_application_is_found_from_the_romanised_one(warsaw, berlin, risk_notice):
    giorgi = {"date_of_birth": dt.date(1987, 6, 2), "nationality": "GE", "passport_number": ""}
    first = submit(warsaw, given_name="Giorgi", surname="Beridze", **giorgi)
    second = submit(
        berlin, given_name="George", surname="Beridze", native_name="გიორგი ბერიძე", **giorgi
    )
    item = DuplicateCandidate.objects.get()
    assert (item.case, item.other_case) == (second, first)


ALDERSHOT = {
    "address_line_1": "14 Larkspur Close",
    "address_town": "Aldershot",
    "address_postcode": "GU11 1AA",
    "address_country": "GB",
}


def test_same_home_and_birth_date_find_a_reapplication_under_another_name(
    warsaw, berlin, risk_notice
):
    born = {"date_of_birth": dt.date(1988, 5, 5), "place_of_birth": ""}
    first = submit(warsaw, given_name="Mark", surname="Evans", **born, **ALDERSHOT)
    # A new passport, another surname, the same home written another way.
    moved_on = {"address_line_1": "14 Larkspur Cl.", "address_postcode": "gu11 1aa"}
    second = submit(
        berlin,
        given_name="Marc",
        surname="Hughes",
        passport_number="598765432",
        **born,
        **{**ALDERSHOT, **moved_on},
    )
    item = DuplicateCandidate.objects.get()
    assert (item.case, item.other_case) == (second, first)
    assert item.explanation["address"]["level"] == "exact"
    assert item.explanation["area"]["level"] == "postcode"
    # The review item keeps what matched, not the homes: those come from the records.
    assert not any({"a", "b"} & set(field) for field in item.explanation.values())
    ours, theirs = review_values(item.case.applicant, item.other_case.applicant)
    assert ours["address"] == "14 Larkspur Cl."
    assert (ours["area"], theirs["area"]) == ("Aldershot, gu11 1aa", "Aldershot, GU11 1AA")


def test_brothers_from_one_home_are_not_duplicates(warsaw, berlin, risk_notice):
    brothers = {"surname": "Evans", "place_of_birth": "Aldershot", **ALDERSHOT}
    john = {"given_name": "John", "date_of_birth": dt.date(1988, 5, 5)}
    david = {"given_name": "David", "date_of_birth": dt.date(1992, 11, 20)}
    submit(warsaw, **john, passport_number="512345678", **brothers)
    submit(berlin, **david, passport_number="533445566", **brothers)
    assert not DuplicateCandidate.objects.exists()


def test_different_people_with_a_common_name_and_birth_year_are_not_candidates(
    warsaw, berlin, risk_notice
):
    submit(
        warsaw,
        given_name="James",
        surname="Smith",
        date_of_birth=dt.date(1985, 2, 3),
        passport_number="512345678",
    )
    submit(
        berlin,
        given_name="James",
        surname="Smith",
        date_of_birth=dt.date(1985, 10, 27),
        passport_number="598765432",
        place_of_birth="Leeds",
        address_line_1="3 Mill Lane",
        address_town="Leeds",
        address_postcode="LS1 4AB",
    )
    assert not DuplicateCandidate.objects.exists()


def test_open_duplicate_review_blocks_the_interview_for_both_cases(
    warsaw, berlin, risk_notice, security
):
    first = submit(warsaw, **SERHIY)
    second = submit(berlin, **SERHIY)
    officer = f.MembershipFactory(
        user__username="waw.officer", role="consular_officer", mission=warsaw
    ).user
    case_transition(reference=first.reference, action="start_review", actor=Actor.staff(officer))
    first.documents.update(status="verified")
    slot = f.SlotFactory(mission=warsaw)
    with pytest.raises(TransitionRefused, match="duplicate or watch-list review"):
        interview_book(reference=first.reference, slot_id=slot.pk, actor=Actor.staff(officer))
    assert not first.interviews.exists()
    assert DuplicateCandidate.objects.filter(case=second, other_case=first).exists()


def test_confirmed_duplicate_rejects_the_later_case_naming_the_other_reference(
    warsaw, berlin, risk_notice, security
):
    first = submit(warsaw, **SERHIY)
    second = submit(berlin, **SERHIY)
    item = DuplicateCandidate.objects.get()
    duplicate_confirm(
        candidate_id=item.pk, actor=Actor.staff(security), reason="Same passport, same face."
    )
    second.refresh_from_db()
    assert second.state == S.REJECTED
    event = CaseEvent.objects.get(case=second, action="reject_on_security_grounds")
    assert first.reference in event.reason
    assert event.actor == security
    item.refresh_from_db()
    assert (item.status, item.decided_by, item.decision_reason) == (
        ReviewStatus.CONFIRMED,
        security,
        "Same passport, same face.",
    )
    assert Case.objects.get(pk=first.pk).state == S.SUBMITTED
    assert CaseEvent.objects.filter(case=first, action="duplicate_confirmed").exists()


def test_dismissed_duplicate_pair_is_never_raised_again(warsaw, berlin, risk_notice, security):
    submit(warsaw, **SERHIY)
    second = submit(berlin, **SERHIY)
    item = DuplicateCandidate.objects.get()
    duplicate_dismiss(candidate_id=item.pk, actor=Actor.staff(security), reason="Twins.")
    case_screen(case=Case.objects.get(pk=second.pk))  # intake check again
    assert applicants_dedupe() == []  # and the batch dedupe
    assert DuplicateCandidate.objects.count() == 1
    assert CaseEvent.objects.filter(action="duplicate_dismissed").count() == 2


def test_only_hq_security_decides_and_always_with_a_reason(
    warsaw, berlin, risk_notice, security, analyst
):
    submit(warsaw, **SERHIY)
    submit(berlin, **SERHIY)
    item = DuplicateCandidate.objects.get()
    with pytest.raises(ReviewDecisionError, match="Only HQ security"):
        duplicate_confirm(candidate_id=item.pk, actor=Actor.staff(analyst), reason="x")
    with pytest.raises(ReviewDecisionError, match="reason"):
        duplicate_dismiss(candidate_id=item.pk, actor=Actor.staff(security), reason="  ")
    duplicate_dismiss(candidate_id=item.pk, actor=Actor.staff(security), reason="Twins.")
    with pytest.raises(CaseError, match="already been decided"):
        duplicate_confirm(candidate_id=item.pk, actor=Actor.staff(security), reason="x")


def test_batch_dedupe_opens_review_items_for_pairs_intake_missed(warsaw, berlin, risk_notice):
    first = submit(warsaw, **SERHIY)
    second = submit(berlin, **{**SERHIY, "surname": "Kowalenko"})
    DuplicateCandidate.objects.all().delete()  # as if they were imported before intake existed
    opened = applicants_dedupe()
    assert [(d.case_id, d.other_case_id) for d in opened] == [(second.pk, first.pk)]
    assert opened[0].explanation["surname"]["level"] != "exact"


def test_submission_indexes_keys_without_the_passport_number(warsaw, risk_notice):
    case = submit(warsaw, **SERHIY)
    keys = list(IdentityKey.objects.filter(applicant=case.applicant).values_list("key", flat=True))
    assert any(k.startswith("passport:") for k in keys)
    assert any(k.startswith("name_dob:") for k in keys)
    # Every key is its rule and a keyed hash: no number, name, date of birth or home.
    assert all(re.fullmatch(r"[a-z_]+:[0-9a-f]{40}", k) for k in keys), keys
    for value in ("FA1234567", "1234567", "KOVALENKO", "19900314", "1990"):
        assert not any(value in k.upper() for k in keys)


def test_cases_loaded_in_bulk_are_indexed_and_then_found_at_intake(warsaw, berlin, risk_notice):
    loaded = set_state(
        f.CaseFactory(mission=warsaw, **{f"applicant__{k}": v for k, v in SERHIY.items()}),
        S.IN_REVIEW,
    )
    # The batch command indexes them first (and says so), then intake finds them.
    out = io.StringIO()
    call_command("dedupe-applicants", stdout=out)
    assert "1 applicants added to the intake index" in out.getvalue()
    assert applicants_index_missing() == 0
    newer = submit(berlin, **SERHIY)
    item = DuplicateCandidate.objects.get()
    assert (item.case, item.other_case) == (newer, loaded)


def test_intake_review_items_score_each_pair_as_batch_match_people_does(
    warsaw, berlin, risk_notice, tmp_path
):
    """Intake scores candidates from their stored features; `match-people` normalises
    the same people afresh and scores them in SQL (Splink). Pair by pair, the review
    items intake opened carry the score the batch run gives the same two people."""
    import csv

    from legion.identity.batch import PersonRow, link_people

    bondarenko = {"date_of_birth": dt.date(1984, 2, 17), "nationality": "LT", "sex": "M"}
    beridze = {"date_of_birth": dt.date(1987, 6, 2), "nationality": "GE", "passport_number": ""}
    kyiv = {"address_line_1": "вул. Шевченка, 12", "address_town": "Київ"}
    submit(warsaw, **SERHIY, **kyiv, address_postcode="01001")
    submit(
        berlin,
        **{**SERHIY, "given_name": "Sergei", "place_of_birth": "Kiev"},
        address_line_1="12 Shevchenka St",
        address_town="Kiev",
    )
    submit(
        warsaw,
        given_name="Volodymyr",
        surname="Bondarenko",
        native_name="Володимир Бондаренко",
        passport_number="LT 30817264",
        place_of_birth="",
        **bondarenko,
    )
    submit(
        berlin,
        given_name="Vladimir",
        surname="Bondarenko",
        native_name="Владимир Бондаренко",
        passport_number="LT44120958",
        place_of_birth="",
        **bondarenko,
    )
    submit(warsaw, given_name="Giorgi", surname="Beridze", **beridze)
    submit(berlin, given_name="George", surname="Beridze", native_name="გიორგი ბერიძე", **beridze)
    # Typed in Cyrillic at Warsaw: only the stored romanisations meet the Latin spelling.
    melnyk = {"date_of_birth": dt.date(1979, 8, 30), "nationality": "UA", "passport_number": ""}
    submit(warsaw, given_name="Андрій", surname="Мельник", place_of_birth="", **melnyk)
    submit(berlin, given_name="Andriy", surname="Melnyk", place_of_birth="", **melnyk)
    intake = {
        frozenset((item.case_id, item.other_case_id)): item.score
        for item in DuplicateCandidate.objects.all()
    }
    assert len(intake) == 4
    melnyk_item = DuplicateCandidate.objects.get(case__applicant__surname="Melnyk")
    assert melnyk_item.explanation["given_name"]["level"] == "transliteration"

    rows = [
        PersonRow(f"{case.pk}~{number}", reading)
        for case in Case.objects.select_related("applicant")
        for number, reading in enumerate(applicant_people(case.applicant))
    ]
    out = tmp_path / "links.csv"
    link_people(inputs=[rows], out=out, threshold=0.001)
    batch: dict[frozenset, float] = {}
    with out.open(newline="", encoding="utf-8") as handle:
        for link in csv.DictReader(handle):
            pair = frozenset(int(link[side].split("~")[0]) for side in ("id_a", "id_b"))
            batch[pair] = max(batch.get(pair, 0.0), float(link["score"]))
    for pair, score in intake.items():
        assert score == pytest.approx(batch[pair], abs=2e-6), pair


def test_reindex_after_a_new_blind_index_key_rekeys_applicants_and_watch_lists(
    warsaw, risk_notice, settings
):
    from legion.identity.models import WatchlistEntry

    watchlist_import(
        source="test list",
        text="id,name,birth_date,passport_number\nw1,Ivan Petrenko,1970-01-02,XY9876543\n",
        fmt="csv",
    )
    case = submit(warsaw, **SERHIY)
    entry = WatchlistEntry.objects.get()

    def passport_keys(**owner) -> set[str]:
        keys = IdentityKey.objects.filter(**owner).values_list("key", flat=True)
        return {k for k in keys if k.startswith("passport:")}

    old_applicant, old_entry = passport_keys(applicant=case.applicant), passport_keys(entry=entry)
    assert old_applicant and old_entry
    settings.LEGION_BLIND_INDEX_KEY = "a-new-blind-index-key-of-some-length"
    call_command("rotate-keys", "--reindex", stdout=io.StringIO())
    new_applicant, new_entry = passport_keys(applicant=case.applicant), passport_keys(entry=entry)
    # Same number of keys, none of them the old ones: intake (using the new key) finds them.
    assert len(new_applicant) == len(old_applicant) and not new_applicant & old_applicant
    assert len(new_entry) == len(old_entry) and not new_entry & old_entry
    again = submit(f.MissionFactory(code="ber"), **{**SERHIY, "given_name": "Sergei"})
    assert DuplicateCandidate.objects.get().other_case == case
    assert again.state == S.SUBMITTED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrent PostgreSQL connections"
)
@pytest.mark.django_db(transaction=True)
def test_two_screenings_of_one_person_at_the_same_moment_find_each_other(warsaw, berlin):
    # Screening on its own, each in its own transaction as in case_submit: today the
    # audit chain's lock happens to serialise whole submissions, and identity must not
    # depend on that.
    cases = [
        set_state(
            f.CaseFactory(mission=warsaw, **{f"applicant__{k}": v for k, v in person.items()}),
            S.SUBMITTED,
        )
        for person in (SERHIY, {**SERHIY, "given_name": "Sergei", "place_of_birth": "Kiev"})
    ]
    # Each screening, once it has looked for candidates, waits before committing until
    # the other has looked too or is waiting for a lock: without the key locks both
    # look before either commits, and neither finds the other.
    looked = []
    look = screening._screening_rows

    def another_waits_for_a_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            return cursor.fetchone()[0] > 0

    def look_then_wait(case, ours):
        rows = look(case, ours)
        looked.append(case.pk)
        deadline = time.monotonic() + 30
        while len(looked) < 2 and not another_waits_for_a_lock():
            assert time.monotonic() < deadline, "the other screening neither looked nor waited"
            time.sleep(0.05)
        return rows

    start = threading.Barrier(2)
    errors = []

    def screen(case):
        try:
            start.wait()
            with transaction.atomic():
                case_screen(case=Case.objects.select_for_update().get(pk=case.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    screening._screening_rows = look_then_wait
    try:
        threads = [threading.Thread(target=screen, args=(case,)) for case in cases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        screening._screening_rows = look
    assert errors == []
    item = DuplicateCandidate.objects.get()
    assert {item.case_id, item.other_case_id} == {c.pk for c in cases}
