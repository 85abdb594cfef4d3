import pytest

from pathways import load_framework, suggest_ratings, suggested_profile
from pathways.crosswalk import CONFIDENCE_CAP, MINIMUM_CONFIDENCE
from pathways.matching import transferable_data

FRAMEWORK = load_framework()
DATA = transferable_data(FRAMEWORK)
BIG_PICTURE = ("success_profiles", "behaviour", "seeing-the-big-picture")


def test_a_behaviour_suggests_its_skill_at_the_level_for_the_grade_band():
    by_band = {grade: suggest_ratings(FRAMEWORK, grade, [BIG_PICTURE]) for grade in ("EO", "HEO", "G7")}
    levels = {
        grade: {s.skill: s.level for s in suggestions}["strategic-thinking"] for grade, suggestions in by_band.items()
    }
    assert levels == {"EO": 1, "HEO": 2, "G7": 3}


def test_nothing_is_suggested_from_capabilities_not_shown():
    assert suggest_ratings(FRAMEWORK, "G7", []) == []


def test_combined_confidence_is_capped_and_weak_evidence_is_asked_not_prefilled():
    every_source = [s.source for s in DATA.sources]
    suggestions = suggest_ratings(FRAMEWORK, "G7", every_source)
    assert suggestions
    assert all(s.confidence <= CONFIDENCE_CAP for s in suggestions)
    for s in suggestions:
        assert (s.level is None) == (s.confidence < MINIMUM_CONFIDENCE)


def test_suggestions_never_exceed_the_ceiling_or_reach_expert():
    every_source = [s.source for s in DATA.sources]
    for grade in ("AA", "HEO", "G6", "SCS2", "PS"):
        for s in suggest_ratings(FRAMEWORK, grade, every_source):
            if s.level is not None:
                assert s.level <= 3
                if s.skill in DATA.skills:
                    assert (
                        s.level
                        <= {"awareness": 1, "working": 2, "practitioner": 3}[DATA.skills[s.skill].prefill_ceiling]
                    )


def test_suggested_profile_is_inferred_evidence_only():
    suggestions = suggest_ratings(FRAMEWORK, "HEO", [BIG_PICTURE, ("policy", "pillar", "strategy")])
    profile = suggested_profile(suggestions, "HEO", "policy")
    assert profile.ratings and {r.evidence for r in profile.ratings} == {"inferred"}
    assert profile.grade == "HEO"


@pytest.mark.parametrize("grade", ["not-a-grade", None])
def test_unknown_grade_suggests_nothing(grade):
    assert suggest_ratings(FRAMEWORK, grade, [BIG_PICTURE]) == []


def test_a_malformed_crosswalk_file_names_file_path_and_problem(tmp_path):
    import json

    from pathways import FrameworkError
    from pathways.transferable import TRANSFERABLE_FILE, load_transferable

    document = json.loads(TRANSFERABLE_FILE.read_bytes())
    document["crosswalk"][4]["to"] = "juggling"
    broken = tmp_path / "crosswalk.json"
    broken.write_text(json.dumps(document))
    with pytest.raises(FrameworkError, match=r"^crosswalk\.json: \$\.crosswalk\[4\]\.to: unknown skill 'juggling'$"):
        load_transferable(FRAMEWORK, broken)
