"""legion match-people: CSV in, id_a,id_b,score out; same model as intake; DuckDB and Spark."""

import csv
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devtools.synthetic import people, split_for_linking, write_csv
from devtools.training import record_person
from legion.identity.batch import (
    PersonRow,
    link_people,
    people_features,
    read_people_table,
)
from legion.identity.model import (
    BATCH_COLUMNS,
    PASSPORT_DELETIONS_SQL,
    compare,
    parameters,
    passport_deletions,
    person,
)

HEADER = "id,given_name,surname,date_of_birth,sex,nationality,passport_number,place_of_birth\n"


def read_links(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def small_set():
    return people(150, seed=11, duplicate_share=0.5)


def test_link_two_files_writes_pairs_highest_score_first(tmp_path):
    a, b, out = tmp_path / "warsaw.csv", tmp_path / "berlin.csv", tmp_path / "links.csv"
    a.write_text(
        HEADER
        + "w1,Volodymyr,Kovalenko,1990-03-14,M,UA,FA1234567,Київ\n"
        + "w2,James,Turner,1988-04-12,M,GB,512345678,Aldershot\n",
        encoding="utf-8",
    )
    b.write_text(
        HEADER
        + "b1,Владимир,Коваленко,1990-14-03,M,UA,,Kiev\n"
        + "b2,Priya,Sharma,1979-11-02,F,IN,Z9988776,Mumbai\n"
        + "b3,Jim,Turner,1988-04-12,M,GB,512345678,Aldershot\n",
        encoding="utf-8",
    )
    call_command("match-people", str(a), str(b), "--out", str(out), "--no-progress")
    links = read_links(out)
    assert [(r["id_a"], r["id_b"]) for r in links] == [("w2", "b3"), ("w1", "b1")]
    scores = [float(r["score"]) for r in links]
    assert scores == sorted(scores, reverse=True)
    assert out.read_text().splitlines()[0] == "id_a,id_b,score"


def test_deduplicate_one_file_with_missing_columns(tmp_path):
    path, out = tmp_path / "people.csv", tmp_path / "links.csv"
    path.write_text(
        "id,surname,given_name,date_of_birth\n"
        "1,Beridze,Giorgi,1990-03-14\n"
        "2,ბერიძე,გიორგი,1990-03-14\n"
        "3,Sharma,Priya,1979-11-02\n",
        encoding="utf-8",
    )
    call_command("match-people", str(path), "--out", str(out), "--no-progress")
    assert [(r["id_a"], r["id_b"]) for r in read_links(out)] == [("1", "2")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (HEADER + "1,James,Turner,1988-04-12,M,GB\n", "line 2: 6 fields, but the header has 8"),
        ("id,given_name,surename\n1,James,Turner\n", "line 1: unknown column 'surename'"),
        (HEADER + "1,James,Turner,12 April,M,GB,1,X\n", "line 2: date_of_birth is not a date"),
        (HEADER + "1,A,B,,,,,\n1,C,D,,,,,\n", "line 3: the id '1' appears twice"),
        ("given_name,surname\nJames,Turner\n", "line 1: the header has no 'id' column"),
    ],
)
def test_malformed_file_names_the_line_and_the_reason(tmp_path, content, message):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("match-people", str(path), "--out", str(tmp_path / "o.csv"), "--no-progress")
    assert message in str(refused.value)
    assert refused.value.returncode == 2
    assert not (tmp_path / "o.csv").exists()


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(HEADER.encode() + "1,Jürgen,Müller,,,,,\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("match-people", str(path), "--out", str(tmp_path / "o.csv"), "--no-progress")


def test_progress_bar_is_shown_on_stderr(tmp_path, capsys):
    path, out = tmp_path / "people.csv", tmp_path / "links.csv"
    path.write_text(HEADER + "1,James,Turner,1988-04-12,M,GB,1,X\n2,Jim,Turner,,,,,\n")
    call_command("match-people", str(path), "--out", str(out))
    assert "Reading people.csv" in capsys.readouterr().err


def test_verbose_run_reports_each_phase_time_and_memory(tmp_path, capsys):
    path, out = tmp_path / "people.csv", tmp_path / "links.csv"
    path.write_text(HEADER + "1,James,Turner,1988-04-12,M,GB,1,X\n2,Jim,Turner,,,,,\n")
    call_command("match-people", str(path), "--out", str(out), "--no-progress", verbosity=2)
    phases = [line for line in capsys.readouterr().err.splitlines() if line.startswith("phase")]
    assert [line.split(":")[0] for line in phases] == [
        "phase Reading people.csv",
        "phase Normalising people.csv",
        "phase Loading into duckdb",
        "phase Scoring candidate pairs",
        "phase Writing links",
    ]
    assert all(" s, CPU " in line and line.endswith(" MB") for line in phases)


def test_batch_scores_equal_intake_scores_pair_by_pair(tmp_path, small_set):
    """Splink (DuckDB) applies exactly the model intake uses: same levels, same weights."""
    rows = [PersonRow(r.id, record_person(r)) for r in small_set.records]
    by_id = {row.id: row.person for row in rows}
    out = tmp_path / "links.csv"
    link_people(inputs=[rows], out=out, threshold=0.001)
    links = read_links(out)
    assert len(links) > 30
    prior = parameters().prior_for(len(rows))  # both paths use the population's prior
    for link in links:
        expected = compare(by_id[link["id_a"]], by_id[link["id_b"]], prior=prior).probability
        assert float(link["score"]) == pytest.approx(expected, abs=2e-6)


def test_batch_scores_a_swap_with_a_typo_as_intake_does(tmp_path):
    # The same passport makes them candidates; the names are what is compared.
    same = {"date_of_birth": "1980-08-10", "passport_number": "FA1234567"}
    rows = [
        PersonRow("a", person(given_name="Gabrielle", surname="Langer", **same)),
        PersonRow("b", person(given_name="Laznger", surname="Gabrielle", **same)),
    ]
    out = tmp_path / "links.csv"
    link_people(inputs=[rows], out=out, threshold=0.0)
    [link] = read_links(out)
    score = compare(rows[0].person, rows[1].person, prior=parameters().prior_for(2))
    assert score.explanation["surname"]["level"] == "swapped"
    assert float(link["score"]) == pytest.approx(score.probability, abs=2e-6)


def test_batch_finds_the_duplicates_of_a_small_labelled_set(tmp_path, small_set):
    a, b = split_for_linking(small_set)
    write_csv(a, tmp_path / "a.csv")
    write_csv(b, tmp_path / "b.csv")
    out = tmp_path / "links.csv"
    link_people(inputs=[tmp_path / "a.csv", tmp_path / "b.csv"], out=out)
    cluster = {r.id: r.cluster for r in small_set.records}
    found = [(r["id_a"], r["id_b"]) for r in read_links(out)]
    true_positives = sum(cluster[x] == cluster[y] for x, y in found)
    assert true_positives / len(found) > 0.95  # precision
    assert true_positives / len(b) > 0.85  # recall


def test_batch_scores_of_a_csv_file_equal_intake_scores_pair_by_pair(tmp_path, small_set):
    """The CSV path normalises column by column, each distinct value once: it must give
    the very scores intake gives, with the record of id_a on the left."""
    path, out = tmp_path / "people.csv", tmp_path / "links.csv"
    write_csv(small_set.records, path)
    link_people(inputs=[path], out=out, threshold=0.001)
    links = read_links(out)
    assert len(links) > 30
    by_id = {r.id: record_person(r) for r in small_set.records}
    prior = parameters().prior_for(len(small_set.records))
    for link in links:
        expected = compare(by_id[link["id_a"]], by_id[link["id_b"]], prior=prior).probability
        assert float(link["score"]) == pytest.approx(expected, abs=2e-6)


def test_csv_features_equal_intake_normalisation_value_by_value(tmp_path, small_set):
    columns = list(small_set.records[0].row())
    odd = [
        [
            "x1",
            " Владимир ",
            "Коваленко",
            "  ",
            "m",
            "ua",
            "fa 12-34 567",
            "Київ",
            "вул. Шевченка, 12",
        ],
        ["x2", "Straße", "Groß", "1990", "X", "de", "ßab 123456", "", "Hauptstraße 5"],
        ["x3", "", "", "1988-04", "", "", "", "", "Flat 3, 12 Main St."],
        ["x4", "Ann", "Lee", "", "", "", "", "", ""],
    ]
    homes = [[" Київ", "01 001"], ["Köln", "d-50667"], ["", ""], ["", "SW1A 1AA"]]
    odd = [[*row, *home] for row, home in zip(odd, homes, strict=True)]
    rows = odd + [list(r.row().values()) for r in small_set.records]
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([columns, *rows])
    table = people_features(read_people_table(path)).to_pylist()
    assert len(table) == len(rows)
    for row, values in zip(table, rows, strict=True):
        fields = {c: v.strip() for c, v in zip(columns[1:], values[1:], strict=True)}
        expected = person(**fields).column_values()
        assert row["unique_id"] == values[0]
        got = tuple(tuple(row[c]) if isinstance(row[c], list) else row[c] for c in BATCH_COLUMNS)
        assert got == expected


def test_passport_deletion_keys_in_sql_equal_the_python_ones():
    import duckdb

    numbers = ["", "AB123", "AB1234", "FA1234567", "AA11BB22", "512345678", "X" * 9]
    con = duckdb.connect()
    sql = PASSPORT_DELETIONS_SQL["duckdb"]
    for number in [*numbers, None]:
        (keys,) = con.execute(
            f"SELECT {sql} FROM (SELECT ?::VARCHAR AS passport)", [number]
        ).fetchone()
        assert set(keys) == set(passport_deletions(number or ""))


@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java 17")
def test_spark_engine_gives_the_same_links_as_duckdb(tmp_path, small_set):
    a, b = split_for_linking(small_set)
    write_csv(a, tmp_path / "a.csv")
    write_csv(b, tmp_path / "b.csv")
    inputs = [tmp_path / "a.csv", tmp_path / "b.csv"]
    link_people(inputs=inputs, out=tmp_path / "duckdb.csv", engine="duckdb")
    link_people(inputs=inputs, out=tmp_path / "spark.csv", engine="spark")
    duck, spark = read_links(tmp_path / "duckdb.csv"), read_links(tmp_path / "spark.csv")
    assert len(duck) > 30
    assert {(r["id_a"], r["id_b"]) for r in spark} == {(r["id_a"], r["id_b"]) for r in duck}
    duck_scores = {(r["id_a"], r["id_b"]): float(r["score"]) for r in duck}
    for r in spark:
        assert float(r["score"]) == pytest.approx(duck_scores[(r["id_a"], r["id_b"])], abs=2e-6)


def test_batch_leaves_out_a_shared_home_between_people_who_agree_in_nothing_personal(tmp_path):
    """The 'not counted' rule in SQL: brothers at one home are candidates (they share
    the street line and postcode) and score as intake scores them, home left out; a
    twin (same date of birth) gets the home counted, in both paths alike."""
    home = {"address": "14 Larkspur Close", "town": "Aldershot", "postcode": "GU11 1AA"}
    rows = [
        PersonRow(
            "john", person(given_name="John", surname="Evans", date_of_birth="1988-05-05", **home)
        ),
        PersonRow(
            "david", person(given_name="David", surname="Evans", date_of_birth="1992-11-20", **home)
        ),
        PersonRow(
            "twin", person(given_name="Dafydd", surname="Evans", date_of_birth="1988-05-05", **home)
        ),
    ]
    out = tmp_path / "links.csv"
    link_people(inputs=[rows], out=out, threshold=0.0)
    scores = {
        frozenset((link["id_a"], link["id_b"])): float(link["score"]) for link in read_links(out)
    }
    assert len(scores) == 3
    by_id = {row.id: row.person for row in rows}
    prior = parameters().prior_for(len(rows))
    levels = {}
    for pair, score in scores.items():
        expected = compare(*(by_id[i] for i in sorted(pair)), prior=prior)
        assert score == pytest.approx(expected.probability, abs=2e-6)
        levels[pair] = expected.explanation["address"]["level"]
    assert levels[frozenset(("john", "david"))] == "not_counted"
    assert levels[frozenset(("john", "twin"))] == "exact"
