"""Batch duplicate detection over every submitted applicant (Splink, the same model
as intake), opening review items for pairs HQ security has not seen.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from legion.cases.models import Case
from legion.cases.states import CaseState
from legion.identity.batch import PersonRow, link_people
from legion.identity.model import parameters
from legion.identity.models import DuplicateCandidate
from legion.identity.people import (
    DUPLICATE_THRESHOLD,
    applicant_people,
    best_score,
    review_explanation,
)


def applicants_dedupe(
    *, engine: str = "duckdb", threshold: float = DUPLICATE_THRESHOLD, progress: bool = False
) -> list[DuplicateCandidate]:
    """Run the batch linkage over every submitted applicant and open review items for
    new pairs (the later case is the one under review). Pairs already reviewed, in
    either order and whatever the decision, are not raised again."""
    cases = {
        c.pk: c for c in Case.objects.exclude(state=CaseState.DRAFT).select_related("applicant")
    }
    rows = []
    for case in cases.values():
        for number, reading in enumerate(applicant_people(case.applicant)):
            rows.append(PersonRow(f"{case.pk}~{number}", reading))
    if len(rows) < 2:
        return []
    with tempfile.TemporaryDirectory(prefix="legion-dedupe-") as workdir:
        out = Path(workdir) / "links.csv"
        link_people(inputs=[rows], out=out, engine=engine, threshold=threshold, progress=progress)
        with out.open(newline="", encoding="utf-8") as handle:
            pairs = {
                tuple(sorted((int(r["id_a"].split("~")[0]), int(r["id_b"].split("~")[0]))))
                for r in csv.DictReader(handle)
            }
    known = {
        tuple(sorted(pair))
        for pair in DuplicateCandidate.objects.values_list("case_id", "other_case_id")
    }
    opened = []
    for first, second in sorted(pairs - known):
        if first == second:
            continue
        earlier, later = sorted(
            (cases[first], cases[second]), key=lambda c: (c.submitted_at or c.created_at, c.pk)
        )
        score = best_score(
            applicant_people(later.applicant),
            applicant_people(earlier.applicant),
            prior=parameters().prior_for(len(rows)),
        )
        opened.append(
            DuplicateCandidate(
                case=later,
                other_case=earlier,
                score=score.probability,
                explanation=review_explanation(score),
            )
        )
    DuplicateCandidate.objects.bulk_create(opened)
    return opened
