from hypothesis import given
from hypothesis import strategies as st

from pathways.disclosure import is_small, safe_count, safe_percentage, safe_share, suppress_row, suppress_table

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
    shown = suppress_table(rows, T)
    for key, row in rows.items():
        check_nested_row(row, shown[key])
    width = len(next(iter(rows.values()))) if rows else 0
    for column in range(width):
        total = sum(row[column] for row in rows.values())
        if is_small(total, T):
            continue  # the total itself is never shown (safe_count), so nothing can be subtracted
        hidden = sum(row[column] for key, row in rows.items() if shown[key][column] is None)
        assert not is_small(hidden, T), "the total minus the shown cells must not reveal a small group"


@given(st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_single_column_tables_protect_the_total(counts):
    rows = {f"m{i}": [c] for i, c in enumerate(counts)}
    shown = suppress_table(rows, T, nested=False)
    total = sum(counts)
    if not is_small(total, T):
        hidden = sum(c for (key, c) in zip(rows, counts, strict=True) if shown[key][0] is None)
        assert not is_small(hidden, T)
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
    assert suppress_table({"a": [20], "b": [3], "c": [9], "d": [30]}, nested=False) == {
        "a": [20],
        "b": [None],
        "c": [None],
        "d": [30],
    }
    assert safe_count(0) == 0 and safe_count(4) is None and safe_count(5) == 5
    assert safe_percentage(None, 10) is None and safe_percentage(5, 10) == 50
