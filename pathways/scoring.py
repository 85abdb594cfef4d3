"""Fit between a person's skills and a role level: one published formula, two implementations.

`match()` explains one person against one role level in plain Python; `score_all_levels()`
and, for many people, `people_matrix.rank_candidates()` compute the same numbers with numpy. Everything is integer
arithmetic until one final division, so both give identical scores (docs/matching.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from .framework import PROFICIENCIES, Framework, FrameworkError
from .profile import EVIDENCE_BITS, Profile, evidence_weight_of, level_of
from .specialist import specialist_requirements
from .transferable import load_transferable

# Credit for one skill is held/required, capped at 1, counted in twelfths so it is an
# integer for every required level 1-4.
TWELFTHS = 12
MAX_EVIDENCE = 10
CODE_LIMIT = (len(PROFICIENCIES) + 1) * EVIDENCE_BITS  # every rating code is below this (see profile.encode)


READY_NOW = "ready now"
READY_WITH_DEVELOPMENT = "ready with development"
STRETCH = "stretch"
READINESS_BANDS = (READY_NOW, READY_WITH_DEVELOPMENT, STRETCH)  # best first


@dataclass(frozen=True)
class Thresholds:
    ready_now: float = 85.0
    ready_with_development: float = 55.0

    def band(self, fit: float, specialist_fit: float | None = None) -> str:
        """The readiness band of a fit. "Ready now" also needs the role's specialist skills
        (pathways/specialist.py): meeting a level's generic requirements is not enough."""
        if fit >= self.ready_now and (specialist_fit is None or specialist_fit >= self.ready_now):
            return READY_NOW
        if fit >= self.ready_with_development:
            return READY_WITH_DEVELOPMENT
        return STRETCH

    def in_band(self, fits: np.ndarray, band: str, specialist_fits: np.ndarray | None = None) -> np.ndarray:
        """Which of many fits are in a band: the same rule as `band`, vectorised."""
        ready = fits >= self.ready_now
        if specialist_fits is not None:
            ready &= specialist_fits >= self.ready_now
        developing = (fits >= self.ready_with_development) & ~ready
        return {READY_NOW: ready, READY_WITH_DEVELOPMENT: developing, STRETCH: ~(ready | developing)}[band]


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class SkillGap:
    skill: str
    required: int
    held: int  # 0 when not held at all
    evidence: str | None

    @property
    def gap(self) -> int:
        return max(0, self.required - self.held)


@dataclass(frozen=True)
class LevelScore:
    level: str
    fit: float  # 0..100
    confidence: float  # 0..1, how far the held skills rest on good evidence
    # Fit to the level's specialist requirements alone; None when its role has none.
    specialist_fit: float | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class LevelMatch(LevelScore):
    readiness: str
    met: tuple[SkillGap, ...]
    partial: tuple[SkillGap, ...]  # held, but below the required level
    missing: tuple[SkillGap, ...]
    # The specialist skills (pathways/specialist.py) held below what the level asks of them.
    specialist_gaps: tuple[SkillGap, ...] = field(default=(), kw_only=True)

    @property
    def biggest_gaps(self) -> tuple[SkillGap, ...]:
        return tuple(sorted(self.missing + self.partial, key=lambda g: (-g.gap, g.skill)))


def shown_fit(fit: float) -> int:
    """The whole percentage a page shows for a fit: rounded down, so a shown fit never
    reaches a readiness threshold or a viable bar that the fit itself does not (54.8 shows
    as 54, not as a "55%" beside "stretch")."""
    return math.floor(fit)  # the same float the thresholds compare, so the two always agree


def confidence_band(confidence: float) -> str:
    if confidence >= 0.75:
        return "high"
    return "medium" if confidence >= 0.5 else "low"


class ScoringModel:
    """The framework as matrices: role levels × skills of required levels, and skill weights."""

    def __init__(self, framework: Framework):
        self.framework = framework
        self.skills: tuple[str, ...] = tuple(framework.skills)
        self.column = {skill: i for i, skill in enumerate(self.skills)}
        self.levels: tuple[str, ...] = tuple(framework.role_levels)
        self.row = {level: i for i, level in enumerate(self.levels)}
        self.required = np.zeros((len(self.levels), len(self.skills)), dtype=np.int8)
        for level in framework.role_levels.values():
            for req in level.requirements:
                self.required[self.row[level.slug], self.column[req.skill]] = req.rank
        self.weights = self._distinctiveness_weights()
        # The specialist requirements of each level, as a second levels × skills matrix.
        self.specialist = np.zeros_like(self.required)
        for level, needs in specialist_requirements(framework, _transferable_skills(framework)).items():
            for skill, rank in needs.items():
                self.specialist[self.row[level], self.column[skill]] = rank
        self.has_specialist = self.specialist.any(axis=1)
        self._specialist_columns = [np.flatnonzero(self.specialist[i]) for i in range(len(self.levels))]
        # Which other skills' ratings count for a skill: a role-specific variant and the
        # framework skill it is a variant of count for each other (siblings do not).
        self.counts_for: dict[str, tuple[str, ...]] = {s: () for s in self.skills}
        for skill in framework.skills.values():
            base = skill.variant_of
            if base in framework.skills:
                self.counts_for[skill.slug] += (base,)
                self.counts_for[base] += (skill.slug,)
        self._level_columns = [np.flatnonzero(self.required[i]) for i in range(len(self.levels))]

    def _distinctiveness_weights(self) -> np.ndarray:
        """Integer IDF points: 100 × log(1 + levels / levels needing the skill), rounded.

        A role-specific variant ("Technical understanding (performance analyst)") is as
        common as its family: levels needing the base skill or any variant of it count.
        """
        family = [self.framework.skills[s].variant_of or s for s in self.skills]
        needs_family: dict[str, set[int]] = {}
        for column, key in enumerate(family):
            needs_family.setdefault(key, set()).update(np.flatnonzero(self.required[:, column]).tolist())
        total = len(self.levels)
        return np.array(
            [round(100 * math.log(1 + total / max(len(needs_family[key]), 1))) for key in family], dtype=np.int64
        )

    # --- one person, explained -------------------------------------------------------
    def best_code(self, profile: Profile, skill: str) -> tuple[int, str | None]:
        best, evidence = 0, None
        for candidate in (skill, *self.counts_for[skill]):
            rating = profile.rating(candidate)
            if rating is not None and rating.code > best:
                best, evidence = rating.code, rating.evidence
        return best, evidence

    def match(self, profile: Profile, level_slug: str, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> LevelMatch:
        met, partial, missing = [], [], []
        numerator = denominator = evidence_num = evidence_den = 0
        for req in self.framework.role_levels[level_slug].requirements:
            code, evidence = self.best_code(profile, req.skill)
            held = level_of(code)
            weight = int(self.weights[self.column[req.skill]])
            credit = TWELFTHS * min(held, req.rank) // req.rank
            numerator += weight * credit
            denominator += weight * TWELFTHS
            evidence_num += weight * credit * evidence_weight_of(code)
            evidence_den += weight * credit * MAX_EVIDENCE
            gap = SkillGap(req.skill, req.rank, held, evidence)
            (met if held >= req.rank else partial if held else missing).append(gap)
        fit = 100 * numerator / denominator
        confidence = evidence_num / evidence_den if evidence_den else 0.0
        specialist_fit, specialist_gaps = self._specialist_match(profile, level_slug)
        return LevelMatch(
            level_slug,
            fit,
            confidence,
            thresholds.band(fit, specialist_fit),
            tuple(met),
            tuple(partial),
            tuple(missing),
            specialist_fit=specialist_fit,
            specialist_gaps=specialist_gaps,
        )

    def _specialist_match(self, profile: Profile, level_slug: str) -> tuple[float | None, tuple[SkillGap, ...]]:
        """Fit to a level's specialist requirements, by the same formula, and their gaps."""
        columns = self._specialist_columns[self.row[level_slug]]
        if not len(columns):
            return None, ()
        row = self.row[level_slug]
        numerator = denominator = 0
        gaps = []
        for column in columns:
            skill, required = self.skills[column], int(self.specialist[row, column])
            code, evidence = self.best_code(profile, skill)
            held = level_of(code)
            weight = int(self.weights[column])
            numerator += weight * (TWELFTHS * min(held, required) // required)
            denominator += weight * TWELFTHS
            if held < required:
                gaps.append(SkillGap(skill, required, held, evidence))
        gaps.sort(key=lambda g: (-g.gap, -int(self.weights[self.column[g.skill]]), g.skill))
        return 100 * numerator / denominator, tuple(gaps)

    # --- many people or many levels, vectorised ---------------------------------------
    def codes_row(self, profile: Profile) -> np.ndarray:
        row = np.zeros(len(self.skills), dtype=np.int8)
        for skill in profile.skills:
            if skill in self.column:
                row[self.column[skill]] = profile.rating(skill).code
        return row

    def column_best(self, codes: np.ndarray, column: int) -> np.ndarray:
        """Best code per person for one skill, counting related skills' ratings."""
        related = self.counts_for[self.skills[column]]
        if not related:
            return codes[:, column]
        best = codes[:, column].copy()
        for other in related:
            np.maximum(best, codes[:, self.column[other]], out=best)
        return best

    @lru_cache(maxsize=512)  # noqa: B019 - one model per framework, kept for the process
    def _level_tables(
        self, level_slug: str, specialist: bool = False
    ) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray], int]:
        """Per required skill (or specialist requirement), lookup tables from a rating code to
        weighted credit (and × evidence)."""
        row = self.row[level_slug]
        needs = self.specialist if specialist else self.required
        columns = np.flatnonzero(needs[row]) if specialist else self._level_columns[row]
        codes = np.arange(CODE_LIMIT, dtype=np.int64)
        credit_tables, evidence_tables = [], []
        for column in columns:
            required, weight = int(needs[row, column]), int(self.weights[column])
            credit = weight * (TWELFTHS * np.minimum(level_of(codes), required) // required)
            credit_tables.append(credit)
            evidence_tables.append(credit * evidence_weight_of(codes))
        denominator = int(self.weights[columns].sum()) * TWELFTHS
        return columns, credit_tables, evidence_tables, denominator

    def with_related(self, codes: np.ndarray) -> np.ndarray:
        """Each skill's code, or a related skill's if higher (as `best_code` chooses), for one
        row of codes or many."""
        best = codes.astype(np.int64)
        for column, skill in enumerate(self.skills):
            for other in self.counts_for[skill]:
                np.maximum(best[..., column], codes[..., self.column[other]], out=best[..., column])
        return best

    @cached_property
    def _requirements(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every (level, skill) requirement as flat arrays, grouped by level in level order."""
        rows, columns = np.nonzero(self.required)  # row-major: grouped by level already
        ranks = self.required[rows, columns].astype(np.int64)
        starts = np.searchsorted(rows, np.arange(len(self.levels)))
        denominators = np.add.reduceat(self.weights[columns], starts) * TWELFTHS
        # Weighted credit of each requirement for each level a person can hold (0-4), looked up
        # rather than divided: flat, so one gather finds every person's credit for every one.
        held = np.arange(5)
        credit = self.weights[columns, None] * (TWELFTHS * np.minimum(held, ranks[:, None]) // ranks[:, None])
        offsets = np.arange(len(columns)) * len(held)
        return columns, credit.ravel(), offsets, starts, denominators

    def fits_all_levels(self, codes: np.ndarray) -> np.ndarray:
        """Fit (0-100) of every row of `codes` against every role level at once (rows × levels),
        the same integer formula as `score_level`, over the 1,781 requirements rather than
        the full levels × skills grid."""
        return self._fits_of_levels(level_of(self.with_related(codes)))

    def _fits_of_levels(self, levels: np.ndarray) -> np.ndarray:
        """`fits_all_levels` from held levels (related skills already counted)."""
        columns, credit, offsets, starts, denominators = self._requirements
        return 100 * np.add.reduceat(credit[offsets + levels[:, columns]], starts, axis=1) / denominators

    @cached_property
    def _specialist_flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every specialist requirement as flat arrays (level row, skill column, rank, weight),
        and each level's denominator (0 for a level with none)."""
        rows, columns = np.nonzero(self.specialist)
        ranks = self.specialist[rows, columns].astype(np.int64)
        weights = self.weights[columns]
        denominators = np.bincount(rows, weights=weights * TWELFTHS, minlength=len(self.levels)).astype(np.int64)
        return rows, columns, ranks, weights, denominators

    def one_person_fits(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One row of codes: fit to every level, fit to every level's specialist requirements
        (NaN where a level has none), by the same integer formula as `match`, and the level
        held of every skill, counting related skills."""
        levels = level_of(self.with_related(codes))
        fits = self._fits_of_levels(levels[None, :])[0]
        rows, columns, ranks, weights, denominators = self._specialist_flat
        held = levels[columns]
        numerators = np.bincount(rows, weights=weights * (TWELFTHS * np.minimum(held, ranks) // ranks),
                                 minlength=len(self.levels)).astype(np.int64)  # fmt: skip
        specialist = np.full(len(self.levels), np.nan)
        has = denominators > 0
        specialist[has] = 100 * numerators[has] / denominators[has]
        return fits, specialist, levels

    @cached_property
    def _feeds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which requirements each skill's own rating can lift, as flat (skill column,
        requirement, level row) triples: its own requirements and those of skills it counts for."""
        rows, columns = np.nonzero(self.required)  # the order of `_requirements`
        triples = [
            (feeder, requirement, int(row))
            for requirement, (row, column) in enumerate(zip(rows, columns, strict=True))
            for feeder in (int(column), *(self.column[other] for other in self.counts_for[self.skills[column]]))
        ]
        feeder, requirement, level = (np.array(values, dtype=np.int64) for values in zip(*triples, strict=True))
        return feeder, requirement, level

    def fits_with_one_skill_raised(self, codes: np.ndarray, raised: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One person's fit for every level (levels,), and (len(raised) × levels) as it would be
        with each `raised` skill column's own rating one level higher.

        The same numbers as `fits_all_levels` on one row per raised skill, but only the
        requirements a raised skill feeds are worked out again: about 2,000 entries rather
        than every requirement for each of up to 188 skills.
        """
        best = self.with_related(codes)
        columns, credit, offsets, starts, denominators = self._requirements
        held = level_of(best)[columns]
        credit_now = credit[offsets + held]
        numerator = np.add.reduceat(credit_now, starts)
        slot = np.full(len(self.skills), -1, dtype=np.int64)
        slot[raised] = np.arange(len(raised))
        feeder, requirement, level = self._feeds
        used = slot[feeder] >= 0
        feeder, requirement, level = feeder[used], requirement[used], level[used]
        lifted = np.maximum(held[requirement], level_of(codes[feeder].astype(np.int64)) + 1)
        gain = credit[offsets[requirement] + lifted] - credit_now[requirement]
        cells = slot[feeder] * len(self.levels) + level
        gains = np.bincount(cells, weights=gain, minlength=len(raised) * len(self.levels))
        raised_numerators = numerator + gains.astype(np.int64).reshape(len(raised), len(self.levels))
        return 100 * numerator / denominators, 100 * raised_numerators / denominators

    def specialist_fits(self, codes: np.ndarray, level_slug: str) -> np.ndarray | None:
        """Fit of every row of `codes` to one level's specialist requirements (None if it has none)."""
        if not self.has_specialist[self.row[level_slug]]:
            return None
        return self.score_level(codes, level_slug, specialist=True)[0]

    def score_level(
        self, codes: np.ndarray, level_slug: str, specialist: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """Fit (0-100) and confidence (0-1) of every row of `codes` against one role level (or
        its specialist requirements only)."""
        columns, credit_tables, evidence_tables, denominator = self._level_tables(level_slug, specialist)
        numerator = np.zeros(len(codes), dtype=np.int64)
        evidence_num = np.zeros(len(codes), dtype=np.int64)
        for column, credit, evidence in zip(columns, credit_tables, evidence_tables, strict=True):
            best = self.column_best(codes, column)
            numerator += credit[best]
            evidence_num += evidence[best]
        fit = 100 * numerator / denominator
        evidence_den = numerator * MAX_EVIDENCE
        confidence = np.divide(evidence_num, evidence_den, out=np.zeros(len(codes)), where=evidence_den > 0)
        return fit, confidence


def _transferable_skills(framework: Framework) -> frozenset[str]:
    """The skills people can show from Policy or Operational Delivery work, with the variants
    they count for; none for a framework the crosswalk was not written for."""
    try:
        data = load_transferable(framework)
    except FrameworkError:
        return frozenset()
    return frozenset(data.skills) | {v for skill in data.skills.values() for v in skill.also_matches_variants}


@lru_cache(maxsize=4)
def scoring_model(framework: Framework) -> ScoringModel:
    return ScoringModel(framework)


def match(
    framework: Framework, profile: Profile, level: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> LevelMatch:
    return scoring_model(framework).match(profile, level, thresholds)


def score_all_levels(framework: Framework, profile: Profile) -> list[LevelScore]:
    """One profile against every role level, vectorised over levels."""
    model = scoring_model(framework)
    best = model.with_related(model.codes_row(profile))  # related skills count, as in match()
    held = level_of(best)
    required = model.required.astype(np.int64)
    safe_required = np.where(required > 0, required, 1)
    credit = np.where(required > 0, TWELFTHS * np.minimum(held, required) // safe_required, 0)
    weighted_credit = credit * model.weights
    numerator = weighted_credit.sum(axis=1)
    denominator = ((required > 0) * model.weights * TWELFTHS).sum(axis=1)
    fits = 100 * numerator / denominator
    evidence_num = (weighted_credit * evidence_weight_of(best)).sum(axis=1)
    evidence_den = numerator * MAX_EVIDENCE
    confidence = np.divide(evidence_num, evidence_den, out=np.zeros(len(fits)), where=evidence_den > 0)
    specialist = model.specialist.astype(np.int64)
    specialist_credit = np.where(
        specialist > 0, TWELFTHS * np.minimum(held, specialist) // np.maximum(specialist, 1), 0
    )
    specialist_denominator = ((specialist > 0) * model.weights * TWELFTHS).sum(axis=1)
    specialist_fits = np.divide(
        100 * (specialist_credit * model.weights).sum(axis=1),
        specialist_denominator,
        out=np.zeros(len(fits)),
        where=specialist_denominator > 0,
    )
    return [
        LevelScore(
            slug,
            float(fits[i]),
            float(confidence[i]),
            specialist_fit=float(specialist_fits[i]) if model.has_specialist[i] else None,
        )
        for i, slug in enumerate(model.levels)
    ]


def proficiency_name(level: int) -> str:
    return PROFICIENCIES[level - 1] if level else "not held"
