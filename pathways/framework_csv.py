"""A newer framework from the official site's download page: its roles CSV (one row per role
level and skill: role family, role, role description, role level, role level description, skill
name, skill description, skill level, skill level description, role type) and its skills CSV
(skill name, skill description, a description per proficiency, roles that require it).

The CSVs have no grades and no summaries of the proficiency levels, so those come from the
framework loaded now. A role's or skill's summary is the first sentence of its description.
"""

import csv
import io
import re
from datetime import UTC, datetime

from .framework import PROFICIENCIES, Framework, FrameworkError

SITE = "https://ddat-capability-framework.service.gov.uk"
ROLE_COLUMNS = ("role family", "role", "role description", "role level", "skill name", "skill level", "role type")
SKILL_COLUMNS = ("skill name", "skill description")
NOT_GIVEN = {"", "missing"}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")


def first_sentence(text: str) -> str:
    text = " ".join(text.split("\n\n")[0].split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


def _rows(raw: bytes, source: str, needed: tuple[str, ...]) -> list[tuple[int, dict]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrameworkError(source, "row 1", "is not a CSV file saved as UTF-8") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().casefold() for h in next(reader, [])]
    missing = [name for name in needed if name not in header]
    if missing:
        raise FrameworkError(source, "row 1", f"has no column {', '.join(repr(m) for m in missing)}")
    return [(number, dict(zip(header, (v.strip() for v in values), strict=False)))
            for number, values in enumerate(reader, start=2) if any(v.strip() for v in values)]  # fmt: skip


def from_official_csv(roles_csv: bytes, skills_csv: bytes, current: Framework, today: str | None = None) -> dict:
    """The framework's own JSON layout (for parse_framework) from the two CSVs."""
    skills: dict[str, dict] = {}
    for number, row in _rows(skills_csv, "skills CSV", SKILL_COLUMNS):
        name = row["skill name"]
        if not name:
            raise FrameworkError("skills CSV", f"row {number}", "has no skill name")
        description = "" if row["skill description"].casefold() in NOT_GIVEN else row["skill description"]
        skills[slug(name)] = {"slug": slug(name), "name": name, "summary": first_sentence(description) or name,
                              "url": f"{SITE}/skills#{slug(name)}", "variant_of": None}  # fmt: skip
    families: dict[str, dict] = {}
    roles: dict[str, dict] = {}
    levels_seen: dict[str, str] = {}  # level slug -> its role
    for number, row in _rows(roles_csv, "roles CSV", ROLE_COLUMNS):
        where = f"row {number}"
        for column in ("role family", "role", "skill name"):
            if not row[column]:
                raise FrameworkError("roles CSV", where, f"has no {column}")
        family = families.setdefault(slug(row["role family"]), {"slug": slug(row["role family"]),
                                                                "name": row["role family"], "roles": []})  # fmt: skip
        role_slug = slug(row["role"])
        senior = bool(row["role type"]) and "senior" in row["role type"].casefold()
        role = roles.get(role_slug)
        if role is None:
            role = roles[role_slug] = {
                "slug": role_slug, "name": row["role"], "family": family["slug"],
                "summary": first_sentence(row["role description"]) or row["role"], "url": f"{SITE}/role/{role_slug}",
                "role_type": "senior_civil_service" if senior else "standard", "levels": [], "scs_skills": [],
            }  # fmt: skip
            family["roles"].append(role_slug)
        skill_name = row["skill name"]
        skill_slug = slug(skill_name)
        skills.setdefault(skill_slug, {"slug": skill_slug, "name": skill_name, "summary": skill_name,
                                       "url": f"{SITE}/skills#{skill_slug}", "variant_of": None})  # fmt: skip
        if senior or not row["role level"]:
            if skill_slug not in role["scs_skills"]:
                role["scs_skills"].append(skill_slug)
            continue
        level_slug = slug(row["role level"])
        if levels_seen.setdefault(level_slug, role_slug) != role_slug:
            level_slug = f"{role_slug}-{level_slug}"  # the same level name in two roles
        level = next((lv for lv in role["levels"] if lv["slug"] == level_slug), None)
        if level is None:
            known = current.role_levels.get(level_slug)
            level = {"slug": level_slug, "name": row["role level"], "order": len(role["levels"]) + 1,
                     "typical_grade": known.typical_grade if known else None,
                     "typical_grade_source": known.typical_grade_source if known else None, "skills": []}  # fmt: skip
            role["levels"].append(level)
        proficiency = row["skill level"].casefold()
        if proficiency not in PROFICIENCIES:
            raise FrameworkError("roles CSV", where, f"skill level {row['skill level']!r} is not one of "
                                 f"{', '.join(p.capitalize() for p in PROFICIENCIES)}")  # fmt: skip
        if all(need["skill"] != skill_slug for need in level["skills"]):
            level["skills"].append({"skill": skill_slug, "level": proficiency})
    for item in skills.values():  # "Agile working (content design)" is a variant of "Agile working"
        base = re.match(r"^(.*?)\s*\(.+\)$", item["name"])
        if base and slug(base.group(1)) in skills:
            item["variant_of"] = slug(base.group(1))
    for role in roles.values():
        known = current.roles.get(role["slug"])
        role["typical_grades"] = list(known.typical_grades) if known else []
    return {
        "framework": {
            "name": current.name,
            "attribution": current.attribution,
            "licence_url": current.licence_url,
            "source": f"{SITE}/download",
            "generated_at": today or datetime.now(UTC).date().isoformat(),
        },  # fmt: skip
        "skill_levels": [{"name": p.name, "summary": p.summary} for p in current.proficiency_levels],
        "grade_codes": list(current.grade_codes),
        "role_families": list(families.values()),
        "roles": list(roles.values()),
        "skills": list(skills.values()),
    }
