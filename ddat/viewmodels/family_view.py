"""A role family's skills as a leader reads them on screen: one row per skill, one column for
everyone and one for each group the leader chooses to compare (departments, professions or
grades).

A family has up to about 60 skills, which across the page made a table no screen could hold.
The numbers are the family table's own, after disclosure control over every group, so which
groups are chosen changes what is shown, never what is hidden. The download keeps every group.
"""

from dataclasses import dataclass

from .dashboards import Table
from .disclosure_labels import is_hidden
from .heatmap import HeatCell, Heatmap, shade

MAX_SHOWN = 5  # groups beside "All": narrow enough for a laptop, with the names readable
PEOPLE = "People"


@dataclass(frozen=True)
class FamilyView:
    table: Table  # skills as rows; its first row the people each column counts
    heatmap: Heatmap
    choices: list[str]  # every group, in the table's order
    shown: list[str]  # the groups compared
    largest: bool  # the groups were chosen for the leader, as the ones with the most people

    @property
    def options(self) -> list[tuple[str, str]]:
        return [(name, name) for name in self.choices]


def family_view(table: Table, asked: list[str]) -> FamilyView:
    names = [name for name, _ in table.rows]
    shown = [name for name in dict.fromkeys(asked) if name in names][:MAX_SHOWN]
    largest = not shown and len(names) > MAX_SHOWN
    if not shown:
        shown = _largest(table) if largest else names
    by_name = dict(table.rows)
    columns = ([(table.total_name, table.total)] if table.total else []) + [(n, by_name[n]) for n in shown]
    skills = table.headings[1:]
    rows = [(PEOPLE, [counts[0] for _, counts in columns])]
    rows += [(skill, [counts[i] for _, counts in columns]) for i, skill in enumerate(skills, start=1)]
    heat_rows = [
        (skill, [HeatCell(counts[i], shade(counts[i], counts[0])) for _, counts in columns])
        for i, skill in enumerate(skills, start=1)
    ]
    headings = [name for name, _ in columns]
    return FamilyView(
        Table(table.caption, "Skill", headings, rows),
        Heatmap(table.caption, "Skill", headings, heat_rows, "column"),
        names,
        shown,
        largest,
    )


def _largest(table: Table) -> list[str]:
    """The groups with the most people as the page shows them (rounded; a hidden count last),
    kept in the table's order so a group's column does not move as numbers change."""
    order = sorted(
        range(len(table.rows)),
        key=lambda i: (is_hidden(table.rows[i][1][0]), -_number(table.rows[i][1][0]), i),
    )
    return [table.rows[i][0] for i in sorted(order[:MAX_SHOWN])]


def _number(value) -> int:
    return value if isinstance(value, int) else 0
