from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathways.disclosure import (
    MIN_ANSWERS,
    TOTAL,
    Cell,
    Hidden,
    differences,
    is_small,
    labelled,
    protected_with_total,
    rounded,
    rounded_row,
    safe_average,
    safe_count,
    safe_percentage,
    safe_share,
    suppress_row,
    suppress_table,
    suppress_with_total,
)

T = 5


def nested_rows(width: int):
    """A row of funnel counts, each stage no bigger than the one before."""
    return st.lists(st.integers(0, 30), min_size=width, max_size=width).map(lambda r: sorted(r, reverse=True))


tables = st.integers(1, 4).flatmap(
    lambda width: st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), nested_rows(width), max_size=8)
)


def check_nested_row(row, shown):
    if shown[0] is None:
        assert all(value is None for value in shown), "a row whose base is hidden is hidden whole"
    visible = [(value, original) for value, original in zip(shown, row, strict=True) if value is not None]
    for value, original in visible:
        assert value == original
        assert not is_small(value, T)
    for i, (first, _) in enumerate(visible):
        for second, _ in visible[i + 1 :]:
            assert not is_small(first - second, T), "two shown stages must not differ by a small number"


@given(tables)
def test_no_small_group_can_be_read_or_worked_out_from_a_table(rows):
    shown, total = suppress_with_total(rows, T)
    for key, row in rows.items():
        check_nested_row(row, shown[key])
    check_columns(rows, shown, total)
    if rows:
        check_nested_row([sum(c) for c in zip(*rows.values(), strict=True)], total)


def test_a_cell_hidden_for_its_neighbour_is_not_given_away_by_the_total():
    # A's registered count is hidden because 10 - 8 = 2 people did not register; had it been
    # the only hidden cell, 23 - 10 - 5 would give it back.
    shown, total = suppress_with_total({"A": [10, 8], "B": [20, 10], "C": [15, 5]})
    assert shown["A"][1] is None
    assert total[1] is None or sum(1 for key in "BC" if shown[key][1] is None) >= 1


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_single_column_tables_protect_the_total(counts):
    rows = {f"m{i}": [c] for i, c in enumerate(counts)}
    shown, total = suppress_with_total(rows, T, mode="independent")
    check_columns(rows, shown, total)
    assert all(v is None or not is_small(v, T) for row in shown.values() for v in row)


@given(nested_rows(4))
def test_a_funnel_row_on_its_own(row):
    check_nested_row(row, suppress_row(row, T))


@given(st.integers(0, 40), st.integers(0, 40))
def test_n_of_m(a, b):
    whole, part = max(a, b), min(a, b)
    shown_part, shown_whole = safe_share(part, whole, T)
    if is_small(whole, T):
        assert shown_part is None and shown_whole is None
    if shown_part is not None and shown_whole is not None:
        assert not is_small(shown_whole - shown_part, T)
        assert not is_small(shown_part, T)


def test_examples_a_reader_can_check():
    # 18 permanent secretaries, 11 completed: 7 have not, which is safe to show.
    assert safe_share(11, 18) == (11, 18)
    # 16 of 18: the 2 who have not could be named by anyone who knows who the 18 are.
    assert safe_share(16, 18) == (None, 18)
    # One permanent secretary per department: every row is hidden, zeros included.
    assert suppress_table({"CO": [1, 0], "DfE": [1, 1]}) == {"CO": [None, None], "DfE": [None, None]}
    # A lone small cell is protected by hiding the next smallest one in its column.
    assert suppress_table({"a": [20], "b": [3], "c": [9], "d": [30]}, mode="independent") == {
        "a": [20],
        "b": [None],
        "c": [None],
        "d": [30],
    }
    assert safe_count(0) == 0 and safe_count(4) is None and safe_count(5) == 5
    assert safe_percentage(None, 10) is None and safe_percentage(5, 10) == 50


def base_rows(width: int):
    """A group's size, then counts of people in it holding something (each at most the size)."""
    return st.integers(0, 40).flatmap(
        lambda base: st.lists(st.integers(0, base), min_size=width - 1, max_size=width - 1).map(
            lambda rest: [base, *rest]
        )
    )


def partition_rows(width: int):
    """Counts of people in bands that together make up the group, with the group first."""
    return st.lists(st.integers(0, 15), min_size=width - 1, max_size=width - 1).map(lambda parts: [sum(parts), *parts])


def grids(row_strategy):
    return st.integers(2, 5).flatmap(
        lambda width: st.dictionaries(st.text("abcdef", min_size=1, max_size=2), row_strategy(width), max_size=7)
    )


def check_columns(rows, shown, total):
    """Wherever a total is shown, subtracting the shown cells reveals no small group and no
    single hidden cell."""
    width = len(next(iter(rows.values()))) if rows else 0
    for column in range(width):
        if total[column] is None:
            continue
        assert total[column] == sum(row[column] for row in rows.values())
        hidden = [row[column] for key, row in rows.items() if shown[key][column] is None]
        assert not is_small(sum(hidden), T)
        assert sum(1 for h in hidden if h > 0) != 1, "one hidden cell would be the total minus the rest"


def check_common(rows, shown, total):
    for key, row in rows.items():
        for value, original in zip(shown[key], row, strict=True):
            assert value is None or (value == original and not is_small(value, T))
        if shown[key][0] is None:
            assert all(v is None for v in shown[key])
    check_columns(rows, shown, total)


@given(grids(base_rows))
def test_base_tables_never_show_a_count_close_to_its_group(rows):
    shown, total = suppress_with_total(rows, T, mode="base")
    check_common(rows, shown, total)
    for key, row in rows.items():
        if shown[key][0] is not None:
            for value in shown[key][1:]:
                assert value is None or not is_small(row[0] - value, T)


@given(grids(partition_rows))
def test_partition_tables_hide_no_recoverable_small_band(rows):
    shown, total = suppress_with_total(rows, T, mode="partition")
    check_common(rows, shown, total)
    for key, row in rows.items():
        if shown[key][0] is not None:
            hidden = sum(c for c, v in zip(row[1:], shown[key][1:], strict=True) if v is None)
            assert not is_small(hidden, T), "the group minus the shown bands must not reveal a small band"


@given(grids(base_rows), st.data())
def test_a_filtered_view_and_the_wider_one_never_differ_by_a_small_group(wider, data):
    """The filtered view holds part of each wider count; subtracting must not reveal a few people."""
    current = {key: [data.draw(st.integers(0, count)) for count in row] for key, row in wider.items()}
    current = {key: [row[0], *[min(c, row[0]) for c in row[1:]]] for key, row in current.items()}
    shown_current, _ = suppress_with_total(current, T, mode="base", hidden=differences(current, wider, T))
    shown_wider, _ = suppress_with_total(wider, T, mode="base")
    for key in current:
        for column, value in enumerate(shown_current[key]):
            if value is not None and shown_wider[key][column] is not None:
                assert not is_small(shown_wider[key][column] - value, T)


def test_modes_are_checked():
    with pytest.raises(ValueError):
        suppress_table({"a": [1]}, mode="whatever")


def check_labels(rows, shown, total, mode, zeros_hidden):
    """Every cell is either the true count rounded to the nearest 5, or says truly why it is
    hidden: "small" only for a true count of 1 to 4, and only where a 0 would have been shown,
    so telling small from hidden never tells a few people from nobody."""
    sums = [sum(column) for column in zip(*rows.values(), strict=True)] if rows else []
    for row, cells in [*((rows[key], shown[key]) for key in rows), (sums, total)]:
        for true, cell in zip(row, cells, strict=True):
            assert cell is not None, "a hidden cell always says why"
            if cell is Hidden.SMALL:
                assert 1 <= true <= 4
                assert not zeros_hidden and (mode == "independent" or row[0] >= T)
            elif cell is not Hidden.PROTECTED:
                assert cell == rounded(true) and not is_small(true, T)


@given(
    st.sampled_from([("nested", nested_rows), ("base", base_rows), ("partition", partition_rows)]).flatmap(
        lambda pair: st.tuples(st.just(pair[0]), grids(pair[1]), st.booleans(), st.data())
    )
)
def test_every_number_or_label_shown_is_true_of_the_counts(case):
    mode, rows, zeros_hidden, data = case
    cells = [(key, column) for key, row in rows.items() for column in range(len(row))]
    hidden = set(data.draw(st.lists(st.sampled_from(cells), max_size=3))) if cells else set()
    shown, total = protected_with_total(rows, T, mode, hidden=hidden, zeros_hidden=zeros_hidden)
    check_labels(rows, {k: rounded_row(v) for k, v in shown.items()}, rounded_row(total), mode, zeros_hidden)
    plain, plain_total = suppress_with_total(rows, T, mode, hidden=hidden, zeros_hidden=zeros_hidden)
    for key in rows:  # the labels say why, and hide exactly what suppression hides
        assert [v is None for v in plain[key]] == [isinstance(v, Hidden) for v in shown[key]]
    assert [v is None for v in plain_total] == [isinstance(v, Hidden) for v in total]


@given(st.lists(st.integers(0, 40), min_size=1, max_size=8), st.booleans())
def test_single_column_labels_are_true(counts, zeros_hidden):
    rows = {f"m{i}": [c] for i, c in enumerate(counts)}
    shown, total = protected_with_total(rows, T, mode="independent", zeros_hidden=zeros_hidden)
    check_labels(rows, {k: rounded_row(v) for k, v in shown.items()}, rounded_row(total), "independent", zeros_hidden)


def test_a_number_hidden_to_protect_another_is_not_called_small():
    # Readiness bands: the bands hidden so that each row's 3 and 2 cannot be worked out from
    # the row's total hold 100 to 150 people, not "fewer than 5"; and as each row adds up to
    # its shown first column, the 3 and 2 are not called small either.
    shown, total = protected_with_total({"A": [300, 3, 150, 147], "B": [215, 2, 100, 113]}, mode="partition")
    assert shown == {
        "A": [300, Hidden.PROTECTED, Hidden.PROTECTED, Hidden.PROTECTED],
        "B": [215, Hidden.PROTECTED, Hidden.PROTECTED, Hidden.PROTECTED],
    }
    assert total == [515, 5, 250, 260]
    # A funnel: 8 of 10 registered is hidden, as 2 did not; the 8 is not "fewer than 5".
    shown, _ = protected_with_total({"A": [10, 8], "B": [20, 10], "C": [15, 5]})
    assert shown["A"] == [10, Hidden.PROTECTED]
    # A group of one: "fewer than 5" for a 1 and "[c]" for a 0 would say whether they did it.
    assert labelled([1, 1], [None, None]) == [Hidden.PROTECTED, Hidden.PROTECTED]
    assert labelled([1, 0], [None, None]) == [Hidden.PROTECTED, Hidden.PROTECTED]


scores = st.lists(st.integers(1, 5), max_size=40)


@given(scores)
def test_an_average_is_hidden_under_ten_answers_and_otherwise_true_to_half_a_point(answers):
    shown = safe_average(sum(answers), len(answers))
    if len(answers) < MIN_ANSWERS:
        assert shown is Hidden.FEW_ANSWERS
    else:
        assert shown * 2 == int(shown * 2), "a whole or half point"
        assert abs(shown - Fraction(sum(answers), len(answers))) <= Fraction(1, 4)


@given(scores, st.integers(1, 5))
def test_one_more_answer_moves_the_shown_average_by_half_a_point_at_most(answers, new):
    """Exactly, 4.4 from 10 answers then 4.1 from 11 gives the new answer back (45.1 - 44 = 1):
    the shown average moves by a whole step of half a point or not at all, never by the
    amount one answer moved it."""
    before = safe_average(sum(answers), len(answers))
    after = safe_average(sum(answers) + new, len(answers) + 1)
    if isinstance(before, Hidden):
        return
    assert after - before in (-Fraction(1, 2), 0, Fraction(1, 2))


def _bounds(cell: Cell) -> tuple[int, float]:
    """What a reader knows of a count from what is shown in its place: a shown number is the
    true one rounded to the nearest 5 and never small, "fewer than 5" is 1 to 4, "[c]" any."""
    if cell is Hidden.SMALL:
        return 1, 4
    if cell is Hidden.PROTECTED:
        return 0, float("inf")
    return (0, 0) if cell == 0 else (max(cell - 2, T), cell + 2)


def pinned_cells(rows, shown, total, mode):
    """Hidden cells whose count follows exactly from the shown numbers, the labels' bounds and
    the sums a reader knows (each column adds up to its total; in a partition table each row's
    bands add up to its first column), narrowing every bound until nothing changes."""
    keys = [*rows, TOTAL]
    cells = {**shown, TOTAL: total}
    bounds = {(key, c): list(_bounds(v)) for key in keys for c, v in enumerate(cells[key])}
    width = len(total)
    lines = [([(key, c) for key in rows], (TOTAL, c)) for c in range(width)]
    if mode == "partition":
        lines += [([(key, c) for c in range(1, width)], (key, 0)) for key in keys]
    changed = True
    while changed:
        changed = False
        for parts, whole in lines:
            low = sum(bounds[p][0] for p in parts)
            high = sum(bounds[p][1] for p in parts)
            new = {whole: (low, high)}
            for p in parts:
                new[p] = (bounds[whole][0] - (high - bounds[p][1]), bounds[whole][1] - (low - bounds[p][0]))
            for where, (lo, hi) in new.items():
                if lo > bounds[where][0] or hi < bounds[where][1]:
                    bounds[where] = [max(lo, bounds[where][0]), min(hi, bounds[where][1])]
                    changed = True
    return {
        (key, c): bounds[(key, c)][0]
        for key in keys
        for c, v in enumerate(cells[key])
        if isinstance(v, Hidden) and bounds[(key, c)][0] == bounds[(key, c)][1]
    }


def few_rows(width: int):
    """Rows of mostly small counts, where labels and totals have the most to give away."""
    few = st.integers(0, 6)
    return st.sampled_from(["nested", "base", "partition"]).flatmap(
        lambda mode: st.tuples(
            st.just(mode),
            st.dictionaries(
                st.text("abcdefgh", min_size=1, max_size=2),
                st.lists(few, min_size=width - 1, max_size=width - 1).map(
                    lambda parts, mode=mode: (
                        [sum(parts), *parts]
                        if mode == "partition"
                        else [max(parts) + 5, *sorted(parts, reverse=True)]
                        if mode == "nested"
                        else [max(parts) + 5, *parts]
                    )
                ),
                min_size=1,
                max_size=8,
            ),
        )
    )


@given(st.integers(2, 4).flatmap(few_rows), st.booleans())
def test_no_hidden_count_can_be_worked_out_from_the_labels_and_totals(case, zeros_hidden):
    mode, rows = case
    shown, total = protected_with_total(rows, T, mode, zeros_hidden=zeros_hidden)
    rounded_rows = {key: rounded_row(row) for key, row in shown.items()}
    pinned = pinned_cells(rows, rounded_rows, rounded_row(total), mode)
    assert not pinned, (rows, rounded_rows, rounded_row(total))


def test_seven_departments_of_fewer_than_5_and_a_total_of_5_say_each_is_1():
    rows = {f"d{i}": [30, 1] for i in range(7)} | {"e": [40, 0]}
    shown, total = protected_with_total(rows, mode="base")
    assert rounded_row(total) == [250, 5]
    # Seven cells of at least 1 adding up to a number shown as 5 (5 to 7) are 1 each.
    assert not pinned_cells(rows, {k: rounded_row(v) for k, v in shown.items()}, rounded_row(total), "base")
    assert all(shown[f"d{i}"][1] is Hidden.PROTECTED for i in range(7))
