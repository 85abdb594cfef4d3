"""The project's Policy / Operational Delivery → DDaT crosswalk (transferable_skills.json).

This is a reasoned design, not official data: it only ever produces suggestions that a
person confirms, and indicative grades that HR can override.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .framework import DATA_DIR, PROFICIENCY_RANK, Framework, FrameworkError, _Reader

TRANSFERABLE_FILE = DATA_DIR / "transferable_skills.json"


@dataclass(frozen=True)
class TransferableSkill:
    slug: str
    name: str
    question: str
    evidence_examples: tuple[str, ...]
    prefill_ceiling: str
    also_matches_variants: tuple[str, ...]
    context_note: str | None
    typical_background: str


@dataclass(frozen=True)
class CrosswalkRow:
    source: tuple[str, str, str]  # (framework, kind, id), e.g. ("success_profiles", "behaviour", "leadership")
    skill: str
    level_by_band: dict[str, str | None]
    strength: float
    rationale: str


@dataclass(frozen=True)
class SourceCapability:
    source: tuple[str, str, str]
    name: str


@dataclass(frozen=True)
class GradePattern:
    pattern: re.Pattern
    role_pattern: re.Pattern | None
    grades: tuple[str, ...]


@dataclass(frozen=True)
class EntryRoute:
    level: str
    background: str
    grades: tuple[str, ...]
    rationale: str


@dataclass(frozen=True, eq=False)
class TransferableData:
    skills: dict[str, TransferableSkill]
    crosswalk: tuple[CrosswalkRow, ...]
    sources: tuple[SourceCapability, ...]
    grade_bands: dict[str, tuple[str, ...]]  # band id -> grade codes
    grade_patterns: tuple[GradePattern, ...]
    grade_overrides: dict[str, tuple[str, ...]]
    entry_routes: tuple[EntryRoute, ...]

    def band_of(self, grade: str | None) -> str | None:
        return next((band for band, grades in self.grade_bands.items() if grade in grades), None)


def load_transferable(framework: Framework, path: str | Path = TRANSFERABLE_FILE) -> TransferableData:
    path = Path(path)
    r = _Reader(path.name)
    try:
        doc = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise FrameworkError(path.name, "$", f"cannot be read as JSON ({error})") from error

    def known_skill(slug: str, where: str) -> str:
        if slug not in framework.skills:
            r.fail(where, f"unknown skill '{slug}'")
        return slug

    skills = {}
    for i, item in enumerate(r.get(doc, "transferable_skills", "$", list)):
        p = f"$.transferable_skills[{i}]"
        slug = known_skill(r.text(item, "slug", p), f"{p}.slug")
        ceiling = r.text(item, "prefill_ceiling", p)
        if ceiling not in PROFICIENCY_RANK:
            r.fail(f"{p}.prefill_ceiling", f"'{ceiling}' is not a proficiency")
        variants = r.get(item, "also_matches_variants", p, list)
        skills[slug] = TransferableSkill(
            slug=slug,
            name=r.text(item, "name", p),
            question=r.text(item, "self_assessment_question", p),
            evidence_examples=tuple(r.get(item, "evidence_examples", p, list)),
            prefill_ceiling=ceiling,
            also_matches_variants=tuple(
                known_skill(v, f"{p}.also_matches_variants[{k}]") for k, v in enumerate(variants)
            ),
            context_note=r.text(item, "ddat_context_note", p, optional=True),
            typical_background=r.text(item, "typical_background", p),
        )

    def source_of(item, p) -> tuple[str, str, str]:
        return (r.text(item, "framework", p), r.text(item, "kind", p), r.text(item, "id", p))

    sources = tuple(
        SourceCapability(source_of(item, f"$.source_catalogue[{i}]"), r.text(item, "name", f"$.source_catalogue[{i}]"))
        for i, item in enumerate(r.get(doc, "source_catalogue", "$", list))
    )
    known_sources = {s.source for s in sources}
    rows = []
    for i, item in enumerate(r.get(doc, "crosswalk", "$", list)):
        p = f"$.crosswalk[{i}]"
        source = source_of(r.get(item, "from", p, dict), f"{p}.from")
        if source not in known_sources:
            r.fail(f"{p}.from", f"unknown source {source}")
        levels = r.get(item, "level_by_grade_band", p, dict)
        for band, level in levels.items():
            if level is not None and level not in PROFICIENCY_RANK:
                r.fail(f"{p}.level_by_grade_band.{band}", f"'{level}' is not a proficiency")
        strength = r.get(item, "strength", p, (int, float))
        if not 0 <= strength <= 1:
            r.fail(f"{p}.strength", "must be between 0 and 1")
        skill = known_skill(r.text(item, "to", p), f"{p}.to")
        rows.append(CrosswalkRow(source, skill, dict(levels), float(strength), r.text(item, "rationale", p)))

    bands = {
        r.text(b, "id", f"$.grade_bands[{i}]"): tuple(r.get(b, "grades", f"$.grade_bands[{i}]", list))
        for i, b in enumerate(r.get(doc, "grade_bands", "$", list))
    }
    rules = r.get(doc, "grade_band_for_role_level_name", "$", dict)
    patterns = []
    for i, item in enumerate(r.get(rules, "patterns", "$.grade_band_for_role_level_name", list)):
        p = f"$.grade_band_for_role_level_name.patterns[{i}]"
        role_pattern = r.text(item, "only_if_role_name_matches", p, optional=True)
        patterns.append(
            GradePattern(
                re.compile(r.text(item, "match_level_name", p), re.IGNORECASE),
                re.compile(role_pattern, re.IGNORECASE) if role_pattern else None,
                tuple(r.get(item, "grades", p, list)),
            )
        )
    overrides = {
        o["role_level"]: tuple(o["grades"])
        for o in r.get(rules, "role_overrides", "$.grade_band_for_role_level_name", list)
    }
    routes = []
    for i, item in enumerate(r.get(doc, "entry_routes", "$", list)):
        p = f"$.entry_routes[{i}]"
        level = r.text(item, "role_level", p)
        if level not in framework.role_levels:
            r.fail(f"{p}.role_level", f"unknown role level '{level}'")
        routes.append(
            EntryRoute(
                level,
                r.text(item, "typical_background", p),
                tuple(r.get(item, "indicative_grades", p, list)),
                r.text(item, "rationale", p),
            )
        )
    return TransferableData(skills, tuple(rows), sources, bands, tuple(patterns), overrides, tuple(routes))
