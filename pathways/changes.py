"""What changed between two framework exports, for the person loading a new one."""

from __future__ import annotations

from dataclasses import dataclass

from .framework import Framework


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]


@dataclass(frozen=True)
class FrameworkChanges:
    roles: Changes
    levels: Changes
    skills: Changes

    @property
    def is_empty(self) -> bool:
        return not any(
            getattr(c, part) for c in (self.roles, self.levels, self.skills) for part in ("added", "removed", "changed")
        )


def _compare(old: dict, new: dict, signature) -> Changes:
    return Changes(
        added=tuple(sorted(set(new) - set(old))),
        removed=tuple(sorted(set(old) - set(new))),
        changed=tuple(sorted(k for k in set(old) & set(new) if signature(old[k]) != signature(new[k]))),
    )


def diff_frameworks(old: Framework | None, new: Framework) -> FrameworkChanges:
    if old is None:
        return FrameworkChanges(
            Changes(tuple(sorted(new.roles)), (), ()),
            Changes(tuple(sorted(new.role_levels)), (), ()),
            Changes(tuple(sorted(new.skills)), (), ()),
        )
    return FrameworkChanges(
        roles=_compare(old.roles, new.roles, lambda r: (r.name, r.family, r.summary, [lv.slug for lv in r.levels])),
        levels=_compare(
            old.role_levels,
            new.role_levels,
            lambda lv: (lv.name, lv.order, lv.typical_grade, sorted(lv.required_levels().items())),
        ),
        skills=_compare(old.skills, new.skills, lambda s: (s.name, s.summary, s.variant_of)),
    )
