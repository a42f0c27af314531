"""Estimating the model's m and u probabilities and calibrating its prior.

    .venv/bin/python -m devtools.training [--people 20000] [--seed 1]

m (how often a true pair reaches each level) is counted over the labelled pairs of a
synthetic training set; u (how often two different people do) over random pairs of
it. The prior is then fitted on candidate pairs (pairs sharing a blocking key, the
only pairs ever scored) so that the mean predicted probability equals the observed
share of true pairs: an intercept-only logistic calibration, in log2 odds. The test
sets used in bench/ are drawn with other seeds.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter, defaultdict
from collections.abc import Sequence

from devtools.synthetic import LabelledSet, Record, people
from legion.identity.model import (
    COMPARISONS,
    MODEL_PATH,
    Parameters,
    Person,
    index_keys,
    level_keys,
    person,
)

PSEUDO_COUNT = 0.5


def record_person(record: Record) -> Person:
    return person(
        given_name=record.given_name,
        surname=record.surname,
        date_of_birth=record.date_of_birth,
        sex=record.sex,
        nationality=record.nationality,
        passport_number=record.passport_number,
        place_of_birth=record.place_of_birth,
        address=record.address,
        town=record.town,
        postcode=record.postcode,
    )


def _probabilities(counts: dict[str, Counter]) -> dict[str, dict[str, float]]:
    result = {}
    for comparison in COMPARISONS:
        counter = counts[comparison.name]
        keys = [level.key for level in comparison.levels]
        total = sum(counter[k] for k in keys) + PSEUDO_COUNT * len(keys)
        result[comparison.name] = {k: (counter[k] + PSEUDO_COUNT) / total for k in keys}
    return result


def _count(pairs, persons: Sequence[Person]) -> dict[str, Counter]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for i, j in pairs:
        for name, level in level_keys(persons[i], persons[j]).items():
            if level is not None:
                counts[name][level] += 1
    return counts


def candidate_pairs(persons: Sequence[Person], *, max_block: int = 200) -> set[tuple[int, int]]:
    """Pairs sharing a blocking key, as intake and batch generate them."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(persons):
        for key in index_keys(p, passport_key=lambda v: v, name_only=False):
            blocks[key].append(i)
    pairs = set()
    for members in blocks.values():
        members = members[:max_block]
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def calibrate(weights: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """Platt scaling in log2 odds: (intercept, slope) maximising the likelihood of the
    labels given intercept + slope * weight, by Newton's method."""
    ln2 = math.log(2)
    a, b = 0.0, 0.1
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for w, y in zip(weights, labels, strict=True):
            z = (a + b * w) * ln2
            p = 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0
            r = (float(y) - p) * ln2
            ga += r
            gb += r * w
            v = p * (1 - p) * ln2 * ln2
            haa += v
            hab += v * w
            hbb += v * w * w
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a + da, b + db
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return a, b


def estimate(data: LabelledSet, *, random_pairs: int = 400_000, seed: int = 0) -> Parameters:
    records = data.records
    persons = [record_person(r) for r in records]
    index = {r.id: i for i, r in enumerate(records)}
    true_pairs = {(index[a], index[b]) for a, b in data.true_pairs()}
    true_pairs = {(min(i, j), max(i, j)) for i, j in true_pairs}
    m = _probabilities(_count(true_pairs, persons))

    rng = random.Random(seed)  # noqa: S311 (sampling, not secrets)
    sample = []
    n = len(records)
    while len(sample) < random_pairs:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j and records[i].cluster != records[j].cluster:
            sample.append((i, j))
    u = _probabilities(_count(sample, persons))

    unit = Parameters(prior=0.5, m=m, u=u)
    candidates = sorted(candidate_pairs(persons))
    weights, labels = [], []
    for i, j in candidates:
        weight = sum(
            unit.weight(name, level)
            for name, level in level_keys(persons[i], persons[j]).items()
            if level is not None
        )
        weights.append(weight)
        labels.append(records[i].cluster == records[j].cluster)
    intercept, slope = calibrate(weights, labels)
    # Fold the slope into the weights (m' = u * (m/u)^slope) so that the model stays a
    # plain Fellegi-Sunter model that Splink applies unchanged.
    scaled_m = {
        name: {key: u[name][key] * (m[name][key] / u[name][key]) ** slope for key in m[name]}
        for name in m
    }
    return Parameters(prior=1.0 / (1.0 + 2.0**-intercept), m=scaled_m, u=u, population=len(records))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = people(args.people, seed=args.seed)
    params = estimate(data, seed=args.seed)
    MODEL_PATH.write_text(json.dumps(params.to_json(), indent=1, sort_keys=True) + "\n")
    print(f"{len(data.records)} records; prior {params.prior:.3g}; written to {MODEL_PATH}")
    for comparison in COMPARISONS:
        row = ", ".join(
            f"{level.key} {params.weight(comparison.name, level.key):+.1f}"
            for level in comparison.levels
        )
        print(f"  {comparison.name}: {row}")


if __name__ == "__main__":
    main()
