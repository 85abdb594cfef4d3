"""What a page or CSV prints for a disclosure-controlled number: one wording per reason it is
hidden (`pathways.disclosure.Hidden`), so every label is true of what it stands for and reads
the same on every page, in every chart and in every download."""

from fractions import Fraction

from pathways.disclosure import DEFAULT_THRESHOLD, MIN_ANSWERS, Hidden

# Not a disclosure outcome: a total that would add up things that do not add up.
NOT_APPLICABLE = "not applicable"

SMALL = f"fewer than {DEFAULT_THRESHOLD}"
PROTECTED = "[c]"
LABELS = {
    Hidden.SMALL: SMALL,
    Hidden.PROTECTED: PROTECTED,
    Hidden.FEW_ANSWERS: f"fewer than {MIN_ANSWERS} answers",
}
NOT_APPLICABLE_LABEL = "[z]"


def label(value, short: bool = False) -> str:
    """A count, a hidden count's label, or an average (to one decimal place); `short` for a
    chart's cells, where "<5" stands for "fewer than 5"."""
    if isinstance(value, Hidden):
        return f"<{DEFAULT_THRESHOLD}" if short and value is Hidden.SMALL else LABELS[value]
    if value == NOT_APPLICABLE:
        return NOT_APPLICABLE_LABEL
    if isinstance(value, Fraction | float):
        return f"{float(value):.1f}"
    return f"{value:,}"


def csv_value(value):
    """What a CSV cell holds: a plain number (no thousands separator, so it stays a number in a
    spreadsheet) or the same label as the page."""
    return value if isinstance(value, int) else label(value)


def is_hidden(value) -> bool:
    return isinstance(value, Hidden)
