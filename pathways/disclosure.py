"""Disclosure control for counts shown to people who must not see individuals.

A count is shown only when no small group of people (1 to threshold - 1) can be read from
it or worked out from it. The rules, applied to a table of counts:

1. Primary: a count from 1 to threshold - 1 is suppressed. A true 0 is shown, except where
   rule 4 applies, because "nobody" in a group of threshold or more says nothing about a
   particular person.
2. Nested counts in a row (each stage a subset of the one before, as in a funnel
   "invited ≥ registered ≥ completed"): two shown counts never differ by 1 to threshold - 1,
   so subtracting them cannot reveal a small group.
3. Columns with a shown total: the suppressed cells of a column add up to 0 or to at least
   the threshold, so subtracting the shown cells from the total reveals no small group.
4. A row whose base (its first, largest count) is suppressed is suppressed whole, zeros
   included: "0 of fewer than 5" would say something about each of those few people.

Suppressed cells are None. Functions here are pure so they can be tested on any table.
"""

from collections.abc import Mapping, Sequence

DEFAULT_THRESHOLD = 5


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < count < threshold


def safe_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    return None if is_small(count, threshold) else count


def suppress_row(row: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> list[int | None]:
    """One row of nested counts, largest first (rules 1, 2 and 4)."""
    shown: list[int | None] = []
    smallest_shown = None
    for count in row:
        if is_small(count, threshold) or (smallest_shown is not None and is_small(smallest_shown - count, threshold)):
            shown.append(None)
        else:
            shown.append(count)
            smallest_shown = count
    if row and shown[0] is None:
        return [None] * len(row)
    return shown


def suppress_table(
    rows: Mapping[str, Sequence[int]], threshold: int = DEFAULT_THRESHOLD, nested: bool = True
) -> dict[str, list[int | None]]:
    """Suppress a table whose columns have shown totals (rules 1-4; rule 2 only if `nested`)."""
    table = {
        key: (suppress_row(row, threshold) if nested else [safe_count(c, threshold) for c in row])
        for key, row in rows.items()
    }
    width = max((len(row) for row in rows.values()), default=0)
    changed = True
    while changed:  # each pass only adds suppressions, so this ends
        changed = False
        for column in range(width):
            hidden = [rows[k][column] for k in rows if table[k][column] is None]
            if hidden and is_small(sum(hidden), threshold):
                candidates = [k for k in rows if table[k][column] is not None and rows[k][column] > 0]
                if not candidates:  # every non-zero cell is hidden: the total must go too
                    continue
                smallest = min(candidates, key=lambda k: (rows[k][column], k))
                if column == 0:
                    table[smallest] = [None] * width
                else:
                    table[smallest][column] = None
                changed = True
    return table


def total_is_safe(rows: Mapping[str, Sequence[int]], column: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A column total can be shown unless it is itself small."""
    return not is_small(sum(row[column] for row in rows.values()), threshold)


def safe_share(part: int, whole: int, threshold: int = DEFAULT_THRESHOLD) -> tuple[int | None, int | None]:
    """ "N of M": both suppressed when M is small, N suppressed when N or M - N is small."""
    shown = suppress_row([whole, part], threshold)
    return shown[1], shown[0]


def safe_percentage(part: int | None, whole: int | None) -> int | None:
    """A percentage only from two shown counts."""
    if part is None or whole is None or whole == 0:
        return None
    return round(100 * part / whole)
