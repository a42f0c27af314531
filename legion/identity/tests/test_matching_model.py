"""The matching library: names across scripts, swaps, nicknames, dates, passports, scores."""

import math

import pytest

from legion.identity.model import COMPARISONS, compare, level_keys, parameters, person
from legion.identity.normalise import (
    name_forms,
    normalise_address,
    normalise_date,
    normalise_passport,
    normalise_postcode,
)


def level(a, b, field):
    return level_keys(a, b)[field]


def named(given, surname, **more):
    return person(given_name=given, surname=surname, **more)


@pytest.mark.parametrize(
    "spelling", ["Volodimir", "Владимир", "Володимир", "Vladimir", "VOLODYMYR"]
)
def test_volodymyr_meets_every_spelling_of_his_name(spelling):
    assert level(named("Volodymyr", "Zelenskyy"), named(spelling, "Zelenskyy"), "given_name") in {
        "exact",
        "transliteration",
        "variant",
        "phonetic",
    }


@pytest.mark.parametrize("spelling", ["Zelensky", "Zelenskiy", "Зеленський", "Зеленский"])
def test_zelenskyy_meets_every_spelling_of_his_surname(spelling):
    assert level(named("Volodymyr", "Zelenskyy"), named("Volodymyr", spelling), "surname") in {
        "transliteration",
        "variant",
        "phonetic",
    }


def test_ukrainian_cyrillic_is_romanised_by_ukrainian_and_russian_rules():
    forms = name_forms("Володимир").forms
    assert "volodymyr" in forms  # Ukrainian national rules (passport spelling)
    assert "volodimir" in forms  # generic / Russian-style reading


@pytest.mark.parametrize(
    ("native", "latin", "field"),
    [
        ("გიორგი", "Giorgi", "given_name"),  # Georgian
        ("ბერიძე", "Beridze", "surname"),
        ("Γεώργιος", "Georgios", "given_name"),  # Greek
        ("Παπαδόπουλος", "Papadopoulos", "surname"),
        ("محمد", "Muhammad", "given_name"),  # Arabic, written without vowels
        ("محمد", "Mohammed", "given_name"),
    ],
)
def test_names_in_georgian_greek_and_arabic_script_meet_their_romanisation(native, latin, field):
    a = named(native, "X") if field == "given_name" else named("X", native)
    b = named(latin, "X") if field == "given_name" else named("X", latin)
    assert level(a, b, field) in {"exact", "transliteration", "variant", "phonetic"}


def test_swapped_given_name_and_surname_are_recognised():
    a = named("Giorgi", "Beridze", date_of_birth="1990-03-14")
    b = named("Beridze", "Giorgi", date_of_birth="1990-03-14")
    assert level(a, b, "given_name") == "swapped"
    assert level(a, b, "surname") == "swapped"
    assert compare(a, b).probability > 0.5


def test_swap_with_a_typo_in_one_name_is_still_a_swap():
    a = named("Gabrielle", "Langer", date_of_birth="1980-08-10")
    b = named("Laznger", "Gabrielle", date_of_birth="1980-08-10")
    assert level(a, b, "given_name") == "swapped"
    assert level(a, b, "surname") == "swapped"
    # Two typos, or a missing other name, are not a swap.
    assert level(a, named("Lazngre", "Gabrielle"), "surname") == "different"
    assert level(named("L", "Langer"), named("Anna", ""), "given_name") == "different"


def test_nicknames_come_from_the_nicknames_library():
    assert level(named("Bill", "Turner"), named("William", "Turner"), "given_name") == "nickname"
    assert level(named("Liz", "Turner"), named("Elizabeth", "Turner"), "given_name") == "nickname"


def test_date_of_birth_typos_day_month_swap_and_one_digit():
    born = named("James", "Turner", date_of_birth="1988-04-12")
    swapped = named("James", "Turner", date_of_birth="1988-12-04")
    one_digit = named("James", "Turner", date_of_birth="1988-04-13")
    year_only = named("James", "Turner", date_of_birth="1988")
    assert level(born, swapped, "date_of_birth") == "day_month_swapped"
    assert level(born, one_digit, "date_of_birth") == "one_digit"
    assert level(born, year_only, "date_of_birth") == "partial"


def test_passport_numbers_are_normalised_before_comparison():
    assert normalise_passport(" ab 123-456 7 ") == "AB1234567"
    a = named("James", "Turner", passport_number="AB1234567")
    b = named("James", "Turner", passport_number="ab 123 4567")
    typo = named("James", "Turner", passport_number="AB1234576")
    assert level(a, b, "passport_number") == "exact"
    assert level(a, typo, "passport_number") == "typo2"


def test_dates_accept_partial_and_typo_digits_but_not_words():
    assert normalise_date("1988-13-04") == "19881304"  # a typo of a real date, kept
    assert normalise_date("1988") == "1988"
    with pytest.raises(ValueError):
        normalise_date("twelfth of April")


def test_score_is_a_probability_with_a_weight_per_field():
    a = named("James", "Turner", date_of_birth="1988-04-12", passport_number="500000001")
    same = named("James", "Turner", date_of_birth="1988-04-12", passport_number="500000001")
    other = named("Priya", "Sharma", date_of_birth="1979-11-02", passport_number="Z9988776")
    high, low = compare(a, same), compare(a, other)
    assert high.probability > 0.99 > 0.01 > low.probability
    assert set(high.explanation) == {c.name for c in COMPARISONS}
    passport = high.explanation["passport_number"]
    # The strongest single piece of evidence: stronger than the same date of birth.
    assert passport["level"] == "exact"
    assert passport["weight"] > high.explanation["date_of_birth"]["weight"] > 0
    assert (passport["a"], passport["b"]) == ("500000001", "500000001")
    total = math.log2(parameters().prior / (1 - parameters().prior)) + sum(
        e["weight"] for e in high.explanation.values()
    )
    assert total == pytest.approx(high.weight, abs=0.01)


def test_different_people_sharing_a_common_name_and_birth_year_score_low():
    a = named("James", "Smith", date_of_birth="1988-04-12", passport_number="512345678")
    b = named("James", "Smith", date_of_birth="1988-09-30", passport_number="587654321")
    assert compare(a, b).probability < 0.5


def test_missing_values_are_neutral():
    a = named("James", "Turner", date_of_birth="1988-04-12")
    b = named("James", "Turner", date_of_birth="1988-04-12", passport_number="500000001")
    assert compare(a, b).explanation["passport_number"]["weight"] == 0


def test_weight_alone_is_exactly_the_explained_scores_weight():
    """Intake picks the best readings by match_weight, then explains them with compare."""
    from legion.identity.model import match_weight

    people = [
        named("James", "Turner", date_of_birth="1988-04-12", passport_number="500000001"),
        named("Jim", "Turner", date_of_birth="1988-12-04"),
        named("Владимир", "Коваленко", date_of_birth="1990", nationality="UA"),
        named("Volodymyr", "Kovalenko", date_of_birth="1990-03-14", nationality="UA"),
        named("Priya", "Sharma", sex="F", place_of_birth="Mumbai"),
    ]
    for a in people:
        for b in people:
            for prior in (None, 1e-5):
                assert match_weight(a, b, prior=prior) == compare(a, b, prior=prior).weight


def test_home_addresses_written_differently_are_the_same_line():
    same = (
        "12 Main Street",
        "Main St. 12",
        "12 main st",
    )
    assert {normalise_address(text) for text in same} == {"12 main st"}
    assert normalise_address("Hauptstraße 5") == normalise_address("5 Hauptstr.")
    assert normalise_address("вул. Шевченка, 12") == normalise_address("12 Shevchenka st")
    assert normalise_address("12 Main Street") != normalise_address("21 Main Street")
    assert normalise_postcode(" sw1a 1aa") == normalise_postcode("SW1A-1AA") == "SW1A1AA"
    fayetteville = named("A", "B", town="Fayetteville, NC")
    assert level(fayetteville, named("A", "B", town="Fayetteville"), "area") == "town"


ALDERSHOT = {"address": "14 Larkspur Close", "town": "Aldershot", "postcode": "GU11 1AA"}


def test_same_home_and_birth_date_find_a_man_under_another_surname():
    """A re-application under another surname (and a new passport) is found by the home."""
    first = named("Mark", "Evans", date_of_birth="1988-05-05", **ALDERSHOT)
    again = {"date_of_birth": "1988-05-05", "passport_number": "598765432"}
    same_home = named(
        "Marc", "Hughes", address="14 Larkspur Cl", town="Aldershot", postcode="gu111aa", **again
    )
    elsewhere = named(
        "Marc", "Hughes", address="3 Mill Lane", town="Leeds", postcode="LS1 4AB", **again
    )
    score = compare(first, same_home)
    assert score.explanation["address"]["level"] == "exact"
    assert score.explanation["area"]["level"] == "postcode"
    assert score.probability > 0.5 > compare(first, elsewhere).probability


def test_brothers_at_one_home_are_not_one_person():
    """A home is shared by brothers, a father and son, flatmates: between two records
    that agree in no given name, date of birth or passport the home is not counted."""
    john = named("John", "Evans", date_of_birth="1988-05-05", **ALDERSHOT)
    david = named("David", "Evans", date_of_birth="1992-11-20", **ALDERSHOT)
    score = compare(john, david)
    assert score.explanation["address"]["level"] == "not_counted"
    assert score.explanation["area"]["level"] == "not_counted"
    assert score.explanation["address"]["weight"] == 0
    assert score.probability < 0.01
    # With anything personal in common (a twin's birthday) the same home counts again.
    twin = named("David", "Evans", date_of_birth="1988-05-05", **ALDERSHOT)
    assert compare(john, twin).explanation["address"]["level"] == "exact"


def test_a_long_street_line_gives_an_index_key_that_fits_and_still_matches():
    from legion.identity.model import MAX_KEY_LENGTH, index_keys

    line = "Apartment 1402, Residential Complex Zolotye Vorota, 117 Prospekt Peremohy " * 2
    a = named("Ivan", "Petrenko", address=line, postcode="03115")
    b = named("Ivan", "Petrenko", address=line.upper(), postcode="03 115")
    keys_a = index_keys(a, passport_key=str, name_only=False)
    keys_b = index_keys(b, passport_key=str, name_only=False)
    assert all(len(key) <= MAX_KEY_LENGTH for key in keys_a)
    assert any(key.startswith("address_postcode:") for key in keys_a & keys_b)
