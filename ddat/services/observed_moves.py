"""Real moves into DDaT roles: scheme placements, counted from a profession and grade band.

A suggestion that many people like you have made is more credible than one the framework
alone computes. Counts reach a person only through disclosure control: a role with fewer
than DEFAULT_THRESHOLD such moves is reported (and weighed) as none, and the rest are
rounded to the nearest 5, so neither the line on the page nor the order of suggestions can
reveal one colleague's placement.
"""

from sqlmodel import Session, func, select

from pathways import Framework
from pathways.disclosure import rounded, safe_count
from pathways.matching import transferable_data

from ..models import SchemeMember


def moves_into_roles(db: Session, framework: Framework, profession: str | None, grade: str | None) -> dict[str, int]:
    """Role slug → placements of people from this profession and grade band, where shown."""
    data = transferable_data(framework)
    band = data.grade_bands.get(data.band_of(grade) or "", ())
    if not profession or not band:
        return {}
    rows = db.exec(
        select(SchemeMember.placed_level, func.count())
        .where(
            SchemeMember.status == "placed",
            SchemeMember.placed_from_profession == profession,
            SchemeMember.placed_from_grade.in_(band),
        )
        .group_by(SchemeMember.placed_level)
    ).all()
    by_role: dict[str, int] = {}
    for level, count in rows:
        if level in framework.role_levels:
            role = framework.role_levels[level].role
            by_role[role] = by_role.get(role, 0) + count
    return {role: rounded(count) for role, count in by_role.items() if safe_count(count)}
