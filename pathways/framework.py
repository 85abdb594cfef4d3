"""The DDaT Capability Framework as validated, immutable data.

A framework export is checked as it is read: every problem is reported with the file,
the JSON path and what is wrong, so a bad export never half-loads.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
FRAMEWORK_FILE = DATA_DIR / "ddat_framework.json"

PROFICIENCIES = ("awareness", "working", "practitioner", "expert")
PROFICIENCY_RANK = {name: rank for rank, name in enumerate(PROFICIENCIES, start=1)}


def in_sentence(name: str) -> str:
    """A framework name as it reads inside a sentence: the first letter in lower case unless
    the first word is an abbreviation ("IT service manager" stays, "Data analyst" becomes
    "data analyst"). Lower-casing the whole name would give "senior it service manager"."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


class FrameworkError(ValueError):
    def __init__(self, source: str, path: str, problem: str):
        self.source, self.path, self.problem = source, path, problem
        super().__init__(f"{source}: {path}: {problem}")


@dataclass(frozen=True)
class Requirement:
    skill: str
    level: str

    @property
    def rank(self) -> int:
        return PROFICIENCY_RANK[self.level]


@dataclass(frozen=True)
class RoleLevel:
    slug: str
    name: str
    role: str
    order: int
    typical_grade: str | None
    typical_grade_source: str | None
    requirements: tuple[Requirement, ...]

    def required_levels(self) -> dict[str, str]:
        return {r.skill: r.level for r in self.requirements}


@dataclass(frozen=True)
class Role:
    slug: str
    name: str
    family: str
    summary: str
    role_type: str
    url: str
    levels: tuple[RoleLevel, ...]
    scs_skills: tuple[str, ...] = ()
    typical_grades: tuple[str, ...] = ()

    @property
    def is_senior_civil_service(self) -> bool:
        return self.role_type == "senior_civil_service"


@dataclass(frozen=True)
class Family:
    slug: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Skill:
    slug: str
    name: str
    summary: str
    variant_of: str | None
    url: str


@dataclass(frozen=True)
class ProficiencyLevel:
    rank: int
    name: str
    summary: str


@dataclass(frozen=True, eq=False)  # identity hash: frameworks are cached by object
class Framework:
    version: str
    name: str
    attribution: str
    licence_url: str
    source_url: str
    proficiency_levels: tuple[ProficiencyLevel, ...]
    grade_codes: tuple[str, ...]
    families: tuple[Family, ...]
    roles: dict[str, Role]
    skills: dict[str, Skill]

    @cached_property
    def role_levels(self) -> dict[str, RoleLevel]:
        return {level.slug: level for role in self.roles.values() for level in role.levels}

    @cached_property
    def requirement_count(self) -> int:
        return sum(len(level.requirements) for level in self.role_levels.values())

    def role_levels_needing(self, skill: str) -> list[tuple[RoleLevel, str]]:
        return [
            (level, req.level)
            for level in self.role_levels.values()
            for req in level.requirements
            if req.skill == skill
        ]


class _Reader:
    """Walks the JSON document, remembering where it is for error messages."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, path: str, problem: str) -> None:
        raise FrameworkError(self.source, path, problem)

    def get(self, obj: Any, key: str, path: str, kind: type | tuple[type, ...], optional=False):
        if not isinstance(obj, dict):
            self.fail(path, "expected an object")
        if key not in obj or (optional and obj[key] is None):
            if optional:
                return None
            self.fail(f"{path}.{key}", "is missing")
        value = obj[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(f"{path}.{key}", f"expected {_plain(expected)}, found {_plain(type(value).__name__)}")
        return value

    def text(self, obj: Any, key: str, path: str, optional=False) -> str | None:
        value = self.get(obj, key, path, str, optional)
        if value is not None and not value.strip():
            self.fail(f"{path}.{key}", "is empty")
        return value


def _plain(type_name: str) -> str:
    return {"str": "text", "list": "a list", "dict": "an object", "int": "a whole number"}.get(type_name, type_name)


def load_framework(path: str | Path = FRAMEWORK_FILE) -> Framework:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise FrameworkError(path.name, "$", f"cannot be read ({error.strerror})") from error
    return parse_framework(raw, source=path.name)


def parse_framework(raw: bytes, source: str = "ddat_framework.json") -> Framework:
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FrameworkError(source, "$", f"is not valid JSON ({error})") from error
    version = _version_of(document, raw)
    return _build(document, _Reader(source), version)


def _version_of(document: Any, raw: bytes) -> str:
    """The export's date and a hash of its bytes; or the version it names (a CASE package names
    the version it was exported from, so importing it gives that version back)."""
    named = document.get("framework", {}).get("version") if isinstance(document, dict) else None
    if isinstance(named, str) and named.strip():
        return named.strip()
    generated = document.get("framework", {}).get("generated_at") if isinstance(document, dict) else None
    return f"{generated or 'undated'}+{hashlib.sha256(raw).hexdigest()[:8]}"


def _build(doc: Any, r: _Reader, version: str) -> Framework:
    if not isinstance(doc, dict):
        r.fail("$", "expected an object at the top level")
    meta = r.get(doc, "framework", "$", dict)
    levels = tuple(_proficiency_levels(doc, r))
    grade_codes = tuple(r.get(doc, "grade_codes", "$", list))
    skills = _skills(doc, r)
    roles = _roles(doc, r, skills, set(grade_codes))
    families = _families(doc, r, roles)
    return Framework(
        version=version,
        name=r.text(meta, "name", "$.framework"),
        attribution=r.text(meta, "attribution", "$.framework"),
        licence_url=r.text(meta, "licence_url", "$.framework"),
        source_url=r.text(meta, "source", "$.framework"),
        proficiency_levels=levels,
        grade_codes=grade_codes,
        families=families,
        roles=roles,
        skills=skills,
    )


def _proficiency_levels(doc: dict, r: _Reader):
    items = r.get(doc, "skill_levels", "$", list)
    names = []
    for i, item in enumerate(items):
        path = f"$.skill_levels[{i}]"
        name = r.text(item, "name", path)
        if name not in PROFICIENCY_RANK:
            r.fail(f"{path}.name", f"'{name}' is not one of {', '.join(PROFICIENCIES)}")
        names.append(name)
        yield ProficiencyLevel(PROFICIENCY_RANK[name], name, r.text(item, "summary", path))
    if sorted(names, key=PROFICIENCY_RANK.get) != list(PROFICIENCIES):
        r.fail("$.skill_levels", f"must list each of {', '.join(PROFICIENCIES)} once")


def _skills(doc: dict, r: _Reader) -> dict[str, Skill]:
    skills: dict[str, Skill] = {}
    for i, item in enumerate(r.get(doc, "skills", "$", list)):
        path = f"$.skills[{i}]"
        slug = r.text(item, "slug", path)
        if slug in skills:
            r.fail(f"{path}.slug", f"'{slug}' is used by more than one skill")
        skills[slug] = Skill(
            slug=slug,
            name=r.text(item, "name", path),
            summary=r.text(item, "summary", path),
            variant_of=r.text(item, "variant_of", path, optional=True),
            url=r.text(item, "url", path),
        )
    return dict(sorted(skills.items(), key=lambda kv: kv[1].name.casefold()))


def _roles(doc: dict, r: _Reader, skills: dict[str, Skill], grades: set[str]) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    level_slugs: set[str] = set()
    for i, item in enumerate(r.get(doc, "roles", "$", list)):
        path = f"$.roles[{i}]"
        slug = r.text(item, "slug", path)
        if slug in roles:
            r.fail(f"{path}.slug", f"'{slug}' is used by more than one role")
        role_type = r.text(item, "role_type", path)
        if role_type not in ("standard", "senior_civil_service"):
            r.fail(f"{path}.role_type", f"'{role_type}' is not 'standard' or 'senior_civil_service'")
        levels = []
        for j, level in enumerate(r.get(item, "levels", path, list)):
            levels.append(_role_level(level, f"{path}.levels[{j}]", slug, r, skills, level_slugs))
        orders = sorted(level.order for level in levels)
        if orders != list(range(1, len(levels) + 1)):
            r.fail(f"{path}.levels", f"level order must run 1 to {len(levels)}, found {orders}")
        scs_skills = tuple(r.get(item, "scs_skills", path, list, optional=True) or ())
        for k, skill in enumerate(scs_skills):
            if skill not in skills:
                r.fail(f"{path}.scs_skills[{k}]", f"unknown skill '{skill}'")
        typical_grades = tuple(r.get(item, "typical_grades", path, list, optional=True) or ())
        for k, grade in enumerate(typical_grades):
            if grade not in grades:
                r.fail(f"{path}.typical_grades[{k}]", f"unknown grade '{grade}'")
        roles[slug] = Role(
            slug=slug,
            name=r.text(item, "name", path),
            family=r.text(item, "family", path),
            summary=r.text(item, "summary", path),
            role_type=role_type,
            url=r.text(item, "url", path),
            levels=tuple(sorted(levels, key=lambda level: level.order)),
            scs_skills=scs_skills,
            typical_grades=typical_grades,
        )
    return roles


def _role_level(item, path, role, r: _Reader, skills, seen: set[str]) -> RoleLevel:
    slug = r.text(item, "slug", path)
    if slug in seen:
        r.fail(f"{path}.slug", f"'{slug}' is used by more than one role level")
    seen.add(slug)
    requirements = []
    required: set[str] = set()
    for k, req in enumerate(r.get(item, "skills", path, list)):
        req_path = f"{path}.skills[{k}]"
        skill = r.text(req, "skill", req_path)
        level = r.text(req, "level", req_path)
        if skill not in skills:
            r.fail(f"{req_path}.skill", f"unknown skill '{skill}'")
        if level not in PROFICIENCY_RANK:
            r.fail(f"{req_path}.level", f"'{level}' is not one of {', '.join(PROFICIENCIES)}")
        if skill in required:
            r.fail(f"{req_path}.skill", f"'{skill}' is listed twice for this level")
        required.add(skill)
        requirements.append(Requirement(skill, level))
    return RoleLevel(
        slug=slug,
        name=r.text(item, "name", path),
        role=role,
        order=r.get(item, "order", path, int),
        typical_grade=r.text(item, "typical_grade", path, optional=True),
        typical_grade_source=r.text(item, "typical_grade_source", path, optional=True),
        requirements=tuple(sorted(requirements, key=lambda q: (-q.rank, skills[q.skill].name))),
    )


def _families(doc: dict, r: _Reader, roles: dict[str, Role]) -> tuple[Family, ...]:
    families = []
    for i, item in enumerate(r.get(doc, "role_families", "$", list)):
        path = f"$.role_families[{i}]"
        slug = r.text(item, "slug", path)
        members = r.get(item, "roles", path, list)
        for k, role in enumerate(members):
            if role not in roles:
                r.fail(f"{path}.roles[{k}]", f"unknown role '{role}'")
            if roles[role].family != slug:
                r.fail(f"{path}.roles[{k}]", f"role '{role}' belongs to family '{roles[role].family}'")
        families.append(Family(slug, r.text(item, "name", path), tuple(members)))
    known = {f.slug for f in families}
    for slug, role in roles.items():
        if role.family not in known:
            r.fail(f"$.roles[{list(roles).index(slug)}].family", f"unknown family '{role.family}'")
    return tuple(families)
