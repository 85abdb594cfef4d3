"""The framework as a graph of moves between role levels, and the cheapest pathways through it.

Nodes are role levels, skills and the Senior Civil Service roles. A level requires skills
(edges level → skill). A move is an edge level → level: the next level in the same role
(progression), or a level in another role whose fit from this one passes a threshold
(transition). A move's weight is the learning effort, in hours, of its skill gaps.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cached_property, lru_cache

import networkx as nx
import numpy as np

from .framework import PROFICIENCY_RANK, Framework, in_sentence
from .grades import grade_implication, level_for_grade
from .matching import transferable_data
from .profile import Profile, encode, level_of
from .scoring import scoring_model, shown_fit

# Hours of learning to reach a proficiency from the one below it (docs/matching.md).
HOURS_TO_REACH = {1: 15, 2: 40, 3: 80, 4: 150}
START = "start"  # the person's own position, when planning from a profile
SCS_PREFIX = "role:"  # Senior Civil Service roles have no levels; their node is the role
# Senior Civil Service roles list skills without proficiency; we treat each as expert.
SCS_SKILL_LEVEL = PROFICIENCY_RANK["expert"]
# A person can aim directly at any level they already meet this much of, and at the most
# junior level of any role.
ENTRY_FIT = 30.0
# Between roles, a move needs this fit to a level above the entry level; the most junior
# level of every role is always open, at the cost of learning its gaps, because that is
# how people really change role.
TRANSITION_FIT = 40.0
# Senior Civil Service roles list skills that no role level needs, so fit cannot connect
# them. They are reached from the most senior level of every role in the families that
# lead to them: a project judgement, documented in docs/matching.md.
SCS_FEEDER_FAMILIES = {
    "chief-data-officer": ("data",),
    "chief-digital-and-information-officer": (
        "architecture", "data", "it-operations", "product-and-delivery",
        "quality-assurance-testing-qat", "software-development", "user-centred-design",
    ),
    "chief-information-security-officer": ("architecture", "it-operations"),
    "chief-technology-officer": ("architecture", "it-operations", "software-development"),
}  # fmt: skip


def learning_hours(held: int, required: int) -> int:
    return sum(HOURS_TO_REACH[level] for level in range(held + 1, required + 1))


# HOURS_BETWEEN[held, required]: `learning_hours` as a table, for many gaps at once.
HOURS_BETWEEN = np.array([[learning_hours(held, required) for required in range(5)] for held in range(5)])
# CUMULATIVE_HOURS[level]: hours to reach a level from nothing, so the hours between two
# levels are a difference and a whole route's hours depend only on what it ends up holding.
CUMULATIVE_HOURS = np.array([learning_hours(0, level) for level in range(5)])
MAX_STEPS = 8  # longer routes are not plans a person can act on
FALLBACK_BATCH = 5  # roles tried at a time when no close first move leads to the target


@dataclass(frozen=True)
class Gap:
    skill: str
    held: int
    required: int
    hours: int


@dataclass(frozen=True)
class Step:
    node: str  # role level slug, or "role:<slug>" for a Senior Civil Service role
    name: str
    fit_before: float  # fit to this step with what the person holds by then
    why: str
    gaps: tuple[Gap, ...]  # `held` is the person's own level or what earlier steps needed
    # The gaps whose starting level comes from an earlier step rather than the person.
    from_earlier_steps: tuple[Gap, ...] = ()

    @property
    def hours(self) -> int:
        return sum(g.hours for g in self.gaps)


@dataclass(frozen=True)
class Route:
    steps: tuple[Step, ...]

    @property
    def total_hours(self) -> int:
        return sum(step.hours for step in self.steps)


@dataclass(frozen=True)
class PathwayPlan:
    start: str
    target: str
    routes: tuple[Route, ...]
    message: str  # plain-English summary, including why there is no route


class PathwayGraph:
    def __init__(self, framework: Framework, transition_fit: float = TRANSITION_FIT):
        self.framework = framework
        self.model = scoring_model(framework)
        self.transition_fit = transition_fit
        self.requirements: dict[str, dict[str, int]] = {
            slug: {r.skill: r.rank for r in level.requirements} for slug, level in framework.role_levels.items()
        }
        self.names = {slug: level.name for slug, level in framework.role_levels.items()}
        for role in framework.roles.values():
            if role.is_senior_civil_service:
                self.requirements[SCS_PREFIX + role.slug] = {s: SCS_SKILL_LEVEL for s in role.scs_skills}
                self.names[SCS_PREFIX + role.slug] = role.name
        self.graph = self._build()
        self.nodes = tuple(self.requirements)
        self.index = {node: i for i, node in enumerate(self.nodes)}
        self.required_matrix = np.zeros((len(self.nodes), len(self.model.skills)), dtype=np.int64)
        for node, required in self.requirements.items():
            for skill, level in required.items():
                self.required_matrix[self.index[node], self.model.column[skill]] = level
        moves = self.moves()
        # Every move is open as a first move. Later in a route, moving to the most junior
        # level of an unrelated role is a step back nobody would plan, and those moves are
        # nine in ten of all edges, so the search leaves them out after the first step.
        self.first_successors = {node: sorted(moves.successors(node)) if node in moves else [] for node in self.nodes}
        self.successors = {
            node: [n for n in options if moves.edges[node, n]["kind"] != "entry level"]
            for node, options in self.first_successors.items()
        }
        self.family_of = {
            node: "senior civil service" if node.startswith(SCS_PREFIX) else framework.roles[level.role].family
            for node, level in ((n, framework.role_levels.get(n)) for n in self.nodes)
        }

    def held_vector(self, held: dict[str, int]) -> np.ndarray:
        vector = np.zeros(len(self.model.skills), dtype=np.int64)
        for skill, level in held.items():
            vector[self.model.column[skill]] = level
        return vector

    def shared_skills_sentence(self, source: str, target: str) -> str:
        """Why a step into another role family makes sense: the skills both levels need."""
        shared = sorted(set(self.requirements[source]) & set(self.requirements[target]))
        if not shared:
            return "It shares no skills with the step before."
        names = [in_sentence(self.framework.skills[s].name) for s in shared[:3]]
        more = f" and {len(shared) - 3} more" if len(shared) > 3 else ""
        skills = f"{len(shared)} skill{'s' if len(shared) != 1 else ''}"
        return f"It shares {skills} with the step before: {', '.join(names)}{more}."

    def _build(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        for skill in self.framework.skills:
            graph.add_node(f"skill:{skill}", kind="skill")
        for node, required in self.requirements.items():
            graph.add_node(node, kind="scs_role" if node.startswith(SCS_PREFIX) else "role_level")
            for skill, level in required.items():
                graph.add_edge(node, f"skill:{skill}", kind="requires", proficiency=level)
        fits = self.fits_between_levels
        levels = self.model.levels
        for role in self.framework.roles.values():
            for lower, higher in zip(role.levels, role.levels[1:], strict=False):
                self._add_move(
                    graph,
                    lower.slug,
                    higher.slug,
                    "progression",
                    fits[levels.index(lower.slug), levels.index(higher.slug)],
                )
        role_levels = self.framework.role_levels
        for i, source in enumerate(levels):
            for j, target in enumerate(levels):
                if role_levels[source].role == role_levels[target].role:
                    continue
                if role_levels[target].order == 1:
                    self._add_move(graph, source, target, "entry level", fits[i, j])
                elif fits[i, j] >= self.transition_fit:
                    self._add_move(graph, source, target, "transition", fits[i, j])
        for role_slug, families in SCS_FEEDER_FAMILIES.items():
            node = SCS_PREFIX + role_slug
            if node not in self.requirements:
                continue
            for role in self.framework.roles.values():
                if role.family in families and role.levels:
                    top = role.levels[-1].slug
                    self._add_move(
                        graph, top, node, "senior leadership", self.fit(self.requirements[top], self.requirements[node])
                    )
        return graph

    @cached_property
    def fits_between_levels(self) -> np.ndarray:
        """fits[i, j]: fit to level j of someone who holds exactly level i's requirements."""
        codes = np.zeros((len(self.model.levels), len(self.model.skills)), dtype=np.int8)
        for i, slug in enumerate(self.model.levels):
            for skill, level in self.requirements[slug].items():
                codes[i, self.model.column[skill]] = encode(level, "validated")
        return np.column_stack([self.model.score_level(codes, slug)[0] for slug in self.model.levels])

    def fit(self, held: dict[str, int], required: dict[str, int]) -> float:
        weights, column = self.model.weights, self.model.column
        total = sum(int(weights[column[s]]) for s in required)
        got = sum(int(weights[column[s]]) * min(held.get(s, 0), r) / r for s, r in required.items())
        return 100 * got / total if total else 0.0

    @cached_property
    def _flat_requirements(self) -> tuple[tuple[str, ...], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every node's requirements as flat arrays (node, skill column, rank, weight), in
        the order `fit` adds them up, and each node's total weight."""
        nodes = tuple(self.requirements)
        flat = [
            (i, self.model.column[skill], rank)
            for i, node in enumerate(nodes)
            for skill, rank in self.requirements[node].items()
        ]
        node_index, columns, ranks = (np.array(values, dtype=np.int64) for values in zip(*flat, strict=True))
        weights = self.model.weights[columns]
        return (
            nodes,
            node_index,
            columns,
            ranks,
            weights,
            np.bincount(node_index, weights=weights, minlength=len(nodes)),
        )

    def fits_and_hours(self, held: dict[str, int]) -> dict[str, tuple[float, int]]:
        """`fit` to every node and the hours of learning its gaps, for one person, at once."""
        nodes, node_index, columns, ranks, weights, totals = self._flat_requirements
        levels = np.zeros(len(self.model.skills), dtype=np.int64)
        for skill, level in held.items():
            levels[self.model.column[skill]] = level
        have = levels[columns]
        # Each term as `fit` works it out, added in the same order: the same floats exactly.
        got = np.bincount(node_index, weights=weights * np.minimum(have, ranks) / ranks, minlength=len(nodes))
        fits = np.divide(100 * got, totals, out=np.zeros(len(nodes)), where=totals > 0)
        hours = np.bincount(node_index, weights=HOURS_BETWEEN[have, ranks], minlength=len(nodes))
        return {node: (float(fits[i]), int(hours[i])) for i, node in enumerate(nodes)}

    def gaps(self, held: dict[str, int], node: str) -> tuple[Gap, ...]:
        return tuple(
            Gap(skill, held.get(skill, 0), level, learning_hours(held.get(skill, 0), level))
            for skill, level in sorted(self.requirements[node].items())
            if held.get(skill, 0) < level
        )

    def _add_move(self, graph: nx.DiGraph, source: str, target: str, kind: str, fit: float) -> None:
        hours = sum(g.hours for g in self.gaps(self.requirements[source], target))
        graph.add_edge(source, target, kind=kind, hours=hours, fit=float(fit))

    def moves(self) -> nx.DiGraph:
        """Only the move edges, for route finding."""
        return nx.DiGraph((u, v, d) for u, v, d in self.graph.edges(data=True) if d["kind"] != "requires")


@lru_cache(maxsize=4)
def pathway_graph(framework: Framework) -> PathwayGraph:
    return PathwayGraph(framework)


def held_levels(framework: Framework, profile: Profile) -> dict[str, int]:
    """A profile's levels per skill, counting related skills' ratings as matching does."""
    model = scoring_model(framework)
    held = {}
    for skill in model.skills:
        code, _ = model.best_code(profile, skill)
        if code:
            held[skill] = level_of(code)
    return held


def first_moves(
    framework: Framework, profile: Profile, options: dict[str, tuple[float, int]], target: str
) -> tuple[set[str], set[str]]:
    """Where a person can step first, close moves and then the rest.

    Close: any level they already meet ENTRY_FIT of (unless more than one grade below
    theirs), and in those roles and the target's own role the level their grade and fit put
    them at (`level_for_grade`), never simply the most junior one. The rest: that level in
    every other role, tried a few roles at a time, best fit first, only when no close move
    leads to the target: a policy analyst is not sent through machine-learning engineering
    because its skills happen to overlap a target's.
    """
    data = transferable_data(framework)
    grades = {
        slug: grade_implication(framework, data, level, profile.grade) for slug, level in framework.role_levels.items()
    }
    close = {
        node
        for node, (fit, _) in options.items()
        if fit >= ENTRY_FIT and node in grades and (grades[node].steps is None or grades[node].steps >= -1)
    }
    near_roles = {framework.role_levels[node].role for node in close}
    if target in framework.role_levels:
        near_roles.add(framework.role_levels[target].role)
    rest = set()
    for role in framework.roles.values():
        if role.levels:
            choices = [(level.slug, options[level.slug][0], grades[level.slug]) for level in role.levels]
            (close if role.slug in near_roles else rest).add(choices[level_for_grade(choices)][0])
    return close, rest - close


def plan_pathway(framework: Framework, start: str | Profile, target: str, k: int = 3) -> PathwayPlan:
    """Up to k cheapest routes from a role level (or a person's profile) to a target, each
    with a different first move.

    The target is a role level slug or "role:<slug>" for a Senior Civil Service role. A
    route's cost is what the person must learn along it: at every step they hold the higher
    of their own level and what earlier steps needed, so a skill is never learnt twice.
    """
    pg = pathway_graph(framework)
    if target not in pg.requirements:
        return PathwayPlan(str(start), target, (), f"'{target}' is not a role level or Senior Civil Service role")
    if isinstance(start, Profile):
        own = held_levels(framework, start)
        options = pg.fits_and_hours(own)
        close, rest = first_moves(framework, start, options, target)
        # The rest a few roles at a time, the person's best fits first.
        rest_by_fit = sorted(rest, key=lambda node: (-options[node][0], node))
        tiers = [sorted(close)] + [
            sorted(rest_by_fit[i : i + FALLBACK_BATCH]) for i in range(0, len(rest), FALLBACK_BATCH)
        ]
        if target in framework.role_levels and target not in close | rest:
            # Last of all, straight to the level asked for (a junior level below the person's
            # grade, say), at the cost of its gaps: the person chose it, so it is never "no route".
            tiers.append([target])
        source = START
    else:
        if start not in pg.requirements:
            return PathwayPlan(start, target, (), f"'{start}' is not a role level")
        own, source, tiers = pg.requirements[start], start, [None]
    if source == target:
        return PathwayPlan(str(source), target, (), "You are already at this role level.")
    paths: list[list[str]] = []
    for firsts in tiers:
        paths = _distinct_paths(pg, pg.held_vector(own), source, firsts, target, k)
        if paths:
            break
    if not paths:
        return PathwayPlan(str(source), target, (), f"No route to {pg.names[target]} was found in the framework.")
    routes = tuple(_route(pg, path, own) for path in paths)
    return PathwayPlan(str(source), target, routes, f"{len(routes)} route{'s' if len(routes) != 1 else ''} found.")


def _distinct_paths(
    pg: PathwayGraph, own: np.ndarray, source: str, firsts: list[str] | None, target: str, k: int
) -> list[list[str]]:
    """Cheapest route first; each next route must begin with a different first move.

    Plain k-shortest-paths lists near-copies (the best route plus a cheap detour), which
    tell a person nothing new. Taking away each found route's first move gives routes
    that really differ, and their costs can only rise.
    """
    banned: set[str] = set()
    paths: list[list[str]] = []
    for _ in range(k):
        path = _cheapest_path(pg, own, source, firsts, target, banned)
        if path is None:
            break
        paths.append(path)
        if len(path) == 2:
            break  # straight there is the cheapest there can be: a detour would only add steps and hours
        banned.add(path[1])
    return paths


def _cheapest_path(
    pg: PathwayGraph, own: np.ndarray, source: str, firsts: list[str] | None, target: str, banned: set[str]
) -> list[str] | None:
    """A* over (position, skills held so far). The cost so far is the hours to raise `own` to
    what is held now; the guide adds the hours still needed for the target's own
    requirements, which every route must pay, so it never overestimates, and a route's
    cost is settled when the target is reached. Ties go to routes that change role family
    fewer times, then to fewer steps, then to names: the same plan in every process."""
    index, required = pg.index, pg.required_matrix
    target_cost = CUMULATIVE_HOURS[required[index[target]]]
    own_cost = int(CUMULATIVE_HOURS[own].sum())
    family = pg.family_of

    def estimates(held: np.ndarray) -> np.ndarray:
        return np.maximum(CUMULATIVE_HOURS[held], target_cost).sum(axis=-1) - own_cost

    heap = [(int(estimates(own)), 0, 0, (source,), own)]
    # Per position, the skills held on each visit so far. Arriving holding at least as much
    # as an earlier visit can only cost more from here on (cost depends only on what is
    # held), so such a visit is skipped: this keeps the search to a few hundred states.
    visited: dict[str, list[np.ndarray]] = {}
    while heap:
        estimate, changes, _, path, held = heapq.heappop(heap)
        node = path[-1]
        if node == target:
            return list(path)
        earlier = visited.setdefault(node, [])
        if len(path) > MAX_STEPS or any((before <= held).all() for before in earlier):
            continue
        earlier.append(held)
        options = firsts if node == START else pg.first_successors[node] if node == source else pg.successors[node]
        options = [n for n in options if n not in path and (node != source or n not in banned)]
        if not options:
            continue
        after = np.maximum(held, required[[index[n] for n in options]])
        for option, next_held, next_estimate in zip(options, after, estimates(after), strict=True):
            crossed = changes + (node != START and family[node] != family[option])
            heapq.heappush(heap, (int(next_estimate), crossed, len(path), (*path, option), next_held))
    return None


def _route(pg: PathwayGraph, path: list[str], own: dict[str, int]) -> Route:
    steps = []
    held = dict(own)
    for previous, node in zip(path, path[1:], strict=False):
        move = pg.graph.edges[previous, node] if previous != START else {"kind": "entry"}
        fit = pg.fit(held, pg.requirements[node])
        if move["kind"] == "progression":
            why = "The next level in the same role."
        elif move["kind"] == "entry" and fit >= ENTRY_FIT:
            why = f"You already meet {shown_fit(fit)}% of what this level needs."
        elif move["kind"] == "entry" and len(path) == 2:
            why = f"The level you asked for, straight from where you are: you meet {shown_fit(fit)}% of it."
        elif move["kind"] == "entry":
            why = "The level of this role that your grade and skills put you at."
        elif move["kind"] == "entry level":
            why = "The first level of this role, open to people new to it."
        elif move["kind"] == "senior leadership":
            why = "The most senior level of a role that leads to this Senior Civil Service role."
        else:
            why = f"By this step you meet {shown_fit(fit)}% of what it needs."
        if previous != START and move["kind"] != "senior leadership" and pg.family_of[previous] != pg.family_of[node]:
            why += " " + pg.shared_skills_sentence(previous, node)
        gaps = pg.gaps(held, node)
        steps.append(Step(node, pg.names[node], fit, why, gaps, tuple(g for g in gaps if g.held > own.get(g.skill, 0))))
        for skill, level in pg.requirements[node].items():
            held[skill] = max(held.get(skill, 0), level)
    return Route(tuple(steps))
