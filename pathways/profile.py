"""A person's skills as the engine sees them: ratings with the evidence behind them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .framework import PROFICIENCIES

# How much a rating is trusted, out of 10. Integers keep every score exact (see docs/matching.md).
EVIDENCE_WEIGHTS = {"inferred": 3, "self": 6, "course": 8, "validated": 10}
EVIDENCE_KINDS = tuple(EVIDENCE_WEIGHTS)
# A rating is packed into one small integer, level * EVIDENCE_BITS + evidence weight, so that the
# strongest of several ratings is simply the largest code: higher level first, then
# better evidence. Codes fit in int8 (at most 4 * 16 + 10 = 74).
EVIDENCE_BITS = 16


@dataclass(frozen=True)
class Rating:
    skill: str
    level: int  # 1 awareness .. 4 expert
    evidence: str = "self"

    def __post_init__(self):
        if not 1 <= self.level <= len(PROFICIENCIES):
            raise ValueError(f"level for '{self.skill}' must be 1 to 4, not {self.level}")
        if self.evidence not in EVIDENCE_WEIGHTS:
            raise ValueError(f"evidence for '{self.skill}' must be one of {', '.join(EVIDENCE_KINDS)}")

    @property
    def code(self) -> int:
        return encode(self.level, self.evidence)


@dataclass(frozen=True)
class Profile:
    ratings: tuple[Rating, ...] = ()
    grade: str | None = None
    profession: str | None = None
    # Looked up by skill; the best rating wins if a skill is rated twice.
    _by_skill: dict[str, Rating] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        best: dict[str, Rating] = {}
        for rating in self.ratings:
            if rating.skill not in best or rating.code > best[rating.skill].code:
                best[rating.skill] = rating
        object.__setattr__(self, "_by_skill", best)

    @classmethod
    def of(cls, levels: dict[str, int], evidence: str = "self", grade: str | None = None, profession=None):
        """Shorthand for tests and examples: every skill with the same evidence."""
        return cls(tuple(Rating(s, lv, evidence) for s, lv in levels.items()), grade, profession)

    def rating(self, skill: str) -> Rating | None:
        return self._by_skill.get(skill)

    def with_rating(self, skill: str, level: int, evidence: str = "self") -> Profile:
        others = tuple(r for r in self.ratings if r.skill != skill)
        return Profile((*others, Rating(skill, level, evidence)), self.grade, self.profession)

    @property
    def skills(self) -> tuple[str, ...]:
        return tuple(self._by_skill)


def encode(level: int, evidence: str) -> int:
    return level * EVIDENCE_BITS + EVIDENCE_WEIGHTS[evidence]


def level_of(code):
    """Works on ints and numpy arrays alike."""
    return code // EVIDENCE_BITS


def evidence_weight_of(code):
    return code % EVIDENCE_BITS
