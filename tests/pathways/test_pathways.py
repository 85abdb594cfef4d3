import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways import Profile, best_next_skills, load_framework, pathway_graph, plan_pathway, what_if
from pathways.graph import ENTRY_FIT, HOURS_TO_REACH, START, held_levels, learning_hours

FRAMEWORK = load_framework()


def test_graph_has_levels_skills_and_moves():
    graph = pathway_graph(FRAMEWORK).graph
    kinds = {d["kind"] for _, _, d in graph.edges(data=True)}
    assert {"requires", "progression", "transition", "entry level", "senior leadership"} <= kinds
    assert graph.nodes["senior-data-analyst"]["kind"] == "role_level"
    assert graph.nodes["skill:data-visualisation"]["kind"] == "skill"
    assert graph.edges["senior-data-analyst", "skill:data-visualisation"]["proficiency"] == 3
    assert graph.edges["data-analyst", "senior-data-analyst"]["kind"] == "progression"
    assert sum(1 for _, _, d in graph.edges(data=True) if d["kind"] == "requires") == 1781 + 28


def test_learning_hours_add_up_each_level_step():
    assert learning_hours(0, 2) == HOURS_TO_REACH[1] + HOURS_TO_REACH[2]
    assert learning_hours(3, 2) == 0


def test_next_level_in_the_same_role_is_one_step_with_its_gaps():
    plan = plan_pathway(FRAMEWORK, "data-analyst", "senior-data-analyst")
    route = plan.routes[0]
    assert [s.node for s in route.steps] == ["senior-data-analyst"]
    assert route.steps[0].why == "The next level in the same role."
    assert route.total_hours == sum(g.hours for g in route.steps[0].gaps) > 0


def test_up_to_three_routes_with_costs_that_never_fall():
    plan = plan_pathway(FRAMEWORK, "associate-data-analyst", "role:chief-data-officer", k=3)
    assert len(plan.routes) == 3
    costs = [r.total_hours for r in plan.routes]
    assert costs == sorted(costs) and all(c >= 0 for c in costs)
    assert all(r.steps[-1].node == "role:chief-data-officer" for r in plan.routes)
    assert len({r.steps[0].node for r in plan.routes}) == 3, "routes should start differently"


def test_senior_civil_service_skills_count_as_expert():
    plan = plan_pathway(FRAMEWORK, "head-of-data-science", "role:chief-data-officer")
    last = plan.routes[0].steps[-1]
    assert {g.required for g in last.gaps} == {4}
    assert last.name == "Chief data officer"


def test_start_equal_to_target():
    plan = plan_pathway(FRAMEWORK, "data-analyst", "data-analyst")
    assert plan.routes == () and plan.message == "You are already at this role level."


def test_unknown_or_unreachable_targets_give_a_clear_result():
    assert "is not a role level" in plan_pathway(FRAMEWORK, "data-analyst", "astronaut").message
    assert "is not a role level" in plan_pathway(FRAMEWORK, "astronaut", "data-analyst").message
    # Nothing leads out of a Senior Civil Service role.
    plan = plan_pathway(FRAMEWORK, "role:chief-data-officer", "data-analyst")
    assert plan.routes == () and plan.message.startswith("No route to Data analyst")


def test_planning_from_a_profile_starts_where_the_person_already_fits():
    profile = Profile.of({"analysis-and-insight": 2, "communicating-analysis-and-insight": 2}, grade="HEO")
    plan = plan_pathway(FRAMEWORK, profile, "senior-performance-analyst")
    first = plan.routes[0].steps[0]
    assert first.node == "associate-performance-analyst"
    assert {g.skill for g in first.gaps}.isdisjoint({"analysis-and-insight", "communicating-analysis-and-insight"})
    assert plan.routes[0].steps[-1].node == "senior-performance-analyst"


def test_what_if_counts_newly_reachable_levels():
    level = FRAMEWORK.role_levels["associate-data-analyst"]
    almost = {r.skill: r.rank for r in level.requirements}
    missing = next(iter(almost))
    del almost[missing]
    profile = Profile.of(almost)
    result = what_if(FRAMEWORK, profile, missing, 1)
    assert result.reachable_after >= result.reachable_before
    # Already held at that level: nothing changes.
    same = what_if(FRAMEWORK, profile.with_rating(missing, 1), missing, 1)
    assert same.newly_reachable == ()


def test_best_next_skills_rank_learning_by_options_created():
    # Four of the nine skills of an associate data analyst: just short of "ready with development".
    required = [(r.skill, r.rank) for r in FRAMEWORK.role_levels["associate-data-analyst"].requirements]
    profile = Profile.of(dict(required[5:]))
    best = best_next_skills(FRAMEWORK, profile, n=5)
    assert best and [b.opens for b in best] == sorted((b.opens for b in best), reverse=True)
    assert best[0].skill in dict(required[:5])
    top = best[0]
    check = what_if(FRAMEWORK, profile, top.skill, top.level)
    assert len(check.newly_reachable) == top.opens


@pytest.mark.parametrize("k", [1, 2])
def test_k_limits_the_number_of_routes(k):
    assert len(plan_pathway(FRAMEWORK, "associate-data-analyst", "role:chief-data-officer", k=k).routes) == k


def test_routes_are_the_same_in_every_process():
    # Equal-cost routes must be chosen the same way by every server process, whatever each
    # one's string hashing: a person reloading the page should not see a different plan.
    import os
    import subprocess
    import sys

    script = (
        "from pathways import load_framework, plan_pathway, Profile\n"
        "fw = load_framework()\n"
        "p = Profile.of({'stakeholder-relationship-management': 3, 'strategic-thinking': 2})\n"
        "print([[s.node for s in r.steps] for r in plan_pathway(fw, p, 'senior-data-analyst').routes])\n"
    )
    plans = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(plans) == 1 and "senior-data-analyst" in plans.pop()


held_skills = st.dictionaries(st.sampled_from(sorted(FRAMEWORK.skills)), st.integers(1, 4), max_size=30)


@settings(max_examples=40, deadline=None)
@given(held_skills)
def test_fits_and_hours_for_every_node_at_once_equal_one_at_a_time(held):
    graph = pathway_graph(FRAMEWORK)
    at_once = graph.fits_and_hours(held)
    assert at_once.keys() == graph.requirements.keys()
    for node, required in graph.requirements.items():
        assert at_once[node] == (graph.fit(held, required), sum(g.hours for g in graph.gaps(held, node)))


@settings(max_examples=25, deadline=None)
@given(held_skills, st.sampled_from(sorted(pathway_graph(FRAMEWORK).requirements)))
def test_the_first_route_is_the_cheapest_there_is(held, target):
    """The guided search finds what a plain search of every move finds: no cheaper route."""
    profile = Profile.of(held)
    plan = plan_pathway(FRAMEWORK, profile, target)
    graph = pathway_graph(FRAMEWORK)
    options = graph.fits_and_hours(held_levels(FRAMEWORK, profile))
    entries = {n for n, (fit, _) in options.items() if fit >= ENTRY_FIT and not n.startswith("role:")}
    entries |= {role.levels[0].slug for role in FRAMEWORK.roles.values() if role.levels}
    moves = graph.moves()
    for node in entries:
        moves.add_edge(START, node, hours=options[node][1])
    cheapest = (
        nx.dijkstra_path_length(moves, START, target, weight="hours") if nx.has_path(moves, START, target) else None
    )
    if cheapest is None:
        assert plan.routes == ()
    else:
        assert plan.routes[0].total_hours == cheapest
        costs = [route.total_hours for route in plan.routes]
        assert costs == sorted(costs) and len({route.steps[0].node for route in plan.routes}) == len(costs)
