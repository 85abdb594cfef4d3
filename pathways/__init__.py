"""The DDaT Pathways engine: plain Python over the capability framework, no web or database."""

from .changes import FrameworkChanges, diff_frameworks
from .crosswalk import Suggestion, suggest_ratings, suggested_profile
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
from .graph import PathwayPlan, pathway_graph, plan_pathway
from .matching import TransferableMatch, best_next_skills, transferable_matches, what_if
from .people_matrix import RankedCandidate, codes_from_rows, profiles_matrix, rank_candidates
from .profile import Profile, Rating
from .recommend import Recommendation, calibration, recommend_roles
from .scoring import LevelMatch, Thresholds, match, score_all_levels

__all__ = [
    "PROFICIENCIES",
    "PROFICIENCY_RANK",
    "Framework",
    "FrameworkChanges",
    "FrameworkError",
    "LevelMatch",
    "PathwayPlan",
    "Profile",
    "RankedCandidate",
    "Recommendation",
    "Rating",
    "Role",
    "RoleLevel",
    "Skill",
    "Suggestion",
    "Thresholds",
    "codes_from_rows",
    "TransferableMatch",
    "best_next_skills",
    "calibration",
    "compare_levels",
    "diff_frameworks",
    "load_framework",
    "match",
    "neighbours_in_role",
    "parse_framework",
    "pathway_graph",
    "plan_pathway",
    "profiles_matrix",
    "rank_candidates",
    "recommend_roles",
    "score_all_levels",
    "search",
    "similar_role_levels",
    "suggest_ratings",
    "suggested_profile",
    "transferable_matches",
    "what_if",
]
