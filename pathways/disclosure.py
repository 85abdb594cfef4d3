"""Disclosure control for counts shown to people who must not see individuals.

A count is shown only when no small group of people (1 to threshold - 1) can be read from it
or worked out from it. A table has rows (groups such as departments) whose first column is
usually the group's base, and a shown total row. The rules:

1. Primary: a count from 1 to threshold - 1 is suppressed. A true 0 is shown, because
   "nobody" in a group of threshold or more says nothing about a particular person; rule 4
   hides it where the group is small.
2. Within a row, depending on how its columns relate (`mode`):
   - "nested" (a funnel, each stage a subset of the one before): two shown counts never
     differ by 1 to threshold - 1;
   - "base" (each column a subset of the first, such as people holding a skill out of the
     people in a department): no shown count differs from the base by 1 to threshold - 1;
   - "partition" (the columns after the first add up to it, such as readiness bands): the
     hidden ones add up to 0 or at least the threshold;
   - "independent": no relation.
3. Columns: the hidden cells of each column add up to 0 or at least the threshold, so
   subtracting the shown cells from the total reveals no small group; and a column never
   hides exactly one non-zero cell, which the total would give away (and with it whatever
   that cell was hidden to protect). Where a column cannot hide a second cell, its total is
   hidden instead (`suppress_with_total`).
4. A row whose base (first column) is under the threshold, 0 included, is hidden whole,
   zeros included: "0 of fewer than 5" would say something about each of those few people,
   and an empty group shown as 0 would tell it apart from a group of one (not for
   "independent" tables, which have no base).
5. Differencing: cells a caller knows could be worked out by subtracting this table from
   another view (see `differences`) are hidden too.

When one rule hides a cell, the others are applied again until nothing changes. Suppressed
cells are None; `labelled` and `protected_with_total` then say why each one is hidden (`Hidden`),
so what a page prints in its place is true of the number it hides. Averages have their own
rule (`safe_average`). Everything here is pure, so it can be tested on any table.
"""

from collections.abc import Mapping, Sequence
from enum import Enum
from fractions import Fraction

DEFAULT_THRESHOLD = 5
MODES = ("nested", "base", "partition", "independent")
TOTAL = "__total__"
MIN_ANSWERS = 10
AVERAGE_STEP = Fraction(1, 2)


class Hidden(Enum):
    """Why a number is not shown; each reason has one wording, which must be true of it."""

    SMALL = "small"  # the true count is from 1 to threshold - 1
    PROTECTED = "protected"  # could be any count, 0 included: hidden so another cannot be worked out
    FEW_ANSWERS = "few answers"  # an average of fewer than MIN_ANSWERS answers


Cell = int | Hidden


def is_small(count: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    return 0 < count < threshold


def safe_count(count: int, threshold: int = DEFAULT_THRESHOLD) -> int | None:
    return None if is_small(count, threshold) else count


def safe_cell(count: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
    """`safe_count`, saying why when hidden."""
    return Hidden.SMALL if is_small(count, threshold) else count


def suppress_row(row: Sequence[int], threshold: int = DEFAULT_THRESHOLD) -> list[int | None]:
    """One row of nested counts, largest first (rules 1, 2 "nested" and 4)."""
    return suppress_table({TOTAL: row}, threshold, "nested", columns_have_totals=False)[TOTAL]


def _row_rules(row: Sequence[int], shown: list[int | None], threshold: int, mode: str, zeros_hidden: bool) -> None:
    if zeros_hidden:
        for i, count in enumerate(row):
            if count == 0:
                shown[i] = None
    if row and mode != "independent" and row[0] < threshold:
        shown[0] = None  # a group of fewer than `threshold`, empty included (rule 4)
    if mode == "nested":
        smallest_shown = None
        for i, count in enumerate(row):
            if shown[i] is None:
                continue
            if is_small(count, threshold) or (
                smallest_shown is not None and is_small(smallest_shown - count, threshold)
            ):
                shown[i] = None
            else:
                smallest_shown = count
    else:
        for i, count in enumerate(row):
            if is_small(count, threshold) or (mode == "base" and i and is_small(row[0] - count, threshold)):
                shown[i] = None


def _hide_smallest(row_or_column: list[tuple[int, int | None, object]], threshold: int) -> object | None:
    """Given (raw, shown, where) cells whose sum is known, the place of the smallest shown
    non-zero cell to hide next, or None if all is well: the hidden cells must hold 0 or at
    least `threshold` people between them, and never be one non-zero cell on its own."""
    hidden = [raw for raw, shown, _ in row_or_column if shown is None]
    lone = sum(1 for raw in hidden if raw > 0) == 1
    if not is_small(sum(hidden), threshold) and not lone:
        return None
    candidates = [(raw, str(where), where) for raw, shown, where in row_or_column if shown is not None and raw > 0]
    return min(candidates)[2] if candidates else None


def suppress_table(
    rows: Mapping[str, Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    mode: str = "nested",
    hidden: set[tuple[str, int]] = frozenset(),
    columns_have_totals: bool = True,
    zeros_hidden: bool = False,
) -> dict[str, list[int | None]]:
    """Apply rules 1-5 to `rows`; `hidden` holds (row, column) cells to hide from the start.
    `zeros_hidden` hides zeros too, for tables with no base to say how big each group is
    (a month with no completions must look like a month with one)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    table: dict[str, list[int | None]] = {key: list(row) for key, row in rows.items()}
    for key, column in hidden:
        if key in table:
            table[key][column] = None
    for key, row in rows.items():
        _row_rules(row, table[key], threshold, mode, zeros_hidden)
    width = max((len(row) for row in rows.values()), default=0)
    changed = True
    while changed:  # every pass only hides more, so this ends
        changed = False
        for key in rows:
            if (
                mode != "independent"
                and table[key]
                and table[key][0] is None
                and any(v is not None for v in table[key])
            ):
                table[key] = [None] * len(table[key])  # rule 4
                changed = True
            if mode == "partition" and table[key] and table[key][0] is not None:
                parts = [(rows[key][i], table[key][i], i) for i in range(1, len(rows[key]))]
                column = _hide_smallest(parts, threshold)
                if column is not None:
                    table[key][column] = None
                    changed = True
        if not columns_have_totals:
            continue
        for column in range(width):
            cells = [(rows[key][column], table[key][column], key) for key in rows]
            key = _hide_smallest(cells, threshold)
            if key is not None:
                table[key][column] = None
                changed = True
    return table


def suppress_with_total(
    rows: Mapping[str, Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    mode: str = "nested",
    hidden: set[tuple[str, int]] = frozenset(),
    total_hidden: set[int] = frozenset(),
    zeros_hidden: bool = False,
) -> tuple[dict[str, list[int | None]], list[int | None]]:
    """A table and its total row (column sums). A total is hidden where it is small, where
    `total_hidden` says so, or where its column could not hide a second cell."""
    width = max((len(row) for row in rows.values()), default=0)
    total = [sum(row[c] for row in rows.values()) for c in range(width)]
    table = suppress_table(rows, threshold, mode, hidden, zeros_hidden=zeros_hidden)
    hide = set(total_hidden)
    for column in range(width):
        if sum(1 for key in rows if table[key][column] is None and rows[key][column] > 0) == 1:
            hide.add(column)
    shown_total = suppress_table({TOTAL: total}, threshold, mode, {(TOTAL, c) for c in hide}, columns_have_totals=False)
    return table, shown_total[TOTAL]


def differences(
    current: Mapping[str, Sequence[int]], wider: Mapping[str, Sequence[int]], threshold: int = DEFAULT_THRESHOLD
) -> set[tuple[str, int]]:
    """Cells of `current` (a filtered view) that differ from the same cell of `wider` (the view
    with one filter removed, which can also be seen) by a small number: showing both would
    reveal that small group by subtraction."""
    return {
        (key, column)
        for key, row in current.items()
        for column, count in enumerate(row)
        if key in wider and is_small(wider[key][column] - count, threshold)
    }


def total_is_safe(rows: Mapping[str, Sequence[int]], column: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A column total can be shown unless it is itself small."""
    return not is_small(sum(row[column] for row in rows.values()), threshold)


def rounded(count: Cell | None, base: int = DEFAULT_THRESHOLD) -> Cell | None:
    """A shown count rounded to the nearest multiple of `base` (halves up); a hidden one stays
    hidden. Rounding every number leaders see means no sum or difference of them can give back
    an exact small count, whatever views they put side by side."""
    return count if count is None or isinstance(count, Hidden) else base * ((count + base // 2) // base)


def rounded_row(row: Sequence[Cell | None], base: int = DEFAULT_THRESHOLD) -> list[Cell | None]:
    return [rounded(v, base) for v in row]


def labelled(
    row: Sequence[int],
    shown: Sequence[int | None],
    threshold: int = DEFAULT_THRESHOLD,
    mode: str = "nested",
    zeros_hidden: bool = False,
) -> list[Cell]:
    """`shown` (one row of `suppress_table`'s answer for `row`) with each hidden cell saying
    why. A count from 1 to threshold - 1 says it is small only where a 0 in the same place
    would have been shown: in a small group's row, hidden whole, and in a table that hides its
    zeros, telling "small" from "hidden" would tell a few people from nobody, so every hidden
    cell there is PROTECTED. Nor where the row adds up to a shown first column ("partition"):
    see `_small_only_without_totals`."""
    small_can_be_said = not zeros_hidden and (mode == "independent" or (bool(row) and row[0] >= threshold))
    if mode == "partition" and shown and shown[0] is not None:
        small_can_be_said = False
    return [
        value
        if value is not None
        else Hidden.SMALL
        if small_can_be_said and is_small(count, threshold)
        else Hidden.PROTECTED
        for count, value in zip(row, shown, strict=True)
    ]


def protected_with_total(
    rows: Mapping[str, Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    mode: str = "nested",
    hidden: set[tuple[str, int]] = frozenset(),
    total_hidden: set[int] = frozenset(),
    zeros_hidden: bool = False,
) -> tuple[dict[str, list[Cell]], list[Cell]]:
    """`suppress_with_total` with every hidden cell saying why (`labelled`), and "small" said
    only in columns whose total is hidden for another reason (`_small_only_without_totals`)."""
    shown, total = suppress_with_total(rows, threshold, mode, hidden, total_hidden, zeros_hidden)
    width = max((len(row) for row in rows.values()), default=0)
    sums = [sum(row[c] for row in rows.values()) for c in range(width)]
    labelled_total = labelled(sums, total, threshold, mode, zeros_hidden)
    return (
        {
            key: _small_only_without_totals(labelled(row, shown[key], threshold, mode, zeros_hidden), labelled_total)
            for key, row in rows.items()
        },
        labelled_total,
    )


def _small_only_without_totals(row: list[Cell], total: Sequence[Cell]) -> list[Cell]:
    """SMALL says a count is at least 1 as well as at most threshold - 1, and a lower bound
    set against a known total can pin cells: seven departments of "fewer than 5" with a total
    shown as 5 (5 to 7 people) are 1 each, and two of them with a total shown as 10 (8 to 12)
    are 4 each. As in official statistics, a hidden cell is therefore only "small" where no
    total of its line is known (shown, or itself said to be small); otherwise PROTECTED."""
    return [
        Hidden.PROTECTED if value is Hidden.SMALL and sum_ is not Hidden.PROTECTED else value
        for value, sum_ in zip(row, total, strict=True)
    ]


def safe_average(
    total: int, answers: int, minimum: int = MIN_ANSWERS, step: Fraction = AVERAGE_STEP
) -> Fraction | Hidden:
    """The mean of `answers` scores adding up to `total`, for people who must not see anyone's
    own score: hidden under `minimum` answers, otherwise rounded to the nearest `step` (halves
    up). An exact mean and count give back each new answer; with 10 answers or more on a 1 to 5
    scale one more answer moves the mean by under 0.4, so the shown average moves by one step
    at most and no longer says by how much (see docs/privacy.md, rule 8, for what it can say)."""
    if answers < minimum:
        return Hidden.FEW_ANSWERS
    steps = Fraction(total, answers) / step + Fraction(1, 2)
    return (steps.numerator // steps.denominator) * step


def safe_share(part: int, whole: int, threshold: int = DEFAULT_THRESHOLD) -> tuple[int | None, int | None]:
    """ "N of M": both suppressed when M is small, N suppressed when N or M - N is small."""
    shown = suppress_row([whole, part], threshold)
    return shown[1], shown[0]


def safe_percentage(part: int | None, whole: int | None) -> int | None:
    """A percentage only from two shown counts."""
    if part is None or whole is None or whole == 0:
        return None
    return round(100 * part / whole)
