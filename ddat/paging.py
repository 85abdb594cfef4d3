"""Page numbers from query strings, for every paginated list."""

MAX_PAGE_DIGITS = 5


def page_number(raw: str | None) -> int:
    """A page number from `?page=`, or 1 for anything that is not a plain small number.

    `str.isdigit` alone accepts "²" and other Unicode digits that `int` refuses, and a
    thousand-digit number would be slow to convert: both fall back to the first page.
    """
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS:
        return max(int(raw), 1)
    return 1
