"""The framework as a graph of moves between role levels, and the cheapest pathways through it.

Nodes are role levels, skills and the Senior Civil Service roles. A level requires skills
(edges level → skill). A move is an edge level → level: the next level in the same role
(progression), or a level in another role whose fit from this one passes a threshold
(transition). A move's weight is the learning effort, in hours, of its skill gaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache

import networkx as nx
import numpy as np

from .framework import PROFICIENCY_RANK, Framework
from .profile import Profile, encode, level_of
from .scoring import scoring_model

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
    fit_before: float  # fit to this step from the previous position
    why: str
    gaps: tuple[Gap, ...]

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

    def _build(self) -> nx.DiGraph:
        graph = nx.DiGraph()
        for skill in self.framework.skills:
            graph.add_node(f"skill:{skill}", kind="skill")
        for node, required in self.requirements.items():
            graph.add_node(node, kind="scs_role" if node.startswith(SCS_PREFIX) else "role_level")
            for skill, level in required.items():
                graph.add_edge(node, f"skill:{skill}", kind="requires", proficiency=level)
        fits = self._fits_between_levels()
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

    def _fits_between_levels(self) -> np.ndarray:
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


@lru_cache(maxsize=4)
def _moves(framework: Framework) -> nx.DiGraph:
    """The move edges, plus a move from START to every role level. Which of those a person can
    take, and what each costs them, is decided per person by the search's weight function,
    so the shared graph is never copied or changed for one person."""
    moves = pathway_graph(framework).moves()
    for node in pathway_graph(framework).requirements:
        if not node.startswith(SCS_PREFIX):
            moves.add_edge(START, node, kind="entry")
    return moves


@lru_cache(maxsize=512)
def _hours_to(framework: Framework, target: str) -> dict[str, float]:
    """Fewest learning hours from each role level to `target`, whoever is moving: the
    search's guide (A*). Taking moves away, as later routes do, can only add hours, so this
    never overestimates and every route found is still the cheapest."""
    towards = _moves(framework).reverse(copy=False)
    return nx.single_source_dijkstra_path_length(
        towards, target, weight=lambda u, v, edge: None if START in (u, v) else edge["hours"]
    )


def held_levels(framework: Framework, profile: Profile) -> dict[str, int]:
    """A profile's levels per skill, counting related skills' ratings as matching does."""
    model = scoring_model(framework)
    held = {}
    for skill in model.skills:
        code, _ = model.best_code(profile, skill)
        if code:
            held[skill] = level_of(code)
    return held


def plan_pathway(framework: Framework, start: str | Profile, target: str, k: int = 3) -> PathwayPlan:
    """Up to k cheapest routes from a role level (or a person's profile) to a target.

    The target is a role level slug or "role:<slug>" for a Senior Civil Service role.
    """
    pg = pathway_graph(framework)
    if target not in pg.requirements:
        return PathwayPlan(str(start), target, (), f"'{target}' is not a role level or Senior Civil Service role")
    moves = _moves(framework)
    entries: dict[str, dict] = {}  # this person's first moves, from START
    if isinstance(start, Profile):
        held = held_levels(framework, start)
        options = pg.fits_and_hours(held)
        first_levels = {role.levels[0].slug for role in framework.roles.values() if role.levels}
        entry = {n for n, (fit, _) in options.items() if fit >= ENTRY_FIT and not n.startswith(SCS_PREFIX)}
        for node in entry | first_levels:
            entries[node] = {"kind": "entry", "fit": options[node][0], "hours": options[node][1]}
        source, start_held = START, held
    else:
        if start not in pg.requirements:
            return PathwayPlan(start, target, (), f"'{start}' is not a role level")
        source, start_held = start, pg.requirements[start]
    if source == target:
        return PathwayPlan(str(source), target, (), "You are already at this role level.")
    paths = _distinct_paths(framework, entries, source, target, k) if target in moves else []
    if not paths:
        return PathwayPlan(str(source), target, (), f"No route to {pg.names[target]} was found in the framework.")
    routes = tuple(_route(pg, moves, entries, path, start_held) for path in paths)
    return PathwayPlan(str(source), target, routes, f"{len(routes)} route{'s' if len(routes) != 1 else ''} found.")


def _distinct_paths(framework: Framework, entries: dict[str, dict], source: str, target: str, k: int) -> list[list]:
    """Cheapest route first; each next route must begin with a different first move.

    Plain k-shortest-paths lists near-copies (the best route plus a cheap detour), which
    tell a person nothing new. Taking away each found route's first move gives routes
    that really differ, and their costs can only rise.
    """
    removed_nodes: set[str] = set()
    removed_edges: set[tuple[str, str]] = set()
    paths: list[list[str]] = []

    def hours(u: str, v: str, edge: dict) -> float | None:
        # None hides the move from the search: cheaper than a filtered view of the graph.
        if v in removed_nodes or (u, v) in removed_edges:
            return None
        if u == START:
            return entries[v]["hours"] if v in entries else None
        return edge["hours"]

    moves, to_target = _moves(framework), _hours_to(framework, target)

    def guide(node: str, _target: str) -> float:
        return to_target.get(node, math.inf)

    for _ in range(k):
        try:
            path = nx.astar_path(moves, source, target, heuristic=guide, weight=hours)
        except nx.NetworkXNoPath:
            break
        paths.append(path)
        if len(path) == 2:
            removed_edges.add((source, target))
        else:
            removed_nodes.add(path[1])
    return paths


def _route(
    pg: PathwayGraph, moves: nx.DiGraph, entries: dict[str, dict], path: list[str], start_held: dict[str, int]
) -> Route:
    steps = []
    for previous, node in zip(path, path[1:], strict=False):
        edge = entries[node] if previous == START else moves.edges[previous, node]
        held = start_held if previous == START else pg.requirements[previous]
        if edge["kind"] == "progression":
            why = "The next level in the same role."
        elif edge["kind"] == "entry" and edge["fit"] >= ENTRY_FIT:
            why = f"You already meet {edge['fit']:.0f}% of what this level needs."
        elif edge["kind"] in ("entry", "entry level"):
            why = "The first level of this role, open to people new to it."
        elif edge["kind"] == "senior leadership":
            why = "The most senior level of a role that leads to this Senior Civil Service role."
        else:
            why = f"Someone at {pg.names[previous].lower()} already meets {edge['fit']:.0f}% of what it needs."
        steps.append(Step(node, pg.names[node], edge["fit"], why, pg.gaps(held, node)))
    return Route(tuple(steps))
