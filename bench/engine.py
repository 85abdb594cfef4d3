"""Engine benchmark: `python -m bench.engine` prints one JSON object and writes
bench/results/engine.json. Speed goals live here, never in timed unit tests."""

from __future__ import annotations

import json
import platform
import random
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from pathways.framework import load_framework
from pathways.graph import PathwayGraph, plan_pathway
from pathways.people_matrix import rank_candidates
from pathways.personas import PERSONAS
from pathways.profile import EVIDENCE_KINDS, Profile, Rating, encode, evidence_weight_of, level_of
from pathways.recommend import recommend_roles
from pathways.scoring import match, score_all_levels, scoring_model

PEOPLE = 200_000
TARGET = "senior-data-analyst"
RUNS = 7
RESULTS = Path(__file__).resolve().parent / "results" / "engine.json"


def _median_ms(action, runs: int = RUNS) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def _synthetic_people(model, count: int, rng: np.random.Generator) -> np.ndarray:
    """Each person holds 3-20 random skills at random levels and evidence."""
    codes = np.zeros((count, len(model.skills)), dtype=np.int8)
    held = rng.integers(3, 21, size=count)
    for i, n in enumerate(held):
        columns = rng.choice(len(model.skills), size=n, replace=False)
        codes[i, columns] = [
            encode(int(level), EVIDENCE_KINDS[int(ev)])
            for level, ev in zip(rng.integers(1, 5, size=n), rng.integers(0, 4, size=n), strict=True)
        ]
    return codes


def _as_profile(model, row: np.ndarray) -> Profile:
    kinds = {evidence_weight_of(encode(1, kind)): kind for kind in EVIDENCE_KINDS}
    codes = {int(c): int(row[c]) for c in np.flatnonzero(row)}
    ratings = (Rating(model.skills[c], level_of(code), kinds[evidence_weight_of(code)]) for c, code in codes.items())
    return Profile(tuple(ratings))


def run() -> dict:
    framework = load_framework()
    model = scoring_model(framework)
    codes = _synthetic_people(model, PEOPLE, np.random.default_rng(2026))

    rank_ms = _median_ms(lambda: rank_candidates(framework, codes, TARGET, top=50))
    people = [_as_profile(model, row) for row in codes]
    # The straightforward loop takes seconds, so it runs once over all 200,000.
    naive_ms = _median_ms(lambda: [match(framework, p, TARGET) for p in people], runs=1)
    fits = np.array([match(framework, p, TARGET).fit for p in people[:1000]])
    assert np.array_equal(fits, scoring_model(framework).score_level(codes[:1000], TARGET)[0])

    one = people[random.Random(1).randrange(PEOPLE)]
    one_profile_ms = _median_ms(lambda: score_all_levels(framework, one), runs=51)
    graph_ms = _median_ms(lambda: PathwayGraph(framework), runs=5)
    # recommend_roles for each persona (after one warm-up call that fills the per-grade caches).
    for persona in PERSONAS:
        recommend_roles(framework, persona.profile)
    recommend_ms = statistics.median(
        _median_ms(lambda p=persona: recommend_roles(framework, p.profile), runs=21) for persona in PERSONAS
    )
    analyst = next(p for p in PERSONAS if p.name == "Grade 7 policy analyst").profile
    pathway_ms = {
        target: round(_median_ms(lambda t=target: plan_pathway(framework, analyst, t), runs=5), 1)
        for target in ("senior-data-analyst", "head-of-data-science", "role:chief-data-officer")
    }
    return {
        "machine": f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}",
        "people": PEOPLE,
        "target_role_level": TARGET,
        "rank_200k_ms": round(rank_ms, 1),
        "naive_200k_ms": round(naive_ms, 1),
        "speedup": round(naive_ms / rank_ms, 1),
        "one_profile_all_levels_ms": round(one_profile_ms, 3),
        "graph_build_ms": round(graph_ms, 1),
        "recommend_roles_one_profile_ms": round(recommend_ms, 3),
        "recommend_roles_over_scoring_all_levels": round(recommend_ms / one_profile_ms, 2),
        "pathway_grade_7_policy_analyst_ms": pathway_ms,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "targets": {
            "rank_200k_ms": 100,
            "one_profile_all_levels_ms": 5,
            "graph_build_ms": 1000,
            "recommend_roles_one_profile_ms": 2,
        },
    }


def main() -> None:
    result = run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
