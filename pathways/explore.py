"""Questions people ask while browsing the framework: similar roles, comparisons, search."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .framework import PROFICIENCY_RANK, Framework, RoleLevel


@dataclass(frozen=True)
class SimilarLevel:
    level: str
    overlap: float  # 0..1, weighted share of skills the two levels have in common
    shared_skills: int


@dataclass(frozen=True)
class SkillChange:
    skill: str
    from_level: str | None
    to_level: str | None


@dataclass(frozen=True)
class Comparison:
    shared: tuple[SkillChange, ...]  # same proficiency at both levels
    higher: tuple[SkillChange, ...]  # needed at a higher proficiency
    lower: tuple[SkillChange, ...]  # needed at a lower proficiency
    new: tuple[SkillChange, ...]  # needed only at the "to" level
    dropped: tuple[SkillChange, ...]  # needed only at the "from" level


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "role", "level" or "skill"
    slug: str
    name: str
    context: str
    role_slug: str | None = None  # for role levels, whose URL includes their role


def _base_skills(framework: Framework, level: RoleLevel) -> set[str]:
    # "Stakeholder relationship management (IT operations)" is the same skill as its base in
    # another role's context, so role-specific variants count as their base skill here.
    return {framework.skills[r.skill].variant_of or r.skill for r in level.requirements}


@lru_cache(maxsize=4)
def _base_skill_weights(framework: Framework) -> dict[str, float]:
    total = len(framework.role_levels)
    counts: dict[str, int] = {}
    for level in framework.role_levels.values():
        for skill in _base_skills(framework, level):
            counts[skill] = counts.get(skill, 0) + 1
    return {skill: math.log(1 + total / n) for skill, n in counts.items()}


def similar_role_levels(framework: Framework, level_slug: str, top: int = 5) -> list[SimilarLevel]:
    """Role levels in other roles whose skills overlap most (weighted Jaccard)."""
    return list(_similar(framework, level_slug, top))


@lru_cache(maxsize=512)
def _similar(framework: Framework, level_slug: str, top: int) -> tuple[SimilarLevel, ...]:
    weights = _base_skill_weights(framework)
    source = framework.role_levels[level_slug]
    mine = _base_skills(framework, source)
    scored = []
    for other in framework.role_levels.values():
        if other.role == source.role:
            continue
        theirs = _base_skills(framework, other)
        shared = mine & theirs
        if not shared:
            continue
        union = sum(weights[s] for s in mine | theirs)
        overlap = sum(weights[s] for s in shared) / union
        scored.append(SimilarLevel(other.slug, round(overlap, 4), len(shared)))
    scored.sort(key=lambda s: (-s.overlap, framework.role_levels[s.level].name))
    return tuple(scored[:top])


def compare_levels(framework: Framework, from_slug: str, to_slug: str) -> Comparison:
    before = framework.role_levels[from_slug].required_levels()
    after = framework.role_levels[to_slug].required_levels()
    groups: dict[str, list[SkillChange]] = {k: [] for k in ("shared", "higher", "lower", "new", "dropped")}
    for skill in sorted(set(before) | set(after), key=lambda s: framework.skills[s].name.casefold()):
        was, now = before.get(skill), after.get(skill)
        change = SkillChange(skill, was, now)
        if was is None:
            groups["new"].append(change)
        elif now is None:
            groups["dropped"].append(change)
        elif PROFICIENCY_RANK[now] > PROFICIENCY_RANK[was]:
            groups["higher"].append(change)
        elif PROFICIENCY_RANK[now] < PROFICIENCY_RANK[was]:
            groups["lower"].append(change)
        else:
            groups["shared"].append(change)
    return Comparison(**{k: tuple(v) for k, v in groups.items()})


def neighbours_in_role(framework: Framework, level: RoleLevel) -> tuple[RoleLevel | None, RoleLevel | None]:
    levels = framework.roles[level.role].levels
    index = levels.index(level)
    previous = levels[index - 1] if index > 0 else None
    following = levels[index + 1] if index + 1 < len(levels) else None
    return previous, following


def normalise(text: str) -> str:
    """Case- and accent-insensitive form, so 'Resume' finds 'résumé'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")

# What people type for what the framework calls it: abbreviations and methods by another name.
# Each entry is searched as well as the word typed, never instead of it.
SYNONYMS = {
    "scrum": ("agile", "delivery manager"),
    "kanban": ("agile",),
    "lean": ("agile",),
    "ux": (
        "user experience",
        "user centred",
        "user research",
        "interaction designer",
        "service designer",
        "content designer",
    ),
    "ur": ("user research",),
    "ucd": ("user centred",),
    "ba": ("business analyst", "business analysis"),
    "devops": ("development operations",),
    "ml": ("machine learning",),
    "ai": ("artificial intelligence", "machine learning"),
    "bi": ("business intelligence", "data analyst"),
    "qa": ("quality assurance", "test"),
    "qat": ("quality assurance", "test"),
    "sre": ("site reliability",),
    "pm": ("product manager", "project manager", "delivery manager"),
    "cyber": ("security",),
    "infosec": ("security",),
    "stats": ("statistic", "statistical"),
}
SHORTEST_PREFIX = 3  # "ai" and "ux" must be whole words: as prefixes they would find "aims"


def words_of(text: str) -> list[str]:
    """The words of a text, case- and accent-insensitive; punctuation separates words."""
    return _WORD.findall(normalise(text))


def _matches(word: str, words: list[str], joined: str) -> bool:
    """A typed word finds a word it starts ("anal" finds "analyst", "ai" never "availability"),
    or one of its synonyms as a phrase."""
    if len(word) < SHORTEST_PREFIX:
        if word in words:
            return True
    elif any(w.startswith(word) for w in words):
        return True
    return any(f" {phrase}" in joined for phrase in SYNONYMS.get(word, ()))


def search(framework: Framework, query: str, limit: int | None = None) -> list[SearchHit]:
    """Every query word must start a word of a name or summary (or be a synonym of one);
    names rank first."""
    words = words_of(query)[:MAX_QUERY_WORDS]
    if not words:
        return []
    ranked: list[tuple[int, str, SearchHit]] = []
    for name, summary, hit in _search_index(framework):
        name_joined, summary_joined = " " + " ".join(name), " " + " ".join(summary)
        in_name = [_matches(w, name, name_joined) for w in words]
        if all(n or _matches(w, summary, summary_joined) for w, n in zip(words, in_name, strict=True)):
            score = sum(2 if n else 1 for n in in_name) + (3 if name and name[0].startswith(words[0]) else 0)
            ranked.append((-score, hit.name.casefold(), hit))
    ranked.sort(key=lambda item: item[:2])
    return [hit for _, _, hit in ranked[:limit]]


@lru_cache(maxsize=4)
def _search_index(framework: Framework) -> tuple[tuple[str, str, SearchHit], ...]:
    entries = []
    family_names = {f.slug: f.name for f in framework.families}
    for role in framework.roles.values():
        hit = SearchHit("role", role.slug, role.name, family_names[role.family])
        entries.append((words_of(role.name), words_of(role.summary), hit))
        for level in role.levels:
            hit = SearchHit("level", level.slug, level.name, role.name, role.slug)
            entries.append((words_of(level.name), [], hit))
    for skill in framework.skills.values():
        hit = SearchHit("skill", skill.slug, skill.name, skill.summary)
        entries.append((words_of(skill.name), words_of(skill.summary), hit))
    return tuple(entries)
