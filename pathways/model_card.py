"""The figures docs/matching.md publishes about recommendations, worked out from the framework.

`flask --app app recommendation-figures --write` rewrites the marked section of
docs/matching.md, so the published threshold and persona results always match the framework
version they describe.
"""

from __future__ import annotations

from dataclasses import dataclass

from .framework import Framework
from .grades import STEP_DOWN
from .personas import PERMANENT_SECRETARY, PERSONAS, Persona
from .recommend import MIN_FIT_TO_SUGGEST, calibration, recommend_roles

START_MARK = "<!-- recommendation figures: start -->"
END_MARK = "<!-- recommendation figures: end -->"


@dataclass(frozen=True)
class PersonaResult:
    persona: Persona
    found: tuple[str, ...]  # expected roles in the top 10
    implausible: tuple[str, ...]  # must-not roles in the top 10
    step_downs_when_asked: int  # of the top 10 with step-downs included
    viable: int  # of the top 10
    top: tuple[str, ...]  # the first three roles, best first


def persona_results(framework: Framework) -> list[PersonaResult]:
    results = []
    for persona in PERSONAS:
        top = recommend_roles(framework, persona.profile, top=10)
        roles = [r.role for r in top]
        asked = recommend_roles(framework, persona.profile, top=10, include_step_down=True)
        results.append(
            PersonaResult(
                persona,
                tuple(r for r in roles if r in persona.expected),
                tuple(r for r in roles if r in persona.must_not),
                sum(r.grade.kind == STEP_DOWN for r in asked),
                sum(r.viable for r in top),
                tuple(roles[:3]),
            )
        )
    return results


def figures_markdown(framework: Framework) -> str:
    figures = calibration(framework)
    names = {slug: role.name for slug, role in framework.roles.items()}
    lines = [
        f"Framework version `{framework.version}`.",
        "",
        f"- **Viable fit: {figures.viable_fit:g}%** = mean {figures.mean:.1f} − SD {figures.sd:.1f} of the fit "
        f"between adjacent levels of the same role ({figures.pairs} promotions in the framework), rounded down to a "
        "whole percentage, as fits are shown.",
        f"- {figures.share_of_pairs_clearing:.0%} of those promotions clear it; of every ordered pair of levels in "
        f"different roles, {figures.share_of_all_pairs_clearing:.1%} do.",
        f"- A role is not suggested when its suggested level's fit is below {MIN_FIT_TO_SUGGEST:.0f}%.",
        "",
        "| Persona | Grade | Expected roles found | Implausible roles shown | Step-downs if asked for | Viable moves |"
        " First three suggestions |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    results = persona_results(framework)
    for r in results:
        lines.append(
            f"| {r.persona.name} | {r.persona.profile.grade} | {len(r.found)} of {len(r.persona.expected)}"
            f" (needs {r.persona.found_at_least}) | {len(r.implausible)} | {r.step_downs_when_asked} of 10 |"
            f" {r.viable} of 10 | {', '.join(names[role] for role in r.top)} |"
        )
    found = sum(len(r.found) for r in results)
    expected = sum(len(r.persona.expected) for r in results)
    implausible = sum(len(r.implausible) for r in results)
    suggested = recommend_roles(framework, PERMANENT_SECRETARY)
    lines += [
        "",
        f"In all: {found} of {expected} expected roles found ({found / expected:.0%}), {implausible} implausible"
        f" roles shown, no step-downs unless asked for. A permanent secretary is offered {len(suggested)} role"
        " levels: nothing in the framework is at their grade.",
    ]
    return "\n".join(lines)


def rewrite_section(document: str, section: str) -> str:
    """The document with the text between the two marks replaced by `section`."""
    start, end = document.index(START_MARK) + len(START_MARK), document.index(END_MARK)
    return document[:start] + "\n" + section + "\n" + document[end:]
