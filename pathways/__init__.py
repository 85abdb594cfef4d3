"""The DDaT Pathways engine: plain Python over the capability framework, no web or database."""

from .changes import FrameworkChanges, diff_frameworks
from .explore import compare_levels, neighbours_in_role, search, similar_role_levels
from .framework import (
    PROFICIENCIES,
    PROFICIENCY_RANK,
    Framework,
    FrameworkError,
    Role,
    RoleLevel,
    Skill,
    load_framework,
    parse_framework,
)

__all__ = [
    "PROFICIENCIES",
    "PROFICIENCY_RANK",
    "Framework",
    "FrameworkChanges",
    "FrameworkError",
    "Role",
    "RoleLevel",
    "Skill",
    "compare_levels",
    "diff_frameworks",
    "load_framework",
    "neighbours_in_role",
    "parse_framework",
    "search",
    "similar_role_levels",
]
