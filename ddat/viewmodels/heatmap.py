"""A heatmap of a skills table: each cell shaded by its share of the people it counts among.

Cells keep the numbers the table shows after disclosure control; a hidden number has no
share, so it is left unshaded rather than guessed at.
"""

import math
from dataclasses import dataclass

from .disclosure_labels import is_hidden

SHADES = 5  # shades 1-5 for a share up to a fifth, two fifths ... all; 0 for none at all


@dataclass(frozen=True)
class HeatCell:
    value: object  # a count or a hidden count (pathways.disclosure.Hidden)
    shade: int | None  # None when the count or the people it is a share of is hidden


@dataclass(frozen=True)
class Heatmap:
    title: str
    row_heading: str
    columns: list[str]
    rows: list[tuple[str, list[HeatCell]]]
    share_of: str  # what a share is of, for the key: "department", "column's group"


def shade(count, people) -> int | None:
    if is_hidden(count) or is_hidden(people) or not isinstance(count, int) or not people:
        return None
    # Rounding both to the nearest 5 keeps count <= people, but a share is never above all.
    return min(math.ceil(count / people * SHADES), SHADES)


def groups_by_columns(table) -> Heatmap:
    """Rows are the table's groups, its first column the people in each, shares of that."""
    rows = [(name, [HeatCell(c, shade(c, counts[0])) for c in counts[1:]]) for name, counts in table.rows]
    return Heatmap(table.caption, table.group_heading, table.headings[1:], rows, table.group_heading.lower())
